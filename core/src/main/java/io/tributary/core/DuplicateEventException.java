package io.tributary.core;

import java.util.UUID;

/**
 * A request reuses an event id that is already recorded, but not as an exact repeat of an
 * earlier request (same ids, same order, same place): Tributary cannot tell whether it is a
 * retry or a mistake, so it writes nothing.
 */
public final class DuplicateEventException extends TributaryException {
    private static final long serialVersionUID = 1L;
    private final StreamName stream;
    private final UUID eventId;

    /** Creates the exception for an event id that is recorded elsewhere. */
    public DuplicateEventException(StreamName stream, UUID eventId, String detail) {
        super("event id " + eventId + " in the append to '" + stream + "' was already recorded " + detail
                + "; use new event ids for new events, or resend the original request unchanged");
        this.stream = stream;
        this.eventId = eventId;
    }

    /** The stream of the rejected request. */
    public StreamName stream() {
        return stream;
    }

    /** The reused event id. */
    public UUID eventId() {
        return eventId;
    }
}
