package io.tributary.eventsourcing.internal;

import io.tributary.core.AppendResult;
import io.tributary.core.Direction;
import io.tributary.core.EventData;
import io.tributary.core.EventStore;
import io.tributary.core.ExpectedVersion;
import io.tributary.core.MultiAppendResult;
import io.tributary.core.ReadSlice;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StreamAppend;
import io.tributary.core.StoreClosedException;
import io.tributary.core.StreamName;
import io.tributary.core.StreamNotFoundException;
import io.tributary.core.Subscription;
import io.tributary.core.TributaryException;
import io.tributary.core.WrongExpectedVersionException;
import io.tributary.eventsourcing.AggregateRepository;
import io.tributary.eventsourcing.AggregateState;
import io.tributary.eventsourcing.AuditEntry;
import io.tributary.eventsourcing.CommandResult;
import io.tributary.eventsourcing.ConflictRetriesExhaustedException;
import io.tributary.eventsourcing.Decider;
import io.tributary.eventsourcing.Decision;
import io.tributary.eventsourcing.EventCodec;
import io.tributary.eventsourcing.MultiCommandResult;
import io.tributary.eventsourcing.SnapshotSettings;
import io.tributary.eventsourcing.StreamCommand;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/** The {@link AggregateRepository} over any {@link EventStore}; built by {@link AggregateRepository#builder}. */
public final class DefaultAggregateRepository<C, S, E> implements AggregateRepository<C, S, E> {
    private final EventStore store;
    private final Decider<C, S, E> decider;
    private final EventCodec<E> codec;
    private final Optional<SnapshotSettings<S>> snapshotSettings;
    private final Optional<SnapshotStore<S>> snapshots;
    private final int maxAttempts;
    private final int readBatchSize;
    private final Clock clock;
    /** The most a retry waits for a conflicting write to become readable. */
    private static final Duration CONFLICT_WAIT = Duration.ofSeconds(5);

    /** Sees every replayed event with the state after it. */
    private interface ReplayListener<S, E> {
        void onEvent(RecordedEvent recorded, E event, S stateAfter);
    }

    /** A loaded state plus what the snapshot policy needs to know about how it was loaded. */
    private record Loaded<S>(AggregateState<S> aggregate, Duration replayTime) {
    }

    /** Creates the repository; use {@link AggregateRepository#builder}. */
    public DefaultAggregateRepository(EventStore store, Decider<C, S, E> decider, EventCodec<E> codec,
                                      Optional<SnapshotSettings<S>> snapshots, int maxConflictRetries,
                                      int readBatchSize, Clock clock) {
        this.store = store;
        this.decider = decider;
        this.codec = codec;
        this.snapshotSettings = snapshots;
        this.snapshots = snapshots.map(s -> new SnapshotStore<>(store, s));
        this.maxAttempts = maxConflictRetries + 1;
        this.readBatchSize = readBatchSize;
        this.clock = clock;
    }

    @Override
    public AggregateState<S> load(StreamName stream) {
        return replay(stream, Long.MAX_VALUE, Instant.MAX, true, null).aggregate();
    }

    @Override
    public AggregateState<S> loadAtVersion(StreamName stream, long version) {
        if (version < 0) {
            throw new IllegalArgumentException("version must be >= 0, got " + version);
        }
        return replay(stream, version, Instant.MAX, true, null).aggregate();
    }

    @Override
    public AggregateState<S> loadAsOf(StreamName stream, Instant instant) {
        return replay(stream, Long.MAX_VALUE, instant, true, null).aggregate();
    }

    @Override
    public List<AuditEntry<S, E>> auditTrail(StreamName stream) {
        List<AuditEntry<S, E>> trail = new ArrayList<>();
        replay(stream, Long.MAX_VALUE, Instant.MAX, false, (recorded, event, state) -> trail.add(new AuditEntry<>(
                recorded.version(), recorded.position(), recorded.timestamp(), recorded.eventId(), event, state)));
        return trail;
    }

    /**
     * Replays {@code stream} up to {@code maxVersion} and {@code asOf}, from the newest usable
     * snapshot when {@code useSnapshots}.
     */
    private Loaded<S> replay(StreamName stream, long maxVersion, Instant asOf, boolean useSnapshots,
                             ReplayListener<S, E> listener) {
        long started = clock.millis();
        Optional<SnapshotStore.Snapshot<S>> snapshot = useSnapshots && snapshots.isPresent()
                ? snapshots.get().newest(stream, maxVersion, asOf) : Optional.empty();
        S state = snapshot.map(SnapshotStore.Snapshot::state).orElseGet(decider::initialState);
        long version = snapshot.map(SnapshotStore.Snapshot::version).orElse(-1L);
        long position = snapshot.map(SnapshotStore.Snapshot::position).orElse(-1L);
        long replayed = 0;
        long from = version + 1;
        try {
            read:
            while (from <= maxVersion) {
                ReadSlice slice = store.readStream(stream, from, readBatchSize, Direction.FORWARD);
                for (RecordedEvent recorded : slice.events()) {
                    if (recorded.version() > maxVersion || recorded.timestamp().isAfter(asOf)) {
                        break read;
                    }
                    E event = codec.decode(recorded);
                    state = decider.evolve(state, event);
                    version = recorded.version();
                    position = recorded.position();
                    replayed++;
                    if (listener != null) {
                        listener.onEvent(recorded, event, state);
                    }
                }
                if (slice.isEnd()) {
                    break;
                }
                from = slice.next().getAsLong();
            }
        } catch (StreamNotFoundException e) {
            // Never written, or soft-deleted: a snapshot of the old life does not apply.
            snapshot = Optional.empty();
            state = decider.initialState();
            version = -1;
            position = -1;
            replayed = 0;
        }
        OptionalLong snapshotVersion = snapshot.isPresent() ? OptionalLong.of(snapshot.get().version()) : OptionalLong.empty();
        AggregateState<S> aggregate = new AggregateState<>(stream, state, version, position, replayed, snapshotVersion);
        return new Loaded<>(aggregate, Duration.ofMillis(Math.max(0, clock.millis() - started)));
    }

    private Loaded<S> loadForCommand(StreamName stream) {
        return replay(stream, Long.MAX_VALUE, Instant.MAX, true, null);
    }

    private static ExpectedVersion expected(AggregateState<?> aggregate) {
        return aggregate.version() < 0 ? ExpectedVersion.noStream() : ExpectedVersion.exact(aggregate.version());
    }

    private List<EventData> encode(List<E> events) {
        List<EventData> encoded = new ArrayList<>(events.size());
        for (E event : events) {
            encoded.add(codec.encode(event));
        }
        return encoded;
    }

    private S evolveAll(S state, List<E> events) {
        S result = state;
        for (E event : events) {
            result = decider.evolve(result, event);
        }
        return result;
    }

    @Override
    public CommandResult<S, E> handle(StreamName stream, C command) {
        WrongExpectedVersionException last = null;
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            Loaded<S> loaded = loadForCommand(stream);
            AggregateState<S> current = loaded.aggregate();
            Decision<E> decision = decider.decide(command, current.state());
            if (decision instanceof Decision.Reject<E> reject) {
                return new CommandResult.Rejected<>(stream, reject.reason(), current.state(), current.version(), attempt);
            }
            List<E> events = ((Decision.Accept<E>) decision).events();
            if (events.isEmpty()) {
                return new CommandResult.Accepted<>(stream, current.state(), events, current.version(), current.position(), attempt);
            }
            try {
                AppendResult result = Futures.join(store.append(stream, expected(current), encode(events)));
                S state = evolveAll(current.state(), events);
                maybeSnapshot(loaded, state, events.size(), result.lastVersion(), result.position());
                return new CommandResult.Accepted<>(stream, state, events, result.lastVersion(), result.position(), attempt);
            } catch (WrongExpectedVersionException e) {
                last = e;
                awaitReadable(e);
            }
        }
        throw new ConflictRetriesExhaustedException(stream, maxAttempts, last);
    }

    @Override
    public MultiCommandResult<S, E> handleAll(List<StreamCommand<C>> commands) {
        if (commands.isEmpty()) {
            throw new IllegalArgumentException("handleAll needs at least one command");
        }
        Set<StreamName> seen = new HashSet<>();
        for (StreamCommand<C> command : commands) {
            if (!seen.add(command.stream())) {
                throw new IllegalArgumentException("stream '" + command.stream() + "' appears twice; merge its commands");
            }
        }
        WrongExpectedVersionException last = null;
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            List<Loaded<S>> loaded = new ArrayList<>(commands.size());
            List<List<E>> decided = new ArrayList<>(commands.size());
            List<StreamAppend> appends = new ArrayList<>();
            for (StreamCommand<C> command : commands) {
                Loaded<S> one = loadForCommand(command.stream());
                Decision<E> decision = decider.decide(command.command(), one.aggregate().state());
                if (decision instanceof Decision.Reject<E> reject) {
                    return new MultiCommandResult.Rejected<>(command.stream(), reject.reason(), attempt);
                }
                List<E> events = ((Decision.Accept<E>) decision).events();
                loaded.add(one);
                decided.add(events);
                if (!events.isEmpty()) {
                    appends.add(new StreamAppend(command.stream(), expected(one.aggregate()), encode(events)));
                }
            }
            if (appends.isEmpty()) {
                List<CommandResult.Accepted<S, E>> results = new ArrayList<>();
                for (Loaded<S> one : loaded) {
                    AggregateState<S> a = one.aggregate();
                    results.add(new CommandResult.Accepted<>(a.stream(), a.state(), List.of(), a.version(), a.position(), attempt));
                }
                return new MultiCommandResult.Accepted<>(results, -1, attempt);
            }
            MultiAppendResult written;
            try {
                written = Futures.join(store.appendAll(appends));
            } catch (WrongExpectedVersionException e) {
                last = e;
                awaitReadable(e);
                continue;
            }
            List<CommandResult.Accepted<S, E>> results = new ArrayList<>();
            int appended = 0;
            for (int i = 0; i < commands.size(); i++) {
                AggregateState<S> a = loaded.get(i).aggregate();
                List<E> events = decided.get(i);
                if (events.isEmpty()) {
                    results.add(new CommandResult.Accepted<>(a.stream(), a.state(), events, a.version(), a.position(), attempt));
                    continue;
                }
                AppendResult result = written.results().get(appended++);
                S state = evolveAll(a.state(), events);
                maybeSnapshot(loaded.get(i), state, events.size(), result.lastVersion(), result.position());
                results.add(new CommandResult.Accepted<>(a.stream(), state, events, result.lastVersion(), result.position(), attempt));
            }
            return new MultiCommandResult.Accepted<>(results, written.position(), attempt);
        }
        throw new ConflictRetriesExhaustedException(last.stream(), maxAttempts, last);
    }

    /**
     * Waits (bounded) until the version a conflict reported is readable. A store may refuse an
     * append because of a write that is accepted but not yet readable (still being synced); reloading
     * at once would decide on the same stale state and fail again, in a tight loop that can use up
     * every retry within one fsync.
     */
    private void awaitReadable(WrongExpectedVersionException conflict) {
        long version = conflict.actualVersion();
        if (version < 0) {
            return;
        }
        StreamName stream = conflict.stream();
        try {
            List<RecordedEvent> newest = store.readStream(stream, Long.MAX_VALUE, 1, Direction.BACKWARD).events();
            if (!newest.isEmpty() && newest.get(0).version() >= version) {
                return;
            }
            try (Subscription subscription = store.subscribeToStream(stream, version)) {
                subscription.poll(1, CONFLICT_WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreClosedException("interrupted while waiting for stream '" + stream + "' to catch up");
        } catch (TributaryException e) {
            // Deleted or closed meanwhile: the next attempt reports it properly.
        }
    }

    private void maybeSnapshot(Loaded<S> loaded, S state, int newEvents, long version, long position) {
        if (snapshots.isEmpty()) {
            return;
        }
        long since = loaded.aggregate().replayedEvents() + newEvents;
        if (!snapshotSettings.get().policy().shouldSnapshot(since, loaded.replayTime())) {
            return;
        }
        StreamName stream = loaded.aggregate().stream();
        // The snapshot records its event's timestamp so that loads "as of" a time can use it.
        List<RecordedEvent> lastEvent;
        try {
            lastEvent = store.readStream(stream, version, 1, Direction.BACKWARD).events();
        } catch (TributaryException e) {
            return; // deleted meanwhile: nothing worth snapshotting
        }
        if (lastEvent.isEmpty() || lastEvent.get(0).version() != version) {
            return;
        }
        snapshots.get().write(stream, state, version, position, lastEvent.get(0).timestamp());
    }
}
