#!/usr/bin/env bash
# Builds the benchmark module (and what it depends on), then runs the CDC benchmarks
# (io.tributary.benchmarks.CdcBenchmarks, issue 5: our PostgreSQL capture side by side with the
# Debezium embedded engine) with the given flags. Examples:
#   benchmarks/run-cdc.sh --help
#   benchmarks/run-cdc.sh --runs 1 --txs 5 --huge-rows 5000 --latency-seconds 3 --rate 200   # quick check
#   benchmarks/run-cdc.sh --sides ours                                                      # without Debezium
#   benchmarks/run-cdc.sh                                                                   # full run: 3 runs
# --no-build (first argument only) skips the Maven install and uses what is built.
# The report is printed to stdout; progress goes to stderr.
set -euo pipefail
exec "$(dirname "${BASH_SOURCE[0]}")/harness.sh" CdcBenchmarks "$@"
