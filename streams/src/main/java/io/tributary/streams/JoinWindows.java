package io.tributary.streams;

import java.time.Duration;

/**
 * The time bound of a stream–stream join: a left record at {@code t} joins right records at
 * {@code [t - beforeMs, t + afterMs]}. Records are kept until the watermark passes that range
 * plus the grace period; then unmatched records of a left or outer join are emitted alone.
 *
 * @param beforeMs how far the other record may be earlier
 * @param afterMs  how far the other record may be later
 * @param graceMs  how long after that records wait for late partners
 */
public record JoinWindows(long beforeMs, long afterMs, long graceMs) {
    /** Validates. */
    public JoinWindows {
        if (beforeMs < 0 || afterMs < 0 || graceMs < 0) {
            throw new IllegalArgumentException("join window bounds and grace must not be negative");
        }
    }

    /** Records at most {@code difference} apart (either way) join. */
    public static JoinWindows of(Duration difference) {
        return new JoinWindows(difference.toMillis(), difference.toMillis(), 0);
    }

    /** This join window with a grace period. */
    public JoinWindows withGrace(Duration grace) {
        return new JoinWindows(beforeMs, afterMs, grace.toMillis());
    }
}
