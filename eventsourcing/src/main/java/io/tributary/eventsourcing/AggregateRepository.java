package io.tributary.eventsourcing;

import io.tributary.core.EventStore;
import io.tributary.core.StreamName;
import io.tributary.eventsourcing.internal.DefaultAggregateRepository;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Loads event-sourced state and handles commands on an {@link EventStore}: the state of a
 * stream is its events replayed through a {@link Decider}, starting from the newest usable
 * snapshot when snapshots are configured.
 *
 * <p>{@link #handle} loads the stream, decides, and appends the new events with
 * {@code ExpectedVersion.exact(version)} (or {@code noStream} for a new stream). When another
 * writer appended first, it reloads and decides again, at most {@code maxConflictRetries} more
 * times, then throws {@link ConflictRetriesExhaustedException}. Each attempt encodes the events
 * with fresh ids.
 *
 * <p>All methods block the calling thread until the store answers; the repository is
 * thread-safe and holds no state between calls. Store errors ({@code StreamDeletedException},
 * {@code StoreBusyException}, ...) are rethrown as they are; an event that does not decode
 * throws {@link EventDecodingException}.
 *
 * @param <C> the command type
 * @param <S> the state type
 * @param <E> the event type
 */
public interface AggregateRepository<C, S, E> {

    /** The current state of {@code stream}; the initial state (version {@code -1}) if it has no events. */
    AggregateState<S> load(StreamName stream);

    /** The state right after the event at {@code version} (time travel by version); the current state if the stream is shorter. */
    AggregateState<S> loadAtVersion(StreamName stream, long version);

    /** The state from the events recorded at or before {@code instant} (time travel by time). */
    AggregateState<S> loadAsOf(StreamName stream, Instant instant);

    /**
     * Every event of the stream from the start, each with the state right after it. Replays from
     * scratch (snapshots are not used) and holds the whole trail in memory.
     */
    List<AuditEntry<S, E>> auditTrail(StreamName stream);

    /** Handles {@code command} on {@code stream}; see the class description for retries. */
    CommandResult<S, E> handle(StreamName stream, C command);

    /**
     * Handles commands on several distinct streams as one transaction: every command is decided on
     * its stream's current state, and if all are accepted their events are appended in one atomic
     * multi-stream append, each stream checked with its exact version. One rejection, and nothing is
     * written. Conflicts are retried like {@link #handle}.
     *
     * @throws IllegalArgumentException when the list is empty or names a stream twice
     */
    MultiCommandResult<S, E> handleAll(List<StreamCommand<C>> commands);

    /** Starts a repository over {@code store} for {@code decider}, encoding events with {@code codec}. */
    static <C, S, E> Builder<C, S, E> builder(EventStore store, Decider<C, S, E> decider, EventCodec<E> codec) {
        return new Builder<>(store, decider, codec);
    }

    /**
     * Configures a repository; every setting has a default.
     *
     * @param <C> the command type
     * @param <S> the state type
     * @param <E> the event type
     */
    final class Builder<C, S, E> {
        /** Default bound on re-decisions after a concurrent write. */
        public static final int DEFAULT_MAX_CONFLICT_RETRIES = 5;
        /** Default number of events read per page while replaying. */
        public static final int DEFAULT_READ_BATCH_SIZE = 1_000;

        private final EventStore store;
        private final Decider<C, S, E> decider;
        private final EventCodec<E> codec;
        private Optional<SnapshotSettings<S>> snapshots = Optional.empty();
        private int maxConflictRetries = DEFAULT_MAX_CONFLICT_RETRIES;
        private int readBatchSize = DEFAULT_READ_BATCH_SIZE;
        private Clock clock = Clock.systemUTC();

        private Builder(EventStore store, Decider<C, S, E> decider, EventCodec<E> codec) {
            this.store = Objects.requireNonNull(store, "store");
            this.decider = Objects.requireNonNull(decider, "decider");
            this.codec = Objects.requireNonNull(codec, "codec");
        }

        /** Enables snapshots (default: none, every load replays the whole stream). */
        public Builder<C, S, E> snapshots(SnapshotSettings<S> settings) {
            this.snapshots = Optional.of(settings);
            return this;
        }

        /** How many times a command is decided again after a concurrent write (default 5; 0 = never retry). */
        public Builder<C, S, E> maxConflictRetries(int retries) {
            if (retries < 0) {
                throw new IllegalArgumentException("maxConflictRetries must be >= 0, got " + retries);
            }
            this.maxConflictRetries = retries;
            return this;
        }

        /** Events read per page while replaying (default 1,000; at most 10,000). */
        public Builder<C, S, E> readBatchSize(int events) {
            if (events < 1 || events > 10_000) {
                throw new IllegalArgumentException("readBatchSize must be between 1 and 10000, got " + events);
            }
            this.readBatchSize = events;
            return this;
        }

        /** The clock that times replays for {@link SnapshotPolicy#whenReplayLongerThan} (default: system UTC). */
        public Builder<C, S, E> clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** Builds the repository. */
        public AggregateRepository<C, S, E> build() {
            return new DefaultAggregateRepository<>(store, decider, codec, snapshots, maxConflictRetries, readBatchSize, clock);
        }
    }
}
