package io.tributary.core;

/** The stream has never been written, or it was soft-deleted and not recreated. */
public final class StreamNotFoundException extends TributaryException {
    private static final long serialVersionUID = 1L;
    private final StreamName stream;

    /** Creates the exception for {@code stream}. */
    public StreamNotFoundException(StreamName stream) {
        super("stream '" + stream + "' does not exist");
        this.stream = stream;
    }

    /** The stream that was not found. */
    public StreamName stream() {
        return stream;
    }
}
