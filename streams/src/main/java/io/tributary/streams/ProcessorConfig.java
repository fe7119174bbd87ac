package io.tributary.streams;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Configuration of a {@link StreamProcessor}; every setting but the name has a default.
 *
 * @param name           the processor's name: part of its output event ids, so keep it stable
 *                       ({@code [A-Za-z0-9._-]}, 1 to 100 characters)
 * @param state          where state lives; default {@link StateBackend#heap()}
 * @param maxBatchEvents the most input events processed between two checkpoints; default 1,000
 * @param pollTimeout    how long one poll of the subscription waits; default 100 ms
 * @param clock          the wall clock, for the events-per-second rate; default system UTC
 * @param partitions     how many threads process the input, partitioned by the key each record has when
 *                       it reaches its first stateful operator or sink (re-keys before that are
 *                       repartitioned; per-key order is kept); default 1. More than 1 refuses a topology
 *                       that re-keys a stream after a stateful operator and aggregates it again, and makes
 *                       the output ids depend on the partition count, so keep it stable for a processor
 */
public record ProcessorConfig(String name, StateBackend state, int maxBatchEvents, Duration pollTimeout, Clock clock,
                              int partitions) {
    /** Validates. */
    public ProcessorConfig {
        if (name == null || !name.matches("[A-Za-z0-9._-]{1,100}")) {
            throw new IllegalArgumentException("a processor name must be 1 to 100 characters of [A-Za-z0-9._-], was '" + name + "'");
        }
        Objects.requireNonNull(state, "state");
        if (maxBatchEvents < 1 || maxBatchEvents > 100_000) {
            throw new IllegalArgumentException("maxBatchEvents must be in [1, 100000]");
        }
        if (pollTimeout == null || pollTimeout.isNegative() || pollTimeout.isZero()) {
            throw new IllegalArgumentException("pollTimeout must be positive");
        }
        Objects.requireNonNull(clock, "clock");
        if (partitions < 1 || partitions > 256) {
            throw new IllegalArgumentException("partitions must be in [1, 256]");
        }
    }

    /** The defaults for a processor named {@code name}. */
    public static ProcessorConfig of(String name) {
        return new ProcessorConfig(name, StateBackend.heap(), 1_000, Duration.ofMillis(100), Clock.systemUTC(), 1);
    }

    /** This configuration with state in {@code backend}. */
    public ProcessorConfig withState(StateBackend backend) {
        return new ProcessorConfig(name, backend, maxBatchEvents, pollTimeout, clock, partitions);
    }

    /** This configuration with at most {@code n} events per checkpoint. */
    public ProcessorConfig withMaxBatchEvents(int n) {
        return new ProcessorConfig(name, state, n, pollTimeout, clock, partitions);
    }

    /** This configuration with another poll timeout. */
    public ProcessorConfig withPollTimeout(Duration timeout) {
        return new ProcessorConfig(name, state, maxBatchEvents, timeout, clock, partitions);
    }

    /** This configuration with another clock. */
    public ProcessorConfig withClock(Clock newClock) {
        return new ProcessorConfig(name, state, maxBatchEvents, pollTimeout, newClock, partitions);
    }

    /** This configuration with {@code n} partitions (threads). */
    public ProcessorConfig withPartitions(int n) {
        return new ProcessorConfig(name, state, maxBatchEvents, pollTimeout, clock, n);
    }
}
