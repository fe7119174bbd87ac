package io.tributary.core;

/**
 * An append's {@link ExpectedVersion} did not match the stream's actual version: somebody
 * else wrote first. Nothing of the request was written. Reload the stream and decide again.
 */
public final class WrongExpectedVersionException extends TributaryException {
    private static final long serialVersionUID = 1L;
    private final StreamName stream;
    private final ExpectedVersion expected;
    private final long actualVersion;

    /**
     * Creates the exception.
     *
     * @param actualVersion the stream's current last version, or {@code -1} if it has no events
     */
    public WrongExpectedVersionException(StreamName stream, ExpectedVersion expected, long actualVersion) {
        super("stream '" + stream + "': the request expected " + expected + " but the stream "
                + (actualVersion < 0 ? "does not exist" : "is at version " + actualVersion)
                + "; somebody else wrote first — reload the stream and retry");
        this.stream = stream;
        this.expected = expected;
        this.actualVersion = actualVersion;
    }

    /** The stream whose check failed. */
    public StreamName stream() {
        return stream;
    }

    /** What the request expected. */
    public ExpectedVersion expected() {
        return expected;
    }

    /** The stream's last version when the check ran, {@code -1} when it had no events. */
    public long actualVersion() {
        return actualVersion;
    }
}
