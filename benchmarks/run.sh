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
exec "$(dirname "${BASH_SOURCE[0]}")/harness.sh" LogBenchmarks "$@"
