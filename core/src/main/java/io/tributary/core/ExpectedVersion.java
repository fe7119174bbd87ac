package io.tributary.core;

/**
 * What an append expects of the stream's current version: the optimistic-concurrency check.
 * Versions are 0-based, so a stream with one event is at version 0.
 */
public sealed interface ExpectedVersion {

    /** No check: append wherever the stream is. */
    static ExpectedVersion any() {
        return Any.INSTANCE;
    }

    /** The stream must have no events (never written, or soft-deleted). */
    static ExpectedVersion noStream() {
        return NoStream.INSTANCE;
    }

    /** The stream must have at least one event. */
    static ExpectedVersion streamExists() {
        return StreamExists.INSTANCE;
    }

    /** The stream's last event must have exactly this version. */
    static ExpectedVersion exact(long version) {
        return new Exact(version);
    }

    /**
     * Parses the wire form: {@code any}, {@code no_stream}, {@code stream_exists} or a
     * non-negative number; throws {@link InvalidRequestException} otherwise.
     */
    static ExpectedVersion parse(String text) {
        if (text == null) {
            throw new InvalidRequestException("expected version must not be empty");
        }
        switch (text) {
            case "any": return any();
            case "no_stream": return noStream();
            case "stream_exists": return streamExists();
            default:
                try {
                    return exact(Long.parseLong(text));
                } catch (NumberFormatException e) {
                    throw new InvalidRequestException("expected version '" + text
                            + "' is not one of any, no_stream, stream_exists or a non-negative number");
                }
        }
    }

    /** No check. */
    enum Any implements ExpectedVersion {
        /** The single instance. */
        INSTANCE;

        @Override
        public String toString() {
            return "any";
        }
    }

    /** The stream must have no events. */
    enum NoStream implements ExpectedVersion {
        /** The single instance. */
        INSTANCE;

        @Override
        public String toString() {
            return "no_stream";
        }
    }

    /** The stream must have events. */
    enum StreamExists implements ExpectedVersion {
        /** The single instance. */
        INSTANCE;

        @Override
        public String toString() {
            return "stream_exists";
        }
    }

    /**
     * The stream's last version must be {@code version}.
     *
     * @param version a version, {@code >= 0}
     */
    record Exact(long version) implements ExpectedVersion {
        /** Validates the version. */
        public Exact {
            if (version < 0) {
                throw new InvalidRequestException("expected version must be >= 0 (use noStream() for an empty stream), got " + version);
            }
        }

        @Override
        public String toString() {
            return Long.toString(version);
        }
    }
}
