#!/usr/bin/env bash
# Builds the benchmark module (and what it depends on), then runs the stream-processing benchmark
# (io.tributary.benchmarks.StreamsBenchmarks, issue 6) with the given flags. Examples:
#   benchmarks/run-streams.sh --help
#   benchmarks/run-streams.sh --events 1000000 --runs 1        # quick check
#   benchmarks/run-streams.sh                                  # full run: 10M events, 10k keys, 3 runs
# --no-build (first argument only) skips the Maven build and uses what is built.
# The report is printed to stdout and saved under the work directory
# (default benchmarks/target/streams-bench-work/results-<time>.md); progress goes to stderr.
set -euo pipefail
exec "$(dirname "${BASH_SOURCE[0]}")/harness.sh" StreamsBenchmarks "$@"
