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
  if [[ ! -f "$classpath_file" ]]; then
    echo "harness: $classpath_file is missing; run once without --no-build" >&2
    exit 1
  fi
else
  # Built and resolved inside the reactor (no install): the project's own modules are this
  # checkout's target/ jars — the shared ~/.m2 neither receives this checkout's snapshots nor
  # lends someone else's. Every module writes the file in turn; benchmarks, the last, wins.
  rm -f "$classpath_file"
  mvn -B -q -Dstyle.color=never -pl benchmarks -am package dependency:build-classpath -DskipTests \
    -Dmdep.outputFile="$classpath_file" -Dmdep.includeScope=runtime >&2
fi
# Run from a private copy of the project's own classes and jars: a build started elsewhere
# during a long run (mvn clean, install) must not swap classes under the child JVMs.
snapshot="$(mktemp -d "${TMPDIR:-/tmp}/tributary-bench-cp.XXXXXX")"
trap 'rm -rf "$snapshot"' EXIT
cp -r "$root/benchmarks/target/classes" "$snapshot/classes"
classpath="$snapshot/classes"
IFS=':' read -ra entries < "$classpath_file" || true  # no final newline: read returns 1
n=0
for entry in "${entries[@]}"; do
  n=$((n + 1))
  case "$entry" in
    "$root"/*) cp -r "$entry" "$snapshot/$n-$(basename "$entry")" && classpath="$classpath:$snapshot/$n-$(basename "$entry")" ;;
    *) classpath="$classpath:$entry" ;;
  esac
done
java -Xmx1g ${BENCH_JAVA_OPTS:-} -cp "$classpath" "io.tributary.benchmarks.$main" "$@"
