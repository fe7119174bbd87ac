#!/usr/bin/env bash
# Builds the benchmark module (and what it depends on), then runs the CQRS benchmarks
# (io.tributary.benchmarks.CqrsBenchmarks, issue 4) with the given flags. Examples:
#   benchmarks/run-cqrs.sh --help
#   benchmarks/run-cqrs.sh --events 200000 --runs 1            # quick check
#   benchmarks/run-cqrs.sh                                     # full run: 5M-event log, 3 runs
#   benchmarks/run-cqrs.sh --no-build --only catchup --reuse-log
# --no-build (first argument only) skips the Maven install and uses what is built.
# The report is printed to stdout and saved under the work directory
# (default benchmarks/target/cqrs-bench-work/results-<time>.md); progress goes to stderr.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
if [[ "${1:-}" == "--no-build" ]]; then
  shift
else
  mvn -B -q -Dstyle.color=never -pl benchmarks -am install -DskipTests >&2
fi
classpath_file="$root/benchmarks/target/cqrs-classpath.txt"
rm -f "$classpath_file"
mvn -B -q -Dstyle.color=never -pl benchmarks dependency:build-classpath -Dmdep.outputFile="$classpath_file" -Dmdep.includeScope=runtime >&2
# Run from a private copy of the project's own classes and jars: a build started elsewhere
# during a long run (mvn clean, install) must not swap classes under the child JVMs.
snapshot="$(mktemp -d "${TMPDIR:-/tmp}/tributary-bench-cp.XXXXXX")"
trap 'rm -rf "$snapshot"' EXIT
cp -r "$root/benchmarks/target/classes" "$snapshot/classes"
classpath="$snapshot/classes"
IFS=':' read -ra entries < "$classpath_file" || true  # no final newline: read returns 1
for entry in "${entries[@]}"; do
  case "$entry" in
    */io/tributary/*) cp "$entry" "$snapshot/" && classpath="$classpath:$snapshot/$(basename "$entry")" ;;
    *) classpath="$classpath:$entry" ;;
  esac
done
java -Xmx1g -cp "$classpath" io.tributary.benchmarks.CqrsBenchmarks "$@"
