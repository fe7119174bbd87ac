package io.tributary.streams;

import java.util.Objects;
import java.util.Optional;

/**
 * How a stream–stream join keeps its buffers: their name and the serdes of the key and of both
 * sides' values. Serdes are needed only with RocksDB state ({@link StateBackend#rocksDb}), where
 * the records waiting for partners are stored and committed with the input position; heap state
 * keeps the objects.
 *
 * @param storeName       the name of the join's buffers (two stores, {@code name.left} and
 *                        {@code name.right}); empty: a generated one
 * @param keySerde        the key serde
 * @param valueSerde      the serde of this stream's values
 * @param otherValueSerde the serde of the other stream's values
 * @param <K>  the key type
 * @param <V1> this stream's value type
 * @param <V2> the other stream's value type
 */
public record StreamJoined<K, V1, V2>(Optional<String> storeName, Optional<Serde<K>> keySerde,
                                      Optional<Serde<V1>> valueSerde, Optional<Serde<V2>> otherValueSerde) {
    /** Validates. */
    public StreamJoined {
        Objects.requireNonNull(storeName, "storeName");
        Objects.requireNonNull(keySerde, "keySerde");
        Objects.requireNonNull(valueSerde, "valueSerde");
        Objects.requireNonNull(otherValueSerde, "otherValueSerde");
        storeName.ifPresent(n -> {
            if (n.isEmpty() || n.contains("/")) {
                throw new IllegalArgumentException("a store name must be non-empty and without '/': '" + n + "'");
            }
        });
    }

    /** A generated name and no serdes (heap state only). */
    public static <K, V1, V2> StreamJoined<K, V1, V2> defaults() {
        return new StreamJoined<>(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** Buffers stored with these serdes (needed for RocksDB state). */
    public static <K, V1, V2> StreamJoined<K, V1, V2> with(Serde<K> keySerde, Serde<V1> valueSerde, Serde<V2> otherValueSerde) {
        return new StreamJoined<>(Optional.empty(), Optional.of(keySerde), Optional.of(valueSerde), Optional.of(otherValueSerde));
    }

    /** These buffers under {@code name}. */
    public StreamJoined<K, V1, V2> withName(String name) {
        return new StreamJoined<>(Optional.of(name), keySerde, valueSerde, otherValueSerde);
    }
}
