package io.tributary.streams;

import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.Tributary;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The child JVM of {@link StateFlushCrashIT}: runs a processor with a small state (a count per
 * user) on RocksDB state over the log in {@code args[0]/log}, flushed every 50 commits
 * ({@code args[1]} = {@code bounded}) or practically never ({@code unbounded}: the memtable is
 * flushed only when full), and prints {@code progress <committed position>} until killed.
 */
public final class StateFlushCrashChild {
    static final int COMMIT_EVENTS = 20;
    static final int FLUSH_COMMITS = 50;

    private StateFlushCrashChild() {
    }

    static Topology topology() {
        StreamsBuilder b = new StreamsBuilder();
        b.stream(Consumed.category("click", e -> Long.parseLong(e.dataAsString())).withTimestamps((e, v) -> v))
                .groupByKey(Grouped.with(Serdes.string(), Serdes.longs()))
                .count(Materialized.with(Serdes.string(), Serdes.longs()))
                .toStream().to(Produced.with((k, n) -> "counted-" + k, "Count", (k, n) -> CrashTopology.utf8(k + "=" + n)));
        return b.build();
    }

    static ProcessorConfig config(Path dir, boolean bounded) {
        ProcessorConfig c = ProcessorConfig.of("flush").withMaxBatchEvents(COMMIT_EVENTS).withPollTimeout(Duration.ofMillis(20))
                .withState(StateBackend.rocksDb(dir.resolve(bounded ? "state-bounded" : "state-unbounded")));
        return bounded ? c.withStateFlush(Duration.ofHours(1), FLUSH_COMMITS) : c.withStateFlush(Duration.ofDays(365), Integer.MAX_VALUE);
    }

    /** Runs until killed. */
    public static void main(String[] args) throws InterruptedException {
        Path dir = Path.of(args[0]);
        EmbeddedEventStore store = Tributary.open(dir.resolve("log"));
        StreamProcessor p = StreamProcessor.start(store, topology(), config(dir, args[1].equals("bounded")));
        while (true) {
            System.out.println("progress " + p.status().inputPosition() + " " + p.status().state());
            Thread.sleep(2);
        }
    }
}
