package io.tributary.eventsourcing;

import io.tributary.core.StreamName;
import io.tributary.core.TributaryException;

/**
 * A recorded event could not be turned into an event object: its type is not registered in the
 * codec, no upcaster brings its schema version to the current one, or its JSON does not fit the
 * class. The message names the stream, version and type; fix the codec registration or add an
 * upcaster. The stored event is untouched.
 */
public final class EventDecodingException extends TributaryException {
    private static final long serialVersionUID = 1L;
    private final StreamName stream;
    private final long version;
    private final String type;

    /** Creates the exception; {@code problem} says what was wrong. */
    public EventDecodingException(StreamName stream, long version, String type, String problem, Throwable cause) {
        super("cannot decode event " + stream + "@" + version + " of type '" + type + "': " + problem, cause);
        this.stream = stream;
        this.version = version;
        this.type = type;
    }

    /** The stream of the event. */
    public StreamName stream() {
        return stream;
    }

    /** The version of the event in its stream. */
    public long version() {
        return version;
    }

    /** The stored type of the event. */
    public String type() {
        return type;
    }
}
