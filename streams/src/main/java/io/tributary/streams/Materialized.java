package io.tributary.streams;

import java.util.Objects;
import java.util.Optional;

/**
 * How a stateful operation keeps its state: the store's name (for interactive queries) and the
 * serdes of keys and values. Serdes are needed only with RocksDB state
 * ({@link StateBackend#rocksDb}); heap state keeps the objects.
 *
 * @param storeName  the store's name; empty: a generated one
 * @param keySerde   the key serde
 * @param valueSerde the value (aggregate) serde
 * @param <K> the key type
 * @param <V> the value type
 */
public record Materialized<K, V>(Optional<String> storeName, Optional<Serde<K>> keySerde, Optional<Serde<V>> valueSerde) {
    /** Validates. */
    public Materialized {
        Objects.requireNonNull(storeName, "storeName");
        Objects.requireNonNull(keySerde, "keySerde");
        Objects.requireNonNull(valueSerde, "valueSerde");
        storeName.ifPresent(n -> {
            if (n.isEmpty() || n.contains("/")) {
                throw new IllegalArgumentException("a store name must be non-empty and without '/': '" + n + "'");
            }
        });
    }

    /** A store with a generated name and no serdes (heap state only). */
    public static <K, V> Materialized<K, V> defaults() {
        return new Materialized<>(Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** A store named {@code name}, queryable under that name. */
    public static <K, V> Materialized<K, V> as(String name) {
        return new Materialized<>(Optional.of(name), Optional.empty(), Optional.empty());
    }

    /** A store with these serdes (needed for RocksDB state). */
    public static <K, V> Materialized<K, V> with(Serde<K> keySerde, Serde<V> valueSerde) {
        return new Materialized<>(Optional.empty(), Optional.of(keySerde), Optional.of(valueSerde));
    }

    /** This store with these serdes. */
    public Materialized<K, V> withSerdes(Serde<K> keys, Serde<V> values) {
        return new Materialized<>(storeName, Optional.of(keys), Optional.of(values));
    }

    /** This store under {@code name}. */
    public Materialized<K, V> withName(String name) {
        return new Materialized<>(Optional.of(name), keySerde, valueSerde);
    }
}
