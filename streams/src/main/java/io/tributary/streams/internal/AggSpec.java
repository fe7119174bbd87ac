package io.tributary.streams.internal;

import io.tributary.streams.Aggregator;
import io.tributary.streams.Merger;
import io.tributary.streams.Serde;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What an aggregation computes: an initial aggregate, how a value is folded in, how two
 * aggregates merge (sessions), how the aggregate becomes the result, and the serdes of key and
 * aggregate for RocksDB state.
 */
public record AggSpec<K, V, A, R>(Supplier<A> initializer, Aggregator<? super K, ? super V, A> aggregator,
                                  Merger<? super K, A> merger, Function<A, R> result,
                                  Optional<Serde<K>> keySerde, Optional<Serde<A>> aggregateSerde) {

    /** The aggregate after {@code value} is folded into {@code current} (null: nothing yet). */
    A add(K key, V value, A current) {
        return aggregator.apply(key, value, current == null ? initializer.get() : current);
    }
}
