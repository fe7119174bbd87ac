package io.tributary.streams;

import java.util.Objects;
import java.util.function.BiFunction;

/**
 * How a sink appends records to the log as events: the stream name and event type, each a
 * function of key and value, and the serializer of the event data.
 *
 * @param stream     the stream to append to, for example {@code (k, v) -> "alerts-" + k}
 * @param eventType  the event type
 * @param serializer the event data
 * @param <K> the key type
 * @param <V> the value type
 */
public record Produced<K, V>(BiFunction<K, V, String> stream, BiFunction<K, V, String> eventType,
                             BiFunction<K, V, byte[]> serializer) {
    /** Validates. */
    public Produced {
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(eventType, "eventType");
        Objects.requireNonNull(serializer, "serializer");
    }

    /** Events of type {@code eventType} in the stream {@code stream(key, value)}. */
    public static <K, V> Produced<K, V> with(BiFunction<K, V, String> stream, String eventType,
                                            BiFunction<K, V, byte[]> serializer) {
        return new Produced<>(stream, (k, v) -> eventType, serializer);
    }

    /** Events of type {@code eventType}, in the stream {@code category-key}. */
    public static <K, V> Produced<K, V> toCategory(String category, String eventType, BiFunction<K, V, byte[]> serializer) {
        return new Produced<>((k, v) -> category + "-" + k, (k, v) -> eventType, serializer);
    }

    /** This sink with the event type computed from key and value. */
    public Produced<K, V> withEventType(BiFunction<K, V, String> type) {
        return new Produced<>(stream, type, serializer);
    }
}
