#!/usr/bin/env bash
# Builds the benchmark module (and what it depends on), then runs the CQRS benchmarks
# (io.tributary.benchmarks.CqrsBenchmarks, issue 4) with the given flags. Examples:
#   benchmarks/run-cqrs.sh --help
#   benchmarks/run-cqrs.sh --events 200000 --runs 1            # quick check
#   benchmarks/run-cqrs.sh                                     # full run: 5M-event log, 3 runs
#   benchmarks/run-cqrs.sh --no-build --only catchup --reuse-log
# --no-build (first argument only) skips the Maven build and uses what is built.
# The report is printed to stdout and saved under the work directory
# (default benchmarks/target/cqrs-bench-work/results-<time>.md); progress goes to stderr.
set -euo pipefail
exec "$(dirname "${BASH_SOURCE[0]}")/harness.sh" CqrsBenchmarks "$@"
