#!/usr/bin/env bash
# Builds what the server benchmarks need, then runs io.tributary.benchmarks.ServerBenchmarks
# with the given flags (see its Javadoc), e.g.:
#   benchmarks/run-server.sh --seconds 5
#   benchmarks/run-server.sh --no-build --only sse --subscribers 100 --runs 1
# --no-build (first argument only) skips the Maven install. The Markdown report goes to stdout,
# progress to stderr.
set -euo pipefail
export BENCH_JAVA_OPTS="${BENCH_JAVA_OPTS:-} -Dorg.slf4j.simpleLogger.defaultLogLevel=warn"
exec "$(dirname "${BASH_SOURCE[0]}")/harness.sh" ServerBenchmarks "$@"
