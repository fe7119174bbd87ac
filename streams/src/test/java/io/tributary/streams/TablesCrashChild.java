package io.tributary.streams;

import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.Tributary;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The child JVM of {@link TablesCrashIT}: runs the tables topology over the log in
 * {@code args[0]/log} on RocksDB state (outputs {@code rocks-*}) and on heap state (outputs
 * {@code heap-*}), printing {@code progress <rocks> <heap> <rocks state> <heap state>} until killed.
 */
public final class TablesCrashChild {
    private TablesCrashChild() {
    }

    /** Runs until killed. */
    public static void main(String[] args) throws InterruptedException {
        Path dir = Path.of(args[0]);
        EmbeddedEventStore store = Tributary.open(dir.resolve("log"));
        ProcessorConfig base = ProcessorConfig.of("tables-rocks").withMaxBatchEvents(20).withPollTimeout(Duration.ofMillis(20));
        StreamProcessor rocks = StreamProcessor.start(store, TablesTopology.build("rocks"),
                base.withState(StateBackend.rocksDb(dir.resolve("state"))));
        StreamProcessor heap = StreamProcessor.start(store, TablesTopology.build("heap"),
                new ProcessorConfig("tables-heap", StateBackend.heap(), 20, Duration.ofMillis(20), base.clock(), 1));
        System.out.println("started");
        while (true) {
            System.out.println("progress " + rocks.status().inputPosition() + " " + heap.status().inputPosition()
                    + " " + rocks.status().state() + " " + heap.status().state());
            Thread.sleep(2);
        }
    }
}
