package io.tributary.cqrs;

import java.time.Duration;
import java.util.Objects;

/**
 * What a {@link ProjectionRunner} does when {@link Projection#apply} (or the read-model store)
 * throws. The failed batch is always rolled back first, so the read model never holds half a
 * batch. The current policy and the last error are visible in {@link ProjectionStatus}.
 */
public sealed interface FailurePolicy permits FailurePolicy.Retry, FailurePolicy.DeadLetter, FailurePolicy.Stop {

    /** Retries the batch after {@code initialBackoff}, doubling up to {@code maxBackoff}, at most {@code maxRetries} times, then stops. */
    static FailurePolicy retry(int maxRetries, Duration initialBackoff, Duration maxBackoff) {
        return new Retry(maxRetries, initialBackoff, maxBackoff);
    }

    /**
     * Parks an event whose {@code apply} throws in the stream {@code tributary.parked-<projection>}
     * (a copy with the error in its metadata) and goes on with the next event. Store failures stop
     * the projection instead: parking cannot cure them.
     */
    static FailurePolicy deadLetter() {
        return new DeadLetter();
    }

    /** Stops the projection at the failing batch; its status says why. The default. */
    static FailurePolicy stop() {
        return new Stop();
    }

    /**
     * Retry with exponential backoff, bounded.
     *
     * @param maxRetries     retries before the projection stops (at least 1)
     * @param initialBackoff wait before the first retry
     * @param maxBackoff     longest wait
     */
    record Retry(int maxRetries, Duration initialBackoff, Duration maxBackoff) implements FailurePolicy {
        /** Validates the bounds. */
        public Retry {
            if (maxRetries < 1) {
                throw new IllegalArgumentException("maxRetries must be at least 1, got " + maxRetries);
            }
            Objects.requireNonNull(initialBackoff, "initialBackoff");
            Objects.requireNonNull(maxBackoff, "maxBackoff");
            if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
                throw new IllegalArgumentException("need 0 <= initialBackoff <= maxBackoff, got " + initialBackoff + ", " + maxBackoff);
            }
        }

        /** The wait before retry number {@code attempt} (1-based). */
        public Duration backoff(int attempt) {
            Duration d = initialBackoff;
            for (int i = 1; i < attempt && d.compareTo(maxBackoff) < 0; i++) {
                d = d.multipliedBy(2);
            }
            return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
        }
    }

    /** Park failing events and go on. */
    record DeadLetter() implements FailurePolicy {
    }

    /** Stop at the first failure. */
    record Stop() implements FailurePolicy {
    }
}
