package io.tributary.streams;

import java.util.Objects;

/**
 * A key and a value, the unit that {@link KStream#map} and {@link KStream#flatMap} return.
 *
 * @param key   the key; never null
 * @param value the value; never null
 * @param <K> the key type
 * @param <V> the value type
 */
public record KeyValue<K, V>(K key, V value) {
    /** Rejects nulls: a record without key or value means nothing to the operators. */
    public KeyValue {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }

    /** A pair of {@code key} and {@code value}. */
    public static <K, V> KeyValue<K, V> pair(K key, V value) {
        return new KeyValue<>(key, value);
    }
}
