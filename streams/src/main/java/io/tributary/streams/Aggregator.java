package io.tributary.streams;

/**
 * Folds a record into an aggregate. Must not modify {@code aggregate} if it is shared (heap
 * state keeps the returned object); returning a new value is always safe.
 *
 * @param <K> the key type
 * @param <V> the value type
 * @param <A> the aggregate type
 */
@FunctionalInterface
public interface Aggregator<K, V, A> {
    /** The aggregate after {@code value} of {@code key} is added to {@code aggregate}. */
    A apply(K key, V value, A aggregate);
}
