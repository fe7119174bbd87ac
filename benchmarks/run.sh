#!/usr/bin/env bash
# Builds the benchmark module (and what it depends on), then runs the benchmark harness with
# the given flags. Examples:
#   benchmarks/run.sh --help
#   benchmarks/run.sh --smoke                      # quick check, small sizes, 1 run
#   benchmarks/run.sh                              # full run: 5 runs, 10M-event log
#   benchmarks/run.sh --only read,recovery --reuse-log
# The report is printed to stdout and saved under the work directory
# (default benchmarks/target/bench-work/results-<time>.md); progress goes to stderr.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mvn -B -q -pl benchmarks -am install -DskipTests
classpath_file="benchmarks/target/classpath.txt"
mvn -B -q -pl benchmarks dependency:build-classpath -Dmdep.outputFile="$classpath_file" -Dmdep.includeScope=runtime
exec java -Xmx1g -cp "benchmarks/target/classes:$(cat "$classpath_file")" io.tributary.benchmarks.LogBenchmarks "$@"
