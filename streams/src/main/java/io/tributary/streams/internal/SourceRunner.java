package io.tributary.streams.internal;

import io.tributary.core.EventView;
import io.tributary.core.ReadFilter;
import io.tributary.streams.Consumed;
import io.tributary.streams.TimestampExtractor;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Decodes the events of one source and pushes them into its operators.
 *
 * <p>The per-event path of a whole task ({@link #process}) reads the source's functions from final
 * fields resolved once (not through the {@link Consumed} record on every event), skips the
 * filter when the source reads everything, and hands the decoded record straight to the first
 * operator: no {@link Decoded} is built per event (the partitioned runner's dispatcher, which
 * queues records for the router, still builds one with {@link #decode}). A filter of one event
 * type and nothing else (the common source) is checked with one string comparison. Events arrive
 * as {@link EventView}s, possibly transient views over the log's read buffer: nothing here keeps
 * one, and the source's functions decide whether a {@link io.tributary.core.RecordedEvent} is built.
 */
final class SourceRunner<K, V> {
    private final Processor<K, V> downstream;
    private final ReadFilter filter;
    private final boolean readsAll;
    /** The one event type the filter admits when it restricts nothing else, else null: one string comparison per event. */
    private final String onlyType;
    private final Predicate<EventView> where;
    private final Function<EventView, V> value;
    private final Function<EventView, K> key;
    private final TimestampExtractor<V> timestamps;
    private final long boundMs;
    private final boolean drivesWatermark;

    SourceRunner(Consumed<K, V> consumed, Processor<K, V> downstream) {
        this.downstream = downstream;
        this.filter = consumed.filter();
        this.readsAll = filter.matchesAll();
        this.onlyType = filter.categories().isEmpty() && filter.streamPrefixes().isEmpty() && filter.eventTypes().size() == 1
                ? filter.eventTypes().iterator().next() : null;
        this.where = consumed.where();
        this.value = consumed.value();
        this.key = consumed.key();
        this.timestamps = consumed.timestamps();
        this.boundMs = consumed.maxOutOfOrderness().toMillis();
        this.drivesWatermark = consumed.drivesWatermark();
    }

    /** Processes {@code event} if it is this source's; returns its watermark candidate, or {@link Long#MIN_VALUE}. */
    long process(EventView event) {
        if (!readsAll && !(onlyType != null ? onlyType.equals(event.type()) : filter.matches(event.stream().value(), event.type()))
                || !where.test(event)) {
            return Long.MIN_VALUE;
        }
        V v = value.apply(event);
        K k = key.apply(event);
        long ts = timestamps.extract(event, v);
        downstream.process(k, v, ts);
        return candidate(drivesWatermark, ts, boundMs);
    }

    /** Pushes an event decoded elsewhere (by a partitioned runner's dispatcher). */
    @SuppressWarnings("unchecked")
    void push(Decoded d) {
        downstream.process((K) d.key(), (V) d.value(), d.timestampMs());
    }

    /** Decodes {@code event} for source {@code index}, or returns null when it is not this source's. */
    static <K, V> Decoded decode(Consumed<K, V> consumed, int index, EventView event) {
        if (!consumed.filter().matches(event.stream().value(), event.type()) || !consumed.where().test(event)) {
            return null;
        }
        V value = consumed.value().apply(event);
        K key = consumed.key().apply(event);
        long ts = consumed.timestamps().extract(event, value);
        return new Decoded(index, key, value, ts, candidate(consumed.drivesWatermark(), ts, consumed.maxOutOfOrderness().toMillis()));
    }

    /** The watermark an event at {@code ts} allows: {@code ts - bound}, or {@link Long#MIN_VALUE} when it moves none. */
    private static long candidate(boolean drivesWatermark, long ts, long boundMs) {
        return !drivesWatermark || ts < Long.MIN_VALUE + boundMs ? Long.MIN_VALUE : ts - boundMs;
    }
}
