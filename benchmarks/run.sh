#!/usr/bin/env bash
# Builds the benchmark module (and what it depends on), then runs the benchmark harness with
# the given flags. Examples:
#   benchmarks/run.sh --help
#   benchmarks/run.sh --smoke                      # quick check, small sizes, 1 run
#   benchmarks/run.sh                              # full run: 5 runs, 10M-event log
#   benchmarks/run.sh --no-build --only read,recovery --reuse-log
# --no-build (first argument only) skips the Maven install and uses what is built.
# The report is printed to stdout and saved under the work directory
# (default benchmarks/target/bench-work/results-<time>.md); progress goes to stderr.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
if [[ "${1:-}" == "--no-build" ]]; then
  shift
else
  mvn -B -q -pl benchmarks -am install -DskipTests >&2
fi
classpath_file="$root/benchmarks/target/classpath.txt"
rm -f "$classpath_file"
mvn -B -q -pl benchmarks dependency:build-classpath -Dmdep.outputFile="$classpath_file" -Dmdep.includeScope=runtime >&2
classpath="$root/benchmarks/target/classes:$(cat "$classpath_file")"
exec java -Xmx1g -cp "$classpath" io.tributary.benchmarks.LogBenchmarks "$@"
