#!/usr/bin/env bash
# Builds the benchmark module (and what it depends on), then runs the NEXMark benchmark
# (io.tributary.benchmarks.nexmark.NexmarkBenchmarks, issue 6): queries q0-q8 on Tributary's
# streams DSL, Apache Flink (local mini-cluster) and Kafka Streams (TopologyTestDriver), results
# cross-checked. Examples:
#   benchmarks/run-nexmark.sh --help
#   benchmarks/run-nexmark.sh --events 100000 --runs 1                  # quick check (~2-3 min)
#   benchmarks/run-nexmark.sh                                           # full run: 1M events, 3 runs
#   benchmarks/run-nexmark.sh --no-build --queries q5,q7 --engines tributary,flink
# --no-build (first argument only) skips the Maven build and uses what is built.
# The report is printed to stdout and saved under the work directory
# (default benchmarks/target/nexmark-work/results-<time>.md); progress goes to stderr.
set -euo pipefail
exec "$(dirname "${BASH_SOURCE[0]}")/harness.sh" nexmark.NexmarkBenchmarks "$@"
