package io.tributary.streams;

import java.util.Optional;

/**
 * What a {@link TableProjection} may do to its table for one event: read a key's current value,
 * upsert a key, delete a key, delete every key. Valid only during the projection's call, on the
 * processor's thread. Each change flows on to the tables, joins and streams derived from the table.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface TableUpdates<K, V> {
    /** The current value of {@code key}, including changes made earlier in this call. */
    Optional<V> get(K key);

    /**
     * Sets the value of {@code key}.
     *
     * @throws IllegalArgumentException when the key or the value is null (to remove a key, use {@link #delete})
     */
    void upsert(K key, V value);

    /** Removes {@code key} (nothing happens when it is absent). */
    void delete(K key);

    /**
     * Removes every key of the table (of this partition's part of it), in a deterministic order: the
     * keys' natural order when they are {@link Comparable}, else the order of their text forms.
     */
    void deleteAll();
}
