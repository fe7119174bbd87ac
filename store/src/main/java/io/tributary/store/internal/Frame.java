package io.tributary.store.internal;

import io.tributary.core.RecordedEvent;
import io.tributary.core.StreamMetadata;
import java.util.List;

/**
 * A decoded log frame. An append request is one events frame, or a run of consecutive events
 * frames whose last one is not {@code continued} (a large request): all-or-nothing on disk.
 * Control frames (metadata, deletes) carry no events and take no position.
 */
public sealed interface Frame {
    /** Commit time of the frame, epoch milliseconds. */
    long timestampMillis();

    /**
     * The events of one append request (one or several streams), with their assigned versions
     * and positions.
     *
     * @param timestampMillis commit time
     * @param events          the events in position order
     * @param continued       more frames of the same request follow this one
     */
    record Events(long timestampMillis, List<RecordedEvent> events, boolean continued) implements Frame {
        /** A frame that ends its request. */
        public Events(long timestampMillis, List<RecordedEvent> events) {
            this(timestampMillis, events, false);
        }

        /** Position of the first event. */
        public long firstPosition() {
            return events.get(0).position();
        }

        /** Position of the last event. */
        public long lastPosition() {
            return events.get(events.size() - 1).position();
        }
    }

    /**
     * New metadata for a stream.
     *
     * @param timestampMillis commit time
     * @param stream          the stream
     * @param metadata        its new metadata
     */
    record Metadata(long timestampMillis, String stream, StreamMetadata metadata) implements Frame {
    }

    /**
     * A soft delete or a tombstone.
     *
     * @param timestampMillis commit time
     * @param stream          the stream
     * @param lastVersion     the stream's last version when deleted (-1 if it had none)
     * @param hard            true for a tombstone
     */
    record Delete(long timestampMillis, String stream, long lastVersion, boolean hard) implements Frame {
    }
}
