package io.tributary.streams.internal;

import io.tributary.streams.Serde;
import java.util.Optional;

/** Creates a task's stores and commits them with the checkpoint: heap or RocksDB. */
public interface StateFactory extends AutoCloseable {
    /**
     * The store {@code name}; serdes are required when the state is on disk.
     *
     * @throws IllegalStateException naming the store when a needed serde is missing
     */
    <K, V> KvStore<K, V> keyValue(String name, Optional<Serde<K>> keySerde, Optional<Serde<V>> valueSerde);

    /** The last committed checkpoint, {@link Checkpoint#EMPTY} when none (or the state is not durable). */
    Checkpoint load();

    /** Makes all changes since the last commit durable together with {@code checkpoint}, atomically. */
    void commit(Checkpoint checkpoint);

    /** Called when the task had nothing to process for a while: durable state may flush what it holds in memory. */
    default void idle() {
    }

    /** Whether committed state survives a restart. */
    boolean durable();

    /**
     * The input position up to which committed state is known to be on disk: after a crash the
     * checkpoint loaded is at or after it. {@code -1} when nothing is (always, for state that is
     * not durable). Any thread.
     */
    default long durablePosition() {
        return -1;
    }

    @Override
    void close();

    /** Heap state. */
    static StateFactory heap() {
        return new StateFactory() {
            @Override
            public <K, V> KvStore<K, V> keyValue(String name, Optional<Serde<K>> keySerde, Optional<Serde<V>> valueSerde) {
                return new HeapKvStore<>();
            }

            @Override
            public Checkpoint load() {
                return Checkpoint.EMPTY;
            }

            @Override
            public void commit(Checkpoint checkpoint) {
            }

            @Override
            public boolean durable() {
                return false;
            }

            @Override
            public void close() {
            }
        };
    }
}
