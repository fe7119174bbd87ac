#!/usr/bin/env bash
# Builds the benchmark module (and what it depends on), then runs the MySQL/MariaDB CDC benchmarks
# (io.tributary.benchmarks.MySqlCdcBenchmarks, issue 5: our binlog capture on a real MariaDB 11.4
# beside a raw mysql-binlog-connector-java client and Debezium's MySQL connector) with the given flags:
#   benchmarks/run-cdc-mysql.sh --help
#   benchmarks/run-cdc-mysql.sh --runs 1 --txs 5 --huge-rows 5000 --latency-seconds 3 --rate 200   # quick check
#   benchmarks/run-cdc-mysql.sh                                                                   # full run: 3 runs
# --no-build (first argument only) skips the Maven install and uses what is built.
set -euo pipefail
exec "$(dirname "${BASH_SOURCE[0]}")/harness.sh" MySqlCdcBenchmarks "$@"
