package io.tributary.streams;

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
 * @param filter             the events of the log to read (categories, event types, stream prefixes)
 * @param where              a further predicate on the recorded event
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
public record Consumed<K, V>(ReadFilter filter, Predicate<RecordedEvent> where, Function<RecordedEvent, K> key,
                             Function<RecordedEvent, V> value, TimestampExtractor<V> timestamps,
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

    /** Events of {@code category}, keyed by stream id, decoded by {@code decoder}. */
    public static <V> Consumed<String, V> category(String category, Function<RecordedEvent, V> decoder) {
        return with(ReadFilter.categories(category), decoder);
    }

    /** Events matching {@code filter}, keyed by stream id, decoded by {@code decoder}. */
    public static <V> Consumed<String, V> with(ReadFilter filter, Function<RecordedEvent, V> decoder) {
        return new Consumed<>(filter, e -> true, e -> e.stream().id(), decoder, TimestampExtractor.recorded(), Duration.ZERO, true);
    }

    /** Only events of these types (within the filter's categories). */
    public Consumed<K, V> withEventTypes(String... types) {
        return new Consumed<>(filter.withEventTypes(types), where, key, value, timestamps, maxOutOfOrderness, drivesWatermark);
    }

    /** Only events that also pass {@code predicate}. */
    public Consumed<K, V> where(Predicate<RecordedEvent> predicate) {
        return new Consumed<>(filter, where.and(predicate), key, value, timestamps, maxOutOfOrderness, drivesWatermark);
    }

    /** Keys records with {@code keyFunction} instead of the stream id. */
    public <K2> Consumed<K2, V> withKey(Function<RecordedEvent, K2> keyFunction) {
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
