package io.tributary.cqrs;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link ProjectionRunner} runs a projection.
 *
 * @param maxBatchEvents  most events applied in one read-model transaction (default 1,000; 1 to 100,000)
 * @param pollTimeout     how long one poll of the log waits for new events (default 100 ms); bounds
 *                        how quickly the runner notices {@code close()}
 * @param failurePolicy   what to do when an event cannot be applied (default {@link FailurePolicy#stop()})
 * @param clock           source of "now" for the lag in milliseconds and the rate (default system UTC)
 */
public record ProjectionOptions(int maxBatchEvents, Duration pollTimeout, FailurePolicy failurePolicy, Clock clock) {
    /** Default batch size. */
    public static final int DEFAULT_MAX_BATCH_EVENTS = 1_000;

    /** Validates. */
    public ProjectionOptions {
        if (maxBatchEvents < 1 || maxBatchEvents > 100_000) {
            throw new IllegalArgumentException("maxBatchEvents must be between 1 and 100000, got " + maxBatchEvents);
        }
        Objects.requireNonNull(pollTimeout, "pollTimeout");
        if (pollTimeout.isNegative() || pollTimeout.isZero()) {
            throw new IllegalArgumentException("pollTimeout must be positive, got " + pollTimeout);
        }
        Objects.requireNonNull(failurePolicy, "failurePolicy");
        Objects.requireNonNull(clock, "clock");
    }

    /** The defaults. */
    public static ProjectionOptions defaults() {
        return new ProjectionOptions(DEFAULT_MAX_BATCH_EVENTS, Duration.ofMillis(100), FailurePolicy.stop(), Clock.systemUTC());
    }

    /** These options with another batch size. */
    public ProjectionOptions withMaxBatchEvents(int events) {
        return new ProjectionOptions(events, pollTimeout, failurePolicy, clock);
    }

    /** These options with another poll timeout. */
    public ProjectionOptions withPollTimeout(Duration timeout) {
        return new ProjectionOptions(maxBatchEvents, timeout, failurePolicy, clock);
    }

    /** These options with another failure policy. */
    public ProjectionOptions withFailurePolicy(FailurePolicy policy) {
        return new ProjectionOptions(maxBatchEvents, pollTimeout, policy, clock);
    }

    /** These options with another clock. */
    public ProjectionOptions withClock(Clock value) {
        return new ProjectionOptions(maxBatchEvents, pollTimeout, failurePolicy, value);
    }
}
