package io.tributary.core;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.UUID;

/**
 * An event as recorded in the log.
 *
 * @param stream    the stream it belongs to
 * @param version   its 0-based version within the stream
 * @param position  its global position: gap-free and strictly increasing in commit order when written
 * @param eventId   the id given (or generated) at append
 * @param type      the event type
 * @param data      the payload bytes (do not modify)
 * @param metadata  the metadata bytes (do not modify)
 * @param timestamp when the append that wrote it was committed
 */
public record RecordedEvent(StreamName stream, long version, long position, UUID eventId, String type,
                            byte[] data, byte[] metadata, Instant timestamp) implements EventView {

    /** The commit time in epoch milliseconds. */
    @Override
    public long timestampMillis() {
        return timestamp.toEpochMilli();
    }

    /** This event itself (it is immutable). */
    @Override
    public RecordedEvent toRecordedEvent() {
        return this;
    }

    /** The data decoded as UTF-8 text. */
    @Override
    public String dataAsString() {
        return new String(data, StandardCharsets.UTF_8);
    }

    /** The metadata decoded as UTF-8 text. */
    public String metadataAsString() {
        return new String(metadata, StandardCharsets.UTF_8);
    }

    /** This event as {@link EventData}, for copying it elsewhere. */
    public EventData toEventData() {
        return new EventData(eventId, type, data, metadata);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RecordedEvent other
                && version == other.version
                && position == other.position
                && stream.equals(other.stream)
                && eventId.equals(other.eventId)
                && type.equals(other.type)
                && Arrays.equals(data, other.data)
                && Arrays.equals(metadata, other.metadata)
                && timestamp.equals(other.timestamp);
    }

    @Override
    public int hashCode() {
        return Objects.hash(stream, version, position, eventId);
    }

    @Override
    public String toString() {
        return "RecordedEvent[" + stream + "@" + version + " pos=" + position + " " + type + " " + eventId + "]";
    }
}
