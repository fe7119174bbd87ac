package io.tributary.streams;

import io.tributary.core.EventView;

/**
 * Gives the event time of a source record, in milliseconds since the epoch. The default
 * ({@link #recorded()}) is the time the event was committed to the log.
 *
 * @param <V> the decoded value type
 */
@FunctionalInterface
public interface TimestampExtractor<V> {
    /**
     * The event time of {@code event}, whose decoded value is {@code value}. Must be deterministic.
     * {@code event} is valid only during this call (see {@link EventView}): do not keep it.
     */
    long extract(EventView event, V value);

    /** The recorded (commit) timestamp of the event. */
    static <V> TimestampExtractor<V> recorded() {
        return (event, value) -> event.timestampMillis();
    }
}
