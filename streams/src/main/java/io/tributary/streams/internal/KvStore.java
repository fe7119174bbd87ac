package io.tributary.streams.internal;

import java.util.function.BiConsumer;

/**
 * A key-value state store of one task. Written by the task's thread only; {@link #get} may be
 * called from any thread (interactive queries). Changes become durable with the task's next
 * checkpoint, together with the input position.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface KvStore<K, V> {
    /** The value of {@code key}, or null when absent (internal: operators check). */
    V get(K key);

    /** Sets the value of {@code key}. */
    void put(K key, V value);

    /** Removes {@code key}. */
    void delete(K key);

    /** Visits every entry (at start-up, to rebuild in-memory indexes); order unspecified. */
    void forEach(BiConsumer<K, V> action);
}
