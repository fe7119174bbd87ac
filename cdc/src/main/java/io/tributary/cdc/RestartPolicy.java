package io.tributary.cdc;

import io.tributary.core.InvalidRequestException;
import java.time.Duration;

/**
 * What a capture does when it loses its source: the connection broken, the server restarted or shut down, the slot
 * still held by the session that just died. It waits, then starts again from its last durable position (nothing is
 * lost or repeated: the same resume as a restart by hand), waiting twice as long after each failed attempt up to
 * {@code maxBackoff}. The attempts in a row, and the wait, start over once a capture has run for
 * {@link #RECOVERED_AFTER} before failing again. Failures a restart cannot mend — the source's configuration, the log
 * refusing the changes, a second capture of the same connector — stop the capture ({@link CdcStatus.State#FAILED})
 * whatever the policy.
 *
 * @param initialBackoff the wait before the first restart
 * @param maxBackoff     the longest wait
 * @param maxRestarts    how many restarts in a row before the capture stays failed; -1: no limit; 0: never restart
 */
public record RestartPolicy(Duration initialBackoff, Duration maxBackoff, int maxRestarts) {
    /** A capture that ran this long before failing again counts as recovered: its restarts in a row start over. */
    public static final Duration RECOVERED_AFTER = Duration.ofMinutes(1);

    /** Restarts without limit, waiting 1 second, then 2, 4, ... up to a minute: the default of both sources. */
    public static final RestartPolicy DEFAULT = backoff(Duration.ofSeconds(1), Duration.ofMinutes(1));

    /** Validates. */
    public RestartPolicy {
        if (initialBackoff == null || maxBackoff == null || initialBackoff.isNegative() || initialBackoff.isZero()
                || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new InvalidRequestException("restart back-off must be positive and maxBackoff >= initialBackoff, got "
                    + initialBackoff + ", " + maxBackoff);
        }
        if (maxRestarts < -1) {
            throw new InvalidRequestException("maxRestarts must be -1 (no limit), 0 (never) or more, got " + maxRestarts);
        }
    }

    /** Never restarts: a lost source stops the capture, as a configuration error does. */
    public static RestartPolicy never() {
        return new RestartPolicy(Duration.ofSeconds(1), Duration.ofSeconds(1), 0);
    }

    /** Restarts without limit, waiting {@code initial}, then twice as long each time, at most {@code max}. */
    public static RestartPolicy backoff(Duration initial, Duration max) {
        return new RestartPolicy(initial, max, -1);
    }

    /** This policy giving up after {@code n} restarts in a row. */
    public RestartPolicy withMaxRestarts(int n) {
        return new RestartPolicy(initialBackoff, maxBackoff, n);
    }

    /** The wait before restart number {@code attempt} (1 for the first of a row). */
    public Duration backoff(int attempt) {
        Duration d = initialBackoff;
        for (int i = 1; i < attempt && d.compareTo(maxBackoff) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
    }

    /** Whether restart number {@code attempt} of a row may happen. */
    public boolean allows(int attempt) {
        return maxRestarts < 0 || attempt <= maxRestarts;
    }
}
