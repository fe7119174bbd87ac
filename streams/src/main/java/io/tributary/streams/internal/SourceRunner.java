package io.tributary.streams.internal;

import io.tributary.core.RecordedEvent;
import io.tributary.streams.Consumed;

/** Decodes the events of one source and pushes them into its operators. */
final class SourceRunner<K, V> {
    private final Consumed<K, V> consumed;
    private final Processor<K, V> downstream;

    SourceRunner(Consumed<K, V> consumed, Processor<K, V> downstream) {
        this.consumed = consumed;
        this.downstream = downstream;
    }

    /** Processes {@code event} if it is this source's; returns its watermark candidate, or {@link Long#MIN_VALUE}. */
    long process(RecordedEvent event) {
        Decoded d = decode(consumed, -1, event);
        if (d == null) {
            return Long.MIN_VALUE;
        }
        push(d);
        return d.watermarkCandidate();
    }

    /** Pushes an event decoded elsewhere (by a partitioned runner's dispatcher). */
    @SuppressWarnings("unchecked")
    void push(Decoded d) {
        downstream.process((K) d.key(), (V) d.value(), d.timestampMs());
    }

    /** Decodes {@code event} for source {@code index}, or returns null when it is not this source's. */
    static <K, V> Decoded decode(Consumed<K, V> consumed, int index, RecordedEvent event) {
        if (!consumed.filter().matches(event) || !consumed.where().test(event)) {
            return null;
        }
        V value = consumed.value().apply(event);
        K key = consumed.key().apply(event);
        long ts = consumed.timestamps().extract(event, value);
        long bound = consumed.maxOutOfOrderness().toMillis();
        long candidate = !consumed.drivesWatermark() || ts < Long.MIN_VALUE + bound ? Long.MIN_VALUE : ts - bound;
        return new Decoded(index, key, value, ts, candidate);
    }
}
