#!/usr/bin/env bash
# Builds the benchmark module (and what it depends on), then runs the partitioned re-keyed
# stream-processing benchmark (io.tributary.benchmarks.StreamsRepartitionBenchmarks) with the given
# flags. Examples:
#   benchmarks/run-streams-repartition.sh --help
#   benchmarks/run-streams-repartition.sh --events 200000 --runs 1     # quick check
#   benchmarks/run-streams-repartition.sh                              # 2M events, 3 runs
# --no-build (first argument only) skips the Maven build and uses what is built.
set -euo pipefail
exec "$(dirname "${BASH_SOURCE[0]}")/harness.sh" StreamsRepartitionBenchmarks "$@"
