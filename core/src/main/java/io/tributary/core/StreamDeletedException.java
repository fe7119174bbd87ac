package io.tributary.core;

/**
 * The stream was hard-deleted (tombstoned): it can never be read or written again under this
 * name.
 */
public final class StreamDeletedException extends TributaryException {
    private static final long serialVersionUID = 1L;
    private final StreamName stream;

    /** Creates the exception for {@code stream}. */
    public StreamDeletedException(StreamName stream) {
        super("stream '" + stream + "' was permanently deleted (tombstoned); use another stream name");
        this.stream = stream;
    }

    /** Creates the exception for {@code stream} with a specific message. */
    public StreamDeletedException(StreamName stream, String message) {
        super(message);
        this.stream = stream;
    }

    /** The tombstoned stream. */
    public StreamName stream() {
        return stream;
    }
}
