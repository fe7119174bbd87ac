package io.tributary.streams;

/**
 * Merges the aggregates of two session windows that an event bridged into one session.
 *
 * @param <K> the key type
 * @param <A> the aggregate type
 */
@FunctionalInterface
public interface Merger<K, A> {
    /** The aggregate of the merged session. */
    A merge(K key, A left, A right);
}
