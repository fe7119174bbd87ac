package io.tributary.streams;

/**
 * Folds events into a table, like a CQRS projection: for each event of its source it upserts keys,
 * deletes keys, or does nothing ({@link StreamsBuilder#table(Consumed, TableProjection, Materialized)}).
 * Must be deterministic and must not modify its inputs or keep state of its own: the table is its
 * state, and exactly-once relies on a replay of the same events making the same updates.
 *
 * @param <E> the decoded event type
 * @param <K> the table's key type
 * @param <V> the table's value type
 */
@FunctionalInterface
public interface TableProjection<E, K, V> {
    /** Applies {@code event} to {@code table}. */
    void apply(E event, TableUpdates<K, V> table);
}
