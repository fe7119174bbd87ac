package io.tributary.streams;

import java.nio.file.Path;
import java.util.Objects;

/** Where a processor keeps its state: a closed set. */
public sealed interface StateBackend permits StateBackend.Heap, StateBackend.RocksDb {

    /**
     * State in the JVM heap, nothing on disk. A restart rebuilds it by replaying the input from the
     * start of the log; the outputs are appended again with the same ids, which the log recognises
     * as repeats and does not write, so the output streams stay exactly those of one run.
     */
    static Heap heap() {
        return new Heap();
    }

    /**
     * State in RocksDB under {@code directory}. Every batch commits the state changes, the input
     * position, the watermark and the late-event count in one write batch; a restart continues
     * after the committed position. Stores need serdes ({@link Materialized}, {@link Grouped}).
     */
    static RocksDb rocksDb(Path directory) {
        return new RocksDb(directory);
    }

    /** Heap state. */
    record Heap() implements StateBackend {
    }

    /**
     * RocksDB state.
     *
     * @param directory the RocksDB directory (one per processor)
     */
    record RocksDb(Path directory) implements StateBackend {
        /** Validates. */
        public RocksDb {
            Objects.requireNonNull(directory, "directory");
        }
    }
}
