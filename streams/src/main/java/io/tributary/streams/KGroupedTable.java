package io.tributary.streams;

import java.util.function.BinaryOperator;
import java.util.function.Supplier;

/**
 * A table regrouped by {@link KTable#groupBy}, ready for an aggregation kept right as rows change:
 * each change of a row subtracts its old value from its old group and adds its new value to its
 * new group (a delete only subtracts). A group that no row belongs to any more is deleted from the
 * result (as a SQL {@code GROUP BY} would have no row for it; Kafka Streams keeps it, e.g. with a
 * count of 0).
 *
 * @param <K> the group key type
 * @param <V> the value type
 */
public interface KGroupedTable<K, V> {

    /** The number of rows per group. */
    KTable<K, Long> count(Materialized<K, Long> materialized);

    /** The number of rows per group, in a store with a generated name. */
    default KTable<K, Long> count() {
        return count(Materialized.defaults());
    }

    /**
     * Combines the values of each group with {@code adder}; {@code subtractor(aggregate, value)} removes
     * a value that left the group (a group's first value is its aggregate as is).
     */
    KTable<K, V> reduce(BinaryOperator<V> adder, BinaryOperator<V> subtractor, Materialized<K, V> materialized);

    /**
     * Folds the values of each group into an aggregate starting from {@code initializer} with
     * {@code adder}; {@code subtractor} removes a value that left the group.
     */
    <A> KTable<K, A> aggregate(Supplier<A> initializer, Aggregator<? super K, ? super V, A> adder,
                               Aggregator<? super K, ? super V, A> subtractor, Materialized<K, A> materialized);
}
