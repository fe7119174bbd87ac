package io.tributary.streams.internal;

/**
 * A record that reached a boundary in a partitioned run's router, on its way to the partition of
 * its key.
 *
 * @param boundary    the boundary's number (see {@link Graph#attachBehindBoundary})
 * @param key         the record's key at the boundary (which may differ from its source's)
 * @param value       the value
 * @param timestampMs the event time
 */
record Routed(int boundary, Object key, Object value, long timestampMs) {
    /** The key of a record that goes to every partition (see {@link Graph#attachBehindBoundary(Node, java.util.function.Function, java.util.function.Predicate)}). */
    static final Object EVERY_PARTITION = new Object() {
        @Override
        public String toString() {
            return "<every partition>";
        }
    };
}
