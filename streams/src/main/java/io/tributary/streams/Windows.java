package io.tributary.streams;

import java.time.Duration;

/**
 * The kinds of event-time windows, a closed set. Every window has a grace period: it stays open
 * until the watermark reaches its end plus the grace, accepting late-but-not-too-late events;
 * after that it is closed, its final result is emitted ({@link Emit#ON_WINDOW_CLOSE}) and events
 * that would fall only into closed windows are late (counted, and available through
 * {@link WindowedKStream#lateEvents()}).
 */
public sealed interface Windows permits Windows.Tumbling, Windows.Hopping, Windows.Sliding, Windows.Session {

    /** The grace period, in milliseconds. */
    long graceMs();

    /** This kind of window with another grace period. */
    Windows withGrace(Duration grace);

    /** Fixed-size, non-overlapping windows {@code [n*size, (n+1)*size)}, aligned to the epoch. */
    static Tumbling tumbling(Duration size) {
        return new Tumbling(millis(size, "size"), 0);
    }

    /** Fixed-size windows starting every {@code advance}, aligned to the epoch; an event falls into {@code size/advance} of them. */
    static Hopping hopping(Duration size, Duration advance) {
        return new Hopping(millis(size, "size"), millis(advance, "advance"), 0);
    }

    /**
     * Sliding windows: for every event at {@code t}, the window {@code [t-size+1, t+1)} ending with
     * it, over all events of its key in that range — "the last {@code size} before each event".
     */
    static Sliding sliding(Duration size) {
        return new Sliding(millis(size, "size"), 0);
    }

    /** Session windows: events of a key less than {@code gap} apart form one session; sessions merge when an event bridges them. */
    static Session session(Duration gap) {
        return new Session(millis(gap, "gap"), 0);
    }

    private static long millis(Duration d, String what) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("window " + what + " must be positive");
        }
        return d.toMillis();
    }

    /**
     * Tumbling windows.
     *
     * @param sizeMs  the window size
     * @param graceMs the grace period
     */
    record Tumbling(long sizeMs, long graceMs) implements Windows {
        /** Validates. */
        public Tumbling {
            if (sizeMs <= 0 || graceMs < 0) {
                throw new IllegalArgumentException("size must be positive and grace not negative");
            }
        }

        @Override
        public Tumbling withGrace(Duration grace) {
            return new Tumbling(sizeMs, grace.toMillis());
        }
    }

    /**
     * Hopping windows.
     *
     * @param sizeMs    the window size
     * @param advanceMs how far each window starts after the previous one
     * @param graceMs   the grace period
     */
    record Hopping(long sizeMs, long advanceMs, long graceMs) implements Windows {
        /** Validates. */
        public Hopping {
            if (sizeMs <= 0 || advanceMs <= 0 || advanceMs > sizeMs || graceMs < 0) {
                throw new IllegalArgumentException("need 0 < advance <= size and grace not negative");
            }
        }

        @Override
        public Hopping withGrace(Duration grace) {
            return new Hopping(sizeMs, advanceMs, grace.toMillis());
        }
    }

    /**
     * Sliding windows.
     *
     * @param sizeMs  the window size
     * @param graceMs the grace period
     */
    record Sliding(long sizeMs, long graceMs) implements Windows {
        /** Validates. */
        public Sliding {
            if (sizeMs <= 0 || graceMs < 0) {
                throw new IllegalArgumentException("size must be positive and grace not negative");
            }
        }

        @Override
        public Sliding withGrace(Duration grace) {
            return new Sliding(sizeMs, grace.toMillis());
        }
    }

    /**
     * Session windows.
     *
     * @param gapMs   the inactivity gap that ends a session
     * @param graceMs the grace period
     */
    record Session(long gapMs, long graceMs) implements Windows {
        /** Validates. */
        public Session {
            if (gapMs <= 0 || graceMs < 0) {
                throw new IllegalArgumentException("gap must be positive and grace not negative");
            }
        }

        @Override
        public Session withGrace(Duration grace) {
            return new Session(gapMs, grace.toMillis());
        }
    }
}
