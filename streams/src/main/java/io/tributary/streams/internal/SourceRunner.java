package io.tributary.streams.internal;

import io.tributary.core.RecordedEvent;
import io.tributary.streams.Consumed;

/** Decodes the events of one source and pushes them into its operators. */
final class SourceRunner<K, V> {
    private final Consumed<K, V> consumed;
    private final Processor<K, V> downstream;
    private final long boundMs;

    SourceRunner(Consumed<K, V> consumed, Processor<K, V> downstream) {
        this.consumed = consumed;
        this.downstream = downstream;
        this.boundMs = consumed.maxOutOfOrderness().toMillis();
    }

    /** Processes {@code event} if it is this source's; returns its watermark candidate, or {@link Long#MIN_VALUE}. */
    long process(RecordedEvent event) {
        if (!consumed.filter().matches(event) || !consumed.where().test(event)) {
            return Long.MIN_VALUE;
        }
        V value = consumed.value().apply(event);
        K key = consumed.key().apply(event);
        long ts = consumed.timestamps().extract(event, value);
        downstream.process(key, value, ts);
        if (!consumed.drivesWatermark() || ts < Long.MIN_VALUE + boundMs) {
            return Long.MIN_VALUE;
        }
        return ts - boundMs;
    }
}
