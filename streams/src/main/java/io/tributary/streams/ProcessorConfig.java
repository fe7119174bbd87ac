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
 * @param clock          the wall clock: the events-per-second rate, the state flush interval and the
 *                       idle timeout; default system UTC
 * @param partitions     how many threads process the input, partitioned by the key each record has when
 *                       it reaches its first stateful operator or sink (re-keys before that are
 *                       repartitioned; per-key order is kept); default 1. Records re-keyed after a stateful
 *                       operator are repartitioned through internal streams in the log, which needs the
 *                       grouping's serdes ({@code Grouped.with(keySerde, valueSerde)}). More than 1 refuses
 *                       a topology that re-keys after state without them or has a projection table,
 *                       and makes the output ids depend on the partition count, so keep it stable for
 *                       a processor
 * @param stateFlushInterval RocksDB state: the longest time commits stay in memory only. The state is
 *                       written without a write-ahead log, so what a crash loses is replayed from the
 *                       log; flushing bounds that replay even when the state is too small to fill a
 *                       memtable. Default 10 s
 * @param stateFlushCommits RocksDB state: the most commits between two flushes (the same bound, counted
 *                       in commits); default 1,000
 * @param idleTimeout    when positive: after this long without input the watermark follows the wall
 *                       clock, lagging it by this much, so a quiet source's last windows close (see
 *                       {@link #withIdleTimeout}); default {@link Duration#ZERO}: off, the watermark moves
 *                       only with events
 */
public record ProcessorConfig(String name, StateBackend state, int maxBatchEvents, Duration pollTimeout, Clock clock,
                              int partitions, Duration stateFlushInterval, int stateFlushCommits, Duration idleTimeout) {
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
        if (stateFlushInterval == null || stateFlushInterval.isNegative() || stateFlushInterval.isZero()) {
            throw new IllegalArgumentException("stateFlushInterval must be positive");
        }
        if (stateFlushCommits < 1) {
            throw new IllegalArgumentException("stateFlushCommits must be at least 1");
        }
        if (idleTimeout == null || idleTimeout.isNegative()) {
            throw new IllegalArgumentException("idleTimeout must be zero (off) or positive");
        }
    }

    /** The first six settings, the others at their defaults. */
    public ProcessorConfig(String name, StateBackend state, int maxBatchEvents, Duration pollTimeout, Clock clock, int partitions) {
        this(name, state, maxBatchEvents, pollTimeout, clock, partitions, Duration.ofSeconds(10), 1_000, Duration.ZERO);
    }

    /** The defaults for a processor named {@code name}. */
    public static ProcessorConfig of(String name) {
        return new ProcessorConfig(name, StateBackend.heap(), 1_000, Duration.ofMillis(100), Clock.systemUTC(), 1);
    }

    /** This configuration with state in {@code backend}. */
    public ProcessorConfig withState(StateBackend backend) {
        return new ProcessorConfig(name, backend, maxBatchEvents, pollTimeout, clock, partitions, stateFlushInterval, stateFlushCommits, idleTimeout);
    }

    /** This configuration with at most {@code n} events per checkpoint. */
    public ProcessorConfig withMaxBatchEvents(int n) {
        return new ProcessorConfig(name, state, n, pollTimeout, clock, partitions, stateFlushInterval, stateFlushCommits, idleTimeout);
    }

    /** This configuration with another poll timeout. */
    public ProcessorConfig withPollTimeout(Duration timeout) {
        return new ProcessorConfig(name, state, maxBatchEvents, timeout, clock, partitions, stateFlushInterval, stateFlushCommits, idleTimeout);
    }

    /** This configuration with another clock. */
    public ProcessorConfig withClock(Clock newClock) {
        return new ProcessorConfig(name, state, maxBatchEvents, pollTimeout, newClock, partitions, stateFlushInterval, stateFlushCommits, idleTimeout);
    }

    /** This configuration with {@code n} partitions (threads). */
    public ProcessorConfig withPartitions(int n) {
        return new ProcessorConfig(name, state, maxBatchEvents, pollTimeout, clock, n, stateFlushInterval, stateFlushCommits, idleTimeout);
    }

    /**
     * This configuration with RocksDB state flushed to disk once {@code interval} has passed or
     * {@code commits} commits were made since the last flush, whichever comes first (checked at
     * every commit and whenever the processor is idle). A crash then replays at most about that
     * much of the log.
     */
    public ProcessorConfig withStateFlush(Duration interval, int commits) {
        return new ProcessorConfig(name, state, maxBatchEvents, pollTimeout, clock, partitions, interval, commits, idleTimeout);
    }

    /**
     * This configuration with an idle timeout: when no input event has arrived for {@code timeout}
     * (by the {@link #clock}), the processor appends a tick to its own stream
     * {@code tributary.ticks-<name>} carrying the watermark {@code now - timeout}, and moves the
     * watermark when it reads that tick back from the log — so a replay after a crash sees the same
     * advance at the same place and the outputs stay exactly-once. While the input stays quiet it
     * ticks once per timeout. {@link Duration#ZERO} turns it off.
     */
    public ProcessorConfig withIdleTimeout(Duration timeout) {
        return new ProcessorConfig(name, state, maxBatchEvents, pollTimeout, clock, partitions, stateFlushInterval, stateFlushCommits, timeout);
    }
}
