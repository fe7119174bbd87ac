package io.tributary.streams.internal;

/**
 * One operator instance: receives records pushed by its parent, on the task's thread.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
@FunctionalInterface
public interface Processor<K, V> {
    /** Handles one record with event time {@code timestampMs}. */
    void process(K key, V value, long timestampMs);
}
