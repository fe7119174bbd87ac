package io.tributary.store;

/**
 * When an append is acknowledged relative to the data reaching stable storage.
 *
 * <ul>
 *   <li>{@link #fsync()} (the default): acknowledged only after {@code fdatasync}; survives
 *       power loss. Concurrent appends share one fsync (group commit).</li>
 *   <li>{@link #interval(long)}: acknowledged after the write reaches the OS; fsync at most every
 *       {@code ms} milliseconds. Survives a process crash; a power loss may lose the last interval.</li>
 *   <li>{@link #none()}: acknowledged after the write; fsync only at segment roll, checkpoint and
 *       close. Survives a process crash; for tests and throwaway data.</li>
 * </ul>
 */
public sealed interface Durability {

    /** Acknowledge after fsync (default). */
    static Durability fsync() {
        return Fsync.INSTANCE;
    }

    /** Acknowledge after write; fsync every {@code flushIntervalMs} milliseconds. */
    static Durability interval(long flushIntervalMs) {
        return new Interval(flushIntervalMs);
    }

    /** Acknowledge after write; no fsync on the append path. */
    static Durability none() {
        return None.INSTANCE;
    }

    /**
     * Parses {@code fsync}, {@code none} or {@code interval:<ms>}.
     *
     * @throws IllegalArgumentException naming the accepted forms
     */
    static Durability parse(String text) {
        if ("fsync".equals(text)) {
            return fsync();
        }
        if ("none".equals(text)) {
            return none();
        }
        if (text != null && text.startsWith("interval:")) {
            try {
                return interval(Long.parseLong(text.substring("interval:".length())));
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
        }
        throw new IllegalArgumentException("durability '" + text + "' is not one of fsync, none, interval:<ms>");
    }

    /** fsync before acknowledging. */
    enum Fsync implements Durability {
        /** The single instance. */
        INSTANCE;

        @Override
        public String toString() {
            return "fsync";
        }
    }

    /** No fsync on the append path. */
    enum None implements Durability {
        /** The single instance. */
        INSTANCE;

        @Override
        public String toString() {
            return "none";
        }
    }

    /**
     * Periodic fsync.
     *
     * @param flushIntervalMs the longest time written data stays unsynced, at least 1
     */
    record Interval(long flushIntervalMs) implements Durability {
        /** Validates the interval. */
        public Interval {
            if (flushIntervalMs < 1) {
                throw new IllegalArgumentException("flushIntervalMs must be at least 1, got " + flushIntervalMs);
            }
        }

        @Override
        public String toString() {
            return "interval:" + flushIntervalMs;
        }
    }
}
