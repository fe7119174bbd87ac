#!/usr/bin/env bash
# Shared by the run-*.sh scripts: builds the benchmark module (and what it depends on), then runs
# the harness class io.tributary.benchmarks.<first argument> with the remaining flags.
# --no-build (first flag) skips the Maven build and uses what is built.
# Nothing is installed into ~/.m2 (shared by every checkout on the machine): the reactor is packaged
# in place and the classpath points at this checkout's module jars.
set -euo pipefail
main="$1"
shift
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
classpath_file="$root/benchmarks/target/classpath-$main.txt"
if [[ "${1:-}" == "--no-build" ]]; then
  shift
  [[ -f "$classpath_file" ]] || { echo "no $classpath_file: run once without --no-build" >&2; exit 2; }
else
  rm -f "$classpath_file"
  # In the reactor (-am) the project's own modules resolve to their target/*.jar of this build.
  mvn -B -q -Dstyle.color=never -pl benchmarks -am package -DskipTests dependency:build-classpath \
    -Dmdep.outputFile="$classpath_file" -Dmdep.includeScope=runtime >&2
fi
# Run from a private copy of the project's own classes and jars: a build started elsewhere
# during a long run (mvn clean, install) must not swap classes under the child JVMs.
snapshot="$(mktemp -d "${TMPDIR:-/tmp}/tributary-bench-cp.XXXXXX")"
trap 'rm -rf "$snapshot"' EXIT
cp -r "$root/benchmarks/target/classes" "$snapshot/classes"
classpath="$snapshot/classes"
IFS=':' read -ra entries < "$classpath_file" || true  # no final newline: read returns 1
for entry in "${entries[@]}"; do
  case "$entry" in
    "$root"/*) cp "$entry" "$snapshot/" && classpath="$classpath:$snapshot/$(basename "$entry")" ;;
    *) classpath="$classpath:$entry" ;;
  esac
done
java -Xmx1g ${BENCH_JAVA_OPTS:-} -cp "$classpath" "io.tributary.benchmarks.$main" "$@"
