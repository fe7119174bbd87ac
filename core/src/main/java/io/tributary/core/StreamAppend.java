package io.tributary.core;

import java.util.Arrays;
import java.util.List;

/**
 * One stream's part of a (possibly multi-stream) append request.
 *
 * @param stream   the stream to write
 * @param expected the version check for this stream
 * @param events   the events, at least one
 */
public record StreamAppend(StreamName stream, ExpectedVersion expected, List<EventData> events) {
    /** Validates and copies the list. */
    public StreamAppend {
        if (stream == null) {
            throw new InvalidRequestException("stream must not be null");
        }
        if (expected == null) {
            throw new InvalidRequestException("expected version for '" + stream + "' must not be null; use ExpectedVersion.any()");
        }
        if (events == null || events.isEmpty()) {
            throw new InvalidRequestException("an append to '" + stream + "' must carry at least one event");
        }
        for (EventData e : events) {
            if (e == null) {
                throw new InvalidRequestException("an append to '" + stream + "' contains a null event");
            }
        }
        // One list class whatever the size (List.copyOf's differs for up to two elements): the
        // store's per-event loops stay monomorphic when one-event and larger appends mix.
        events = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(events));
    }

    /** An append of {@code events} to {@code stream} with the given check. */
    public static StreamAppend of(StreamName stream, ExpectedVersion expected, EventData... events) {
        // Not List.of: it throws NullPointerException for a null event before the constructor
        // can reject it with InvalidRequestException.
        return new StreamAppend(stream, expected, events == null ? null : Arrays.asList(events));
    }
}
