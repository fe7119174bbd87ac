package io.tributary.streams;

import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;
import java.util.function.Function;

/**
 * A table: the latest value per key, kept in a queryable store and updated as records arrive. An
 * update may delete a key (a CDC delete, a projection's delete, a row that stops matching a
 * {@link #filter}): the key is then gone from the table, from queries and from joins, and the
 * delete flows on to the tables derived from this one. Its changes flow on as a stream
 * ({@link #toStream()}, {@link #toChangelog()}).
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface KTable<K, V> {

    /** The name of the store that holds this table (or answers for this view), for interactive queries. */
    String storeName();

    /** The stream of this table's new values: every upsert of a key. Deletes are not in it (see {@link #toChangelog()}). */
    KStream<K, V> toStream();

    /** The stream of every change of this table: {@code Optional.of(newValue)} for an upsert, {@code Optional.empty()} for a delete. */
    KStream<K, Optional<V>> toChangelog();

    /** A table with every value replaced by {@code mapper(value)} (a view: no store of its own); {@code mapper} must not return null. */
    <V2> KTable<K, V2> mapValues(Function<? super V, ? extends V2> mapper);

    /**
     * A table of the rows of this one that satisfy {@code predicate} (a view: no store of its own). A
     * key whose new value stops matching is deleted from it (a delete flows downstream).
     */
    KTable<K, V> filter(BiPredicate<? super K, ? super V> predicate);

    /** A table of the rows of this one that do not satisfy {@code predicate}; see {@link #filter}. */
    KTable<K, V> filterNot(BiPredicate<? super K, ? super V> predicate);

    /**
     * Regroups the rows by {@code selector(key, value)} (a new key and value) for an aggregation
     * that is kept right as rows change: a row's old contribution is subtracted from its old group
     * and its new one added to its new group; a deleted row is subtracted.
     *
     * @throws IllegalStateException for a windowed aggregation's table (its changes carry no old value)
     */
    <K2, V2> KGroupedTable<K2, V2> groupBy(BiFunction<? super K, ? super V, KeyValue<K2, V2>> selector);

    /**
     * Like {@link #groupBy(BiFunction)}; {@code grouped} gives serdes for RocksDB state and, with both,
     * lets a partitioned processor send each row's change to the partition of its group through the log.
     */
    <K2, V2> KGroupedTable<K2, V2> groupBy(BiFunction<? super K, ? super V, KeyValue<K2, V2>> selector, Grouped<K2, V2> grouped);

    /**
     * A table that joins this and {@code other} on the key: it has a value for a key while both sides
     * have one; deleting either side's key deletes it.
     */
    <V2, R> KTable<K, R> join(KTable<K, V2> other, BiFunction<? super V, ? super V2, ? extends R> joiner);

    /**
     * Like {@link #join}, with a value for a key while this side has one, with the other side's value
     * if any (deleting the other side's key updates the result; deleting this side's deletes it).
     */
    <V2, R> KTable<K, R> leftJoin(KTable<K, V2> other, BiFunction<? super V, Optional<V2>, ? extends R> joiner);

    /** Like {@link #join}, with a value for a key while either side has one; deleted when both are. */
    <V2, R> KTable<K, R> outerJoin(KTable<K, V2> other, BiFunction<Optional<V>, Optional<V2>, ? extends R> joiner);
}
