package io.tributary.streams;

import io.tributary.core.EventView;
import io.tributary.core.ReadFilter;
import io.tributary.core.RecordedEvent;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * How a source reads the log: which events ({@link ReadFilter} plus an optional predicate), how
 * to decode them into a key and a value, their event time, and how far out of order they may
 * arrive. Immutable; every {@code with...} returns a copy.
 *
 * <p><b>Views or records.</b> A processor reads the log as {@link EventView}s: a store may hand
 * transient views over its read buffer, valid only while the source's functions run. Functions
 * given a {@link RecordedEvent} ({@link #with}, {@link #category}, {@link #where},
 * {@link #withKey}) get a stable record, built once per event when the first of them asks (so
 * they may keep it). Functions given the view ({@link #ofViews}, {@link #whereView},
 * {@link #withViewKey}, every {@link TimestampExtractor}) read it in place and build nothing per
 * event the log's read did not; they must not keep the view (it throws when used later) — keep
 * {@link EventView#toRecordedEvent()} or what they decoded instead.
 *
 * @param filter             the events of the log to read (categories, event types, stream prefixes)
 * @param where              a further predicate on the event
 * @param key                the record key; by default the stream's id (the part after the first {@code -})
 * @param value              decodes the event's value (a user deserializer)
 * @param timestamps         the event time; by default the recorded timestamp
 * @param maxOutOfOrderness  how far behind the newest event time an event may arrive and still be on time:
 *                           the watermark is the highest event time seen minus this bound
 * @param drivesWatermark    whether this source's event times move the watermark (false for reference
 *                           data, such as the events behind a table of profiles)
 * @param <K> the key type
 * @param <V> the value type
 */
public record Consumed<K, V>(ReadFilter filter, Predicate<EventView> where, Function<EventView, K> key,
                             Function<EventView, V> value, TimestampExtractor<V> timestamps,
                             Duration maxOutOfOrderness, boolean drivesWatermark) {
    /** Validates. */
    public Consumed {
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(where, "where");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(timestamps, "timestamps");
        if (maxOutOfOrderness == null || maxOutOfOrderness.isNegative()) {
            throw new IllegalArgumentException("maxOutOfOrderness must be zero or positive");
        }
    }

    /** Events of {@code category}, keyed by stream id, decoded by {@code decoder} from a stable {@link RecordedEvent}. */
    public static <V> Consumed<String, V> category(String category, Function<RecordedEvent, V> decoder) {
        return with(ReadFilter.categories(category), decoder);
    }

    /** Events matching {@code filter}, keyed by stream id, decoded by {@code decoder} from a stable {@link RecordedEvent}. */
    public static <V> Consumed<String, V> with(ReadFilter filter, Function<RecordedEvent, V> decoder) {
        Objects.requireNonNull(decoder, "decoder");
        return ofViews(filter, e -> decoder.apply(e.toRecordedEvent()));
    }

    /**
     * Events matching {@code filter}, keyed by stream id, decoded by {@code decoder} from the event
     * as the log's read hands it (in place: no {@link RecordedEvent} per event unless asked). The
     * decoder must not keep the view (see the class comment).
     */
    public static <V> Consumed<String, V> ofViews(ReadFilter filter, Function<EventView, V> decoder) {
        return new Consumed<>(filter, e -> true, e -> e.stream().id(), decoder, TimestampExtractor.recorded(), Duration.ZERO, true);
    }

    /** Only events of these types (within the filter's categories). */
    public Consumed<K, V> withEventTypes(String... types) {
        return new Consumed<>(filter.withEventTypes(types), where, key, value, timestamps, maxOutOfOrderness, drivesWatermark);
    }

    /** Only events that also pass {@code predicate}, given a stable {@link RecordedEvent}. */
    public Consumed<K, V> where(Predicate<RecordedEvent> predicate) {
        Objects.requireNonNull(predicate, "predicate");
        return whereView(e -> predicate.test(e.toRecordedEvent()));
    }

    /** Only events that also pass {@code predicate}, given the event in place (it must not keep it). */
    public Consumed<K, V> whereView(Predicate<EventView> predicate) {
        return new Consumed<>(filter, where.and(predicate), key, value, timestamps, maxOutOfOrderness, drivesWatermark);
    }

    /** Keys records with {@code keyFunction} instead of the stream id, given a stable {@link RecordedEvent}. */
    public <K2> Consumed<K2, V> withKey(Function<RecordedEvent, K2> keyFunction) {
        Objects.requireNonNull(keyFunction, "keyFunction");
        return withViewKey(e -> keyFunction.apply(e.toRecordedEvent()));
    }

    /** Keys records with {@code keyFunction} instead of the stream id, given the event in place (it must not keep it). */
    public <K2> Consumed<K2, V> withViewKey(Function<EventView, K2> keyFunction) {
        return new Consumed<>(filter, where, keyFunction, value, timestamps, maxOutOfOrderness, drivesWatermark);
    }

    /** Takes the event time from {@code extractor}. */
    public Consumed<K, V> withTimestamps(TimestampExtractor<V> extractor) {
        return new Consumed<>(filter, where, key, value, extractor, maxOutOfOrderness, drivesWatermark);
    }

    /** Lets events arrive up to {@code bound} behind the newest event time without being late. */
    public Consumed<K, V> withMaxOutOfOrderness(Duration bound) {
        return new Consumed<>(filter, where, key, value, timestamps, bound, drivesWatermark);
    }

    /** This source's event times do not move the watermark (reference data such as a table's source). */
    public Consumed<K, V> withoutWatermark() {
        return new Consumed<>(filter, where, key, value, timestamps, maxOutOfOrderness, false);
    }
}
