#!/usr/bin/env bash
# Builds what the server benchmarks need, then runs io.tributary.benchmarks.ServerBenchmarks
# with the given flags (see its Javadoc), e.g.:
#   benchmarks/run-server.sh --seconds 5
#   benchmarks/run-server.sh --no-build --only sse --subscribers 100 --runs 1
# --no-build (first argument only) skips the Maven install. The Markdown report goes to stdout,
# progress to stderr.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
if [[ "${1:-}" == "--no-build" ]]; then
  shift
else
  mvn -B -q -pl benchmarks -am install -DskipTests >&2
fi
classpath_file="$root/benchmarks/target/server-classpath.txt"
rm -f "$classpath_file"
mvn -B -q -pl benchmarks dependency:build-classpath -Dmdep.outputFile="$classpath_file" -Dmdep.includeScope=runtime >&2
# Javalin logs its start and stop at INFO; keep stderr for progress.
exec java -Xmx1g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "$root/benchmarks/target/classes:$(cat "$classpath_file")" \
  io.tributary.benchmarks.ServerBenchmarks "$@"
