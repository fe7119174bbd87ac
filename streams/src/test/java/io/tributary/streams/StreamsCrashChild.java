package io.tributary.streams;

import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.Tributary;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The child JVM of {@link StreamsCrashIT}: runs the crash topology over the log in
 * {@code args[0]/log} twice — RocksDB state (outputs {@code rocks-*}) and heap state (outputs
 * {@code heap-*}) and partitioned over 3 threads (RocksDB, outputs {@code part-*}) — and the
 * re-keyed topology over 3 partitions (RocksDB, outputs {@code rekey-*}) and the topology re-keyed after
 * state, repartitioned through the log, over 3 partitions (RocksDB, outputs {@code srekey-*}), and prints
 * {@code progress <rocks> <heap> <head> <rocks state> <heap state> <partitioned> <partitioned state>
 * <re-keyed> <re-keyed state> <re-keyed after state> <its state>} until killed.
 */
public final class StreamsCrashChild {
    private StreamsCrashChild() {
    }

    /** The configuration of the partitioned processor (3 partitions, RocksDB state in {@code dir/state-part}). */
    static ProcessorConfig partitioned(Path dir) {
        return ProcessorConfig.of("crash-part").withMaxBatchEvents(20).withPollTimeout(Duration.ofMillis(20))
                .withPartitions(3).withState(StateBackend.rocksDb(dir.resolve("state-part")));
    }

    /** The configuration of the re-keyed processor (3 partitions, RocksDB state in {@code dir/state-rekey}). */
    static ProcessorConfig rekeyed(Path dir) {
        return ProcessorConfig.of("crash-rekey").withMaxBatchEvents(20).withPollTimeout(Duration.ofMillis(20))
                .withPartitions(3).withState(StateBackend.rocksDb(dir.resolve("state-rekey")));
    }

    /**
     * The configuration of the processor re-keyed after state (3 partitions, RocksDB state in
     * {@code dir/state-srekey}), its state flushed often so that its repartition streams are
     * truncated while it runs and is killed.
     */
    static ProcessorConfig rekeyedAfterState(Path dir) {
        return rekeyedAfterState("crash-srekey", dir);
    }

    static ProcessorConfig rekeyedAfterState(String name, Path dir) {
        return ProcessorConfig.of(name).withMaxBatchEvents(20).withPollTimeout(Duration.ofMillis(20))
                .withPartitions(3).withState(StateBackend.rocksDb(dir.resolve("state-srekey")))
                .withStateFlush(Duration.ofMillis(30), 5);
    }

    /** Runs until killed. */
    public static void main(String[] args) throws InterruptedException {
        Path dir = Path.of(args[0]);
        EmbeddedEventStore store = Tributary.open(dir.resolve("log"));
        ProcessorConfig base = ProcessorConfig.of("crash-rocks").withMaxBatchEvents(20).withPollTimeout(Duration.ofMillis(20));
        StreamProcessor rocks = StreamProcessor.start(store, CrashTopology.build("rocks"),
                base.withState(StateBackend.rocksDb(dir.resolve("state"))));
        StreamProcessor heap = StreamProcessor.start(store, CrashTopology.build("heap"),
                new ProcessorConfig("crash-heap", StateBackend.heap(), 20, Duration.ofMillis(20), base.clock(), 1));
        StreamProcessor parts = StreamProcessor.start(store, CrashTopology.build("part"), partitioned(dir));
        StreamProcessor rekey = StreamProcessor.start(store, RekeyedTopology.build("rekey"), rekeyed(dir));
        StreamProcessor srekey = StreamProcessor.start(store, StateRekeyTopology.build("srekey"), rekeyedAfterState(dir));
        System.out.println("started");
        while (true) {
            System.out.println("progress " + rocks.status().inputPosition() + " " + heap.status().inputPosition() + " " + store.headPosition()
                    + " " + rocks.status().state() + " " + heap.status().state() + " " + parts.status().inputPosition()
                    + " " + parts.status().state() + " " + rekey.status().inputPosition() + " " + rekey.status().state()
                    + " " + srekey.status().inputPosition() + " " + srekey.status().state());
            Thread.sleep(2);
        }
    }
}
