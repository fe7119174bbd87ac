package io.tributary.streams;

import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A table: the latest value per key, kept in a queryable store and updated as records arrive.
 * Its changes flow on as a stream ({@link #toStream()}).
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface KTable<K, V> {

    /** The name of the store that holds this table, for interactive queries. */
    String storeName();

    /** The stream of this table's changes: every new value of a key. */
    KStream<K, V> toStream();

    /** A table with every value replaced by {@code mapper(value)}. */
    <V2> KTable<K, V2> mapValues(Function<? super V, ? extends V2> mapper);

    /** A table that joins this and {@code other} on the key, updated when either side changes and both have a value. */
    <V2, R> KTable<K, R> join(KTable<K, V2> other, BiFunction<? super V, ? super V2, ? extends R> joiner);

    /** Like {@link #join}, updated when this side changes, with the other side's value if any. */
    <V2, R> KTable<K, R> leftJoin(KTable<K, V2> other, BiFunction<? super V, Optional<V2>, ? extends R> joiner);

    /** Like {@link #join}, updated when either side changes, with whichever values exist. */
    <V2, R> KTable<K, R> outerJoin(KTable<K, V2> other, BiFunction<Optional<V>, Optional<V2>, ? extends R> joiner);
}
