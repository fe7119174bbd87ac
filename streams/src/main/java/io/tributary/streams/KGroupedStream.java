package io.tributary.streams;

import java.util.Comparator;
import java.util.List;
import java.util.function.BinaryOperator;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * A stream grouped by key, ready for aggregation over all time (a table of running results) or,
 * after {@link #windowedBy}, per window.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface KGroupedStream<K, V> {

    /** The number of records per key. */
    KTable<K, Long> count(Materialized<K, Long> materialized);

    /** The number of records per key, in a store with a generated name. */
    default KTable<K, Long> count() {
        return count(Materialized.defaults());
    }

    /** Combines the values of each key with {@code reducer}. */
    KTable<K, V> reduce(BinaryOperator<V> reducer, Materialized<K, V> materialized);

    /** Folds the values of each key into an aggregate starting from {@code initializer}. */
    <A> KTable<K, A> aggregate(Supplier<A> initializer, Aggregator<? super K, ? super V, A> aggregator,
                               Materialized<K, A> materialized);

    /** The sum of {@code value(v)} per key. */
    KTable<K, Long> sum(ToLongFunction<? super V> value, Materialized<K, Long> materialized);

    /** The smallest value per key by {@code order}. */
    KTable<K, V> min(Comparator<? super V> order, Materialized<K, V> materialized);

    /** The largest value per key by {@code order}. */
    KTable<K, V> max(Comparator<? super V> order, Materialized<K, V> materialized);

    /** The average of {@code value(v)} per key. */
    KTable<K, Double> average(ToDoubleFunction<? super V> value, Materialized<K, Double> materialized);

    /** The {@code n} largest values per key by {@code order}, largest first (a live leaderboard). */
    KTable<K, List<V>> topN(int n, Comparator<? super V> order, Materialized<K, List<V>> materialized);

    /** The number of distinct {@code attribute(v)} per key (kept exactly, in state). */
    <T> KTable<K, Long> distinctCount(Function<? super V, ? extends T> attribute, Materialized<K, Long> materialized);

    /** Aggregations per window of {@code windows}. */
    WindowedKStream<K, V> windowedBy(Windows windows);
}
