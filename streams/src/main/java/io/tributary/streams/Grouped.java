package io.tributary.streams;

import java.util.Objects;
import java.util.Optional;

/**
 * How a stream is grouped: the serdes of keys and values, used on RocksDB state by the
 * aggregations' stores when their {@link Materialized} gives none, and by operators that keep
 * raw values (sliding windows).
 *
 * @param keySerde   the key serde
 * @param valueSerde the value serde
 * @param <K> the key type
 * @param <V> the value type
 */
public record Grouped<K, V>(Optional<Serde<K>> keySerde, Optional<Serde<V>> valueSerde) {
    /** Validates. */
    public Grouped {
        Objects.requireNonNull(keySerde, "keySerde");
        Objects.requireNonNull(valueSerde, "valueSerde");
    }

    /** No serdes (heap state only, or serdes given per aggregation). */
    public static <K, V> Grouped<K, V> defaults() {
        return new Grouped<>(Optional.empty(), Optional.empty());
    }

    /** Keys serialized with {@code keySerde}. */
    public static <K, V> Grouped<K, V> with(Serde<K> keySerde) {
        return new Grouped<>(Optional.of(keySerde), Optional.empty());
    }

    /** Keys and values serialized with these serdes. */
    public static <K, V> Grouped<K, V> with(Serde<K> keySerde, Serde<V> valueSerde) {
        return new Grouped<>(Optional.of(keySerde), Optional.of(valueSerde));
    }
}
