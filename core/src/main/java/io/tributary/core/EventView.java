package io.tributary.core;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A recorded event as a reader hands it to a callback ({@link Subscription#pollViews}): either a
 * {@link RecordedEvent} (immutable, may be kept) or a transient view over the bytes the reader
 * just read, which builds nothing per event until asked.
 *
 * <p><b>Lifetime.</b> A transient view is valid only during the callback that received it. Using
 * it afterwards throws {@link IllegalStateException}; to keep the event, call
 * {@link #toRecordedEvent()} (a stable copy) or {@link #data()} (a copy of the payload) inside
 * the callback. The cheap accessors ({@link #dataLength()}, {@link #dataByte}, {@link #dataInt},
 * {@link #dataLong}, {@link #dataString}) read the payload in place and allocate nothing but what
 * they return. Not thread-safe.
 *
 * <p>Every backend can deliver views: {@link Subscription#pollViews}' default hands over the
 * {@link RecordedEvent}s of {@link Subscription#poll}.
 */
public interface EventView {
    /** The stream the event belongs to. */
    StreamName stream();

    /** Its 0-based version within the stream. */
    long version();

    /** Its global position. */
    long position();

    /** Its event type. */
    String type();

    /** When the append that wrote it was committed, epoch milliseconds. */
    long timestampMillis();

    /** When the append that wrote it was committed (built on a transient view). */
    Instant timestamp();

    /** The id given (or generated) at append (built on a transient view). */
    UUID eventId();

    /** The payload; a copy on a transient view (stable), the record's own array on a {@link RecordedEvent} (do not modify). */
    byte[] data();

    /** The metadata; a copy on a transient view, the record's own array on a {@link RecordedEvent} (do not modify). */
    byte[] metadata();

    /** This event as a {@link RecordedEvent}: the event itself, or a stable copy of a transient view (the same copy on every call within the callback). */
    RecordedEvent toRecordedEvent();

    /** Bytes in the payload. */
    default int dataLength() {
        return data().length;
    }

    /**
     * The payload byte at {@code index}.
     *
     * @throws IndexOutOfBoundsException outside the payload
     */
    default byte dataByte(int index) {
        return data()[index];
    }

    /**
     * The big-endian 32-bit integer at {@code index} of the payload.
     *
     * @throws IndexOutOfBoundsException when the 4 bytes are not all within the payload
     */
    default int dataInt(int index) {
        byte[] d = data();
        Objects.checkFromIndexSize(index, 4, d.length);
        return (int) ByteArrays.INT.get(d, index);
    }

    /**
     * The big-endian 64-bit integer at {@code index} of the payload.
     *
     * @throws IndexOutOfBoundsException when the 8 bytes are not all within the payload
     */
    default long dataLong(int index) {
        byte[] d = data();
        Objects.checkFromIndexSize(index, 8, d.length);
        return (long) ByteArrays.LONG.get(d, index);
    }

    /**
     * The text in {@code length} payload bytes from {@code index}, decoded with {@code charset}.
     *
     * @throws IndexOutOfBoundsException when the range is not within the payload
     */
    default String dataString(int index, int length, Charset charset) {
        byte[] d = data();
        Objects.checkFromIndexSize(index, length, d.length);
        return new String(d, index, length, charset);
    }

    /** The payload decoded as UTF-8 text. */
    default String dataAsString() {
        return dataString(0, dataLength(), StandardCharsets.UTF_8);
    }

    /** Receives the events of a {@link Subscription#pollViews} one by one. */
    @FunctionalInterface
    interface Handler {
        /**
         * Handles one event; {@code event} is valid only until this returns (see {@link EventView}).
         * An exception ends the poll and reaches its caller.
         */
        void accept(EventView event);
    }
}
