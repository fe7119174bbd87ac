package io.tributary.streams;

import io.tributary.core.EventData;
import io.tributary.core.StreamName;
import java.util.Objects;

/**
 * An event a sink appends to the log. Its id is derived from the processor's name, the input
 * position that caused it and its index among that input's outputs, so a replay produces the
 * same ids (and the log ignores the repeats).
 *
 * @param stream        the stream it is appended to
 * @param event         the event
 * @param inputPosition the log position of the input event that caused it
 */
public record OutputEvent(StreamName stream, EventData event, long inputPosition) {
    /** Validates. */
    public OutputEvent {
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(event, "event");
    }

    /** The event data as UTF-8 text. */
    public String dataAsString() {
        return event.dataAsString();
    }
}
