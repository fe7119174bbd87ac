#!/usr/bin/env bash
# Builds what the event-sourcing benchmarks need, then runs io.tributary.benchmarks.EventSourcingBenchmarks
# with the given flags (see its Javadoc), e.g.:
#   benchmarks/run-eventsourcing.sh --seconds 5
#   benchmarks/run-eventsourcing.sh --no-build --durability none
# --no-build (first argument only) skips the Maven install. The Markdown report goes to stdout.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
if [[ "${1:-}" == "--no-build" ]]; then
  shift
else
  mvn -B -q -pl benchmarks -am install -DskipTests >&2
fi
classpath_file="$root/benchmarks/target/es-classpath.txt"
rm -f "$classpath_file"
mvn -B -q -pl benchmarks dependency:build-classpath -Dmdep.outputFile="$classpath_file" -Dmdep.includeScope=runtime >&2
exec java -Xmx1g -cp "$root/benchmarks/target/classes:$(cat "$classpath_file")" \
  io.tributary.benchmarks.EventSourcingBenchmarks "$@"
