#!/usr/bin/env bash
# Builds what the event-sourcing benchmarks need, then runs io.tributary.benchmarks.EventSourcingBenchmarks
# with the given flags (see its Javadoc), e.g.:
#   benchmarks/run-eventsourcing.sh --seconds 5
#   benchmarks/run-eventsourcing.sh --no-build --durability none
# --no-build (first argument only) skips the Maven build. The Markdown report goes to stdout.
set -euo pipefail
exec "$(dirname "${BASH_SOURCE[0]}")/harness.sh" EventSourcingBenchmarks "$@"
