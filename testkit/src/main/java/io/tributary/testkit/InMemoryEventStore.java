package io.tributary.testkit;

import io.tributary.core.AppendResult;
import io.tributary.core.Direction;
import io.tributary.core.DuplicateEventException;
import io.tributary.core.EventData;
import io.tributary.core.EventStore;
import io.tributary.core.ExpectedVersion;
import io.tributary.core.InvalidRequestException;
import io.tributary.core.ListStreamsRequest;
import io.tributary.core.MultiAppendResult;
import io.tributary.core.PayloadTooLargeException;
import io.tributary.core.ReadFilter;
import io.tributary.core.ReadSlice;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StoreClosedException;
import io.tributary.core.StreamAppend;
import io.tributary.core.StreamDeletedException;
import io.tributary.core.StreamInfo;
import io.tributary.core.StreamMetadata;
import io.tributary.core.StreamName;
import io.tributary.core.StreamNotFoundException;
import io.tributary.core.Subscription;
import io.tributary.core.TributaryException;
import io.tributary.core.WrongExpectedVersionException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * A simple in-memory {@link EventStore}: a fake for tests of code that uses a store, and the
 * reference implementation the {@link EventStoreContract} is checked against. It passes the
 * whole contract suite.
 *
 * <p>Every operation takes one lock, so it is correct rather than fast. Nothing is durable: data
 * lives as long as the object, and {@link #reopen()} simulates a restart over the same data.
 * Appends complete before {@code append} returns, so callbacks on the returned futures run on
 * the caller's thread. Events of deleted and truncated streams stay visible in {@code $all}
 * reads (nothing is ever scavenged).
 */
public final class InMemoryEventStore implements EventStore {
    /** The largest {@code maxCount} a read accepts. */
    public static final int MAX_READ_COUNT = 10_000;

    private final InMemoryLog log;
    private final Clock clock;
    private final StoreLimits limits;
    private volatile boolean closed;

    private InMemoryEventStore(InMemoryLog log, Clock clock, StoreLimits limits) {
        this.log = log;
        this.clock = clock;
        this.limits = limits;
    }

    /** An empty store with the system UTC clock and {@link StoreLimits#DEFAULTS}. */
    public static InMemoryEventStore create() {
        return create(Clock.systemUTC(), StoreLimits.DEFAULTS);
    }

    /**
     * An empty store.
     *
     * @param clock  stamps appended events and decides when {@code maxAge} hides them
     * @param limits the event and request size limits to enforce
     */
    public static InMemoryEventStore create(Clock clock, StoreLimits limits) {
        return new InMemoryEventStore(new InMemoryLog(), Objects.requireNonNull(clock, "clock"),
                Objects.requireNonNull(limits, "limits"));
    }

    /**
     * Opens a new store instance over this (closed) store's data, as a durable store would be
     * reopened on its directory: every event, metadata, delete and tombstone is still there.
     *
     * @throws IllegalStateException if this store is still open
     */
    public InMemoryEventStore reopen() {
        if (!closed) {
            throw new IllegalStateException("close the store before reopening it");
        }
        return new InMemoryEventStore(log, clock, limits);
    }

    boolean isClosed() {
        return closed;
    }

    // ------------------------------------------------------------------ appends

    @Override
    public CompletableFuture<AppendResult> append(StreamName stream, ExpectedVersion expected,
                                                  List<EventData> events) {
        // StreamAppend's constructor rejects null and empty input with InvalidRequestException.
        StreamAppend part = new StreamAppend(stream, expected, events);
        validate(List.of(part));
        try {
            return CompletableFuture.completedFuture(write(List.of(part)).results().get(0));
        } catch (TributaryException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<MultiAppendResult> appendAll(List<StreamAppend> appends) {
        if (appends == null || appends.isEmpty()) {
            throw new InvalidRequestException("a multi-stream append must carry at least one stream append");
        }
        Set<StreamName> seen = new HashSet<>();
        for (StreamAppend part : appends) {
            if (part == null) {
                throw new InvalidRequestException("a multi-stream append contains a null stream append");
            }
            if (!seen.add(part.stream())) {
                throw new InvalidRequestException("stream '" + part.stream()
                        + "' appears more than once in one request; put all its events in one StreamAppend");
            }
        }
        List<StreamAppend> parts = List.copyOf(appends);
        validate(parts);
        try {
            return CompletableFuture.completedFuture(write(parts));
        } catch (TributaryException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private void validate(List<StreamAppend> parts) {
        long requestBytes = 0;
        Set<UUID> ids = new HashSet<>();
        for (StreamAppend part : parts) {
            for (EventData event : part.events()) {
                if (event.sizeBytes() > limits.maxEventBytes()) {
                    throw new PayloadTooLargeException("event '" + event.type() + "' (" + event.eventId()
                            + ") in the append to '" + part.stream() + "'", event.sizeBytes(), limits.maxEventBytes());
                }
                if (!ids.add(event.eventId())) {
                    throw new InvalidRequestException("event id " + event.eventId()
                            + " appears more than once in one request; every event needs its own id");
                }
                requestBytes += event.sizeBytes();
            }
        }
        if (requestBytes > limits.maxRequestBytes()) {
            throw new PayloadTooLargeException("the append request", requestBytes, limits.maxRequestBytes());
        }
    }

    /** Writes the request, or returns the original result of a repeat; throws why it cannot. */
    private MultiAppendResult write(List<StreamAppend> parts) {
        log.lock.lock();
        try {
            ensureOpen();
            List<AppendResult> repeats = new ArrayList<>();
            for (StreamAppend part : parts) {
                repeats.add(check(part));
            }
            long repeated = repeats.stream().filter(Objects::nonNull).count();
            if (repeated == parts.size()) {
                long position = repeats.get(0).position();
                if (repeats.stream().allMatch(r -> r.position() == position)) {
                    return new MultiAppendResult(repeats, position);
                }
            }
            if (repeated > 0) {
                StreamAppend part = parts.get(firstNonNull(repeats));
                throw new DuplicateEventException(part.stream(), part.events().get(0).eventId(),
                        "by an earlier request, which this request repeats only in part");
            }
            return record(parts);
        } finally {
            log.lock.unlock();
        }
    }

    private static int firstNonNull(List<AppendResult> results) {
        for (int i = 0; i < results.size(); i++) {
            if (results.get(i) != null) {
                return i;
            }
        }
        throw new IllegalStateException("no repeat");
    }

    /**
     * Checks one stream's part of a request: returns the original result when it repeats an
     * earlier request exactly, {@code null} when it may be written, or throws why it may not.
     */
    private AppendResult check(StreamAppend part) {
        InMemoryLog.StreamState state = log.stream(part.stream());
        if (state != null && state.tombstoned) {
            throw new StreamDeletedException(part.stream());
        }
        AppendResult original = repeatOf(state, part);
        if (original != null) {
            return original;
        }
        if (state != null) {
            for (EventData event : part.events()) {
                Integer version = state.versionById.get(event.eventId());
                if (version != null) {
                    throw new DuplicateEventException(part.stream(), event.eventId(),
                            "at version " + version + " of this stream, and the request is not an exact repeat");
                }
            }
        }
        long current = state == null ? -1 : state.currentVersion();
        if (!satisfies(part.expected(), current)) {
            throw new WrongExpectedVersionException(part.stream(), part.expected(), current);
        }
        return null;
    }

    private static boolean satisfies(ExpectedVersion expected, long current) {
        if (expected instanceof ExpectedVersion.Exact exact) {
            return current == exact.version();
        }
        if (expected instanceof ExpectedVersion.NoStream) {
            return current < 0;
        }
        if (expected instanceof ExpectedVersion.StreamExists) {
            return current >= 0;
        }
        return true;
    }

    /** The original result if {@code part} repeats, one for one, an earlier request at the same place. */
    private static AppendResult repeatOf(InMemoryLog.StreamState state, StreamAppend part) {
        if (state == null) {
            return null;
        }
        long place;
        ExpectedVersion expected = part.expected();
        if (expected instanceof ExpectedVersion.Exact exact) {
            place = exact.version() + 1;
        } else if (expected instanceof ExpectedVersion.NoStream) {
            place = state.liveFrom;
        } else {
            Integer first = state.versionById.get(part.events().get(0).eventId());
            if (first == null) {
                return null;
            }
            place = first;
        }
        if (place < 0 || place > state.lastVersion()) {
            return null;
        }
        AppendResult original = state.results.get(Math.toIntExact(place));
        int count = part.events().size();
        if (original.firstVersion() != place || original.lastVersion() - original.firstVersion() + 1 != count) {
            return null;
        }
        for (int i = 0; i < count; i++) {
            if (!state.event(place + i).eventId().equals(part.events().get(i).eventId())) {
                return null;
            }
        }
        return original;
    }

    private MultiAppendResult record(List<StreamAppend> parts) {
        Instant now = clock.instant();
        long position = log.all.size();
        long lastPosition = position - 1 + parts.stream().mapToLong(p -> p.events().size()).sum();
        List<AppendResult> results = new ArrayList<>();
        for (StreamAppend part : parts) {
            InMemoryLog.StreamState state = log.streamOrCreate(part.stream());
            long first = state.lastVersion() + 1;
            AppendResult result = new AppendResult(part.stream(), first, first + part.events().size() - 1,
                    lastPosition);
            long version = first;
            for (EventData event : part.events()) {
                // Copies, so a caller reusing its arrays cannot change history (a durable store
                // serializes them anyway).
                RecordedEvent recorded = new RecordedEvent(part.stream(), version, position, event.eventId(),
                        event.type(), event.data().clone(), event.metadata().clone(), now);
                state.events.add(recorded);
                state.results.add(result);
                state.versionById.put(event.eventId(), Math.toIntExact(version));
                log.all.add(recorded);
                version++;
                position++;
            }
            results.add(result);
        }
        log.changed.signalAll();
        return new MultiAppendResult(results, lastPosition);
    }

    // ------------------------------------------------------------------ reads

    @Override
    public ReadSlice readStream(StreamName stream, long fromVersion, int maxCount, Direction direction) {
        require(stream != null, "stream must not be null");
        require(fromVersion >= 0, "fromVersion must be >= 0 (use Long.MAX_VALUE to read backward from the end), got "
                + fromVersion);
        validateRead(maxCount, direction);
        log.lock.lock();
        try {
            ensureOpen();
            InMemoryLog.StreamState state = liveStream(stream);
            Instant now = clock.instant();
            List<RecordedEvent> events = new ArrayList<>();
            long first = state.firstVisibleVersion();
            long last = state.lastVersion();
            if (direction == Direction.FORWARD) {
                long v = Math.max(fromVersion, first);
                for (; v <= last && events.size() < maxCount; v++) {
                    if (state.visible(v, now)) {
                        events.add(state.event(v));
                    }
                }
                return new ReadSlice(events, state.anyVisible(v, last, now) ? OptionalLong.of(v) : OptionalLong.empty());
            }
            long v = Math.min(fromVersion, last);
            for (; v >= first && events.size() < maxCount; v--) {
                if (state.visible(v, now)) {
                    events.add(state.event(v));
                }
            }
            return new ReadSlice(events, state.anyVisible(first, v, now) ? OptionalLong.of(v) : OptionalLong.empty());
        } finally {
            log.lock.unlock();
        }
    }

    private InMemoryLog.StreamState liveStream(StreamName stream) {
        InMemoryLog.StreamState state = log.stream(stream);
        if (state != null && state.tombstoned) {
            throw new StreamDeletedException(stream);
        }
        if (state == null || !state.live()) {
            throw new StreamNotFoundException(stream);
        }
        return state;
    }

    @Override
    public ReadSlice readAll(long fromPosition, int maxCount, Direction direction, ReadFilter filter) {
        require(fromPosition >= 0, "fromPosition must be >= 0 (use Long.MAX_VALUE to read backward from the head), got "
                + fromPosition);
        validateRead(maxCount, direction);
        require(filter != null, "filter must not be null (use ReadFilter.all())");
        log.lock.lock();
        try {
            ensureOpen();
            List<RecordedEvent> events = new ArrayList<>();
            long head = log.headPosition();
            if (direction == Direction.FORWARD) {
                long p = fromPosition;
                for (; p <= head && events.size() < maxCount; p++) {
                    addIfMatching(p, filter, events);
                }
                return new ReadSlice(events, anyMatching(p, head, filter) ? OptionalLong.of(p) : OptionalLong.empty());
            }
            long p = Math.min(fromPosition, head);
            for (; p >= 0 && events.size() < maxCount; p--) {
                addIfMatching(p, filter, events);
            }
            return new ReadSlice(events, anyMatching(0, p, filter) ? OptionalLong.of(p) : OptionalLong.empty());
        } finally {
            log.lock.unlock();
        }
    }

    private void addIfMatching(long position, ReadFilter filter, List<RecordedEvent> out) {
        RecordedEvent event = log.all.get(Math.toIntExact(position));
        if (filter.matches(event)) {
            out.add(event);
        }
    }

    private boolean anyMatching(long from, long to, ReadFilter filter) {
        for (long p = Math.max(from, 0); p <= to && p <= log.headPosition(); p++) {
            if (filter.matches(log.all.get(Math.toIntExact(p)))) {
                return true;
            }
        }
        return false;
    }

    private static void validateRead(int maxCount, Direction direction) {
        require(maxCount >= 1 && maxCount <= MAX_READ_COUNT,
                "maxCount must be between 1 and " + MAX_READ_COUNT + ", got " + maxCount);
        require(direction != null, "direction must not be null");
    }

    // ------------------------------------------------------------------ subscriptions

    @Override
    public Subscription subscribeToAll(long fromPosition, ReadFilter filter) {
        require(fromPosition >= 0, "fromPosition must be >= 0 (use headPosition() + 1 for new events only), got "
                + fromPosition);
        require(filter != null, "filter must not be null (use ReadFilter.all())");
        ensureOpen();
        return new InMemorySubscription.ToAll(this, log, fromPosition, filter);
    }

    @Override
    public Subscription subscribeToStream(StreamName stream, long fromVersion) {
        require(stream != null, "stream must not be null");
        require(fromVersion >= 0, "fromVersion must be >= 0, got " + fromVersion);
        ensureOpen();
        return new InMemorySubscription.ToStream(this, log, stream, fromVersion, clock);
    }

    // ------------------------------------------------------------------ stream lifecycle

    @Override
    public StreamMetadata getStreamMetadata(StreamName stream) {
        require(stream != null, "stream must not be null");
        log.lock.lock();
        try {
            ensureOpen();
            InMemoryLog.StreamState state = log.stream(stream);
            if (state != null && state.tombstoned) {
                throw new StreamDeletedException(stream);
            }
            return state == null ? StreamMetadata.none() : state.metadata;
        } finally {
            log.lock.unlock();
        }
    }

    @Override
    public CompletableFuture<Void> setStreamMetadata(StreamName stream, StreamMetadata metadata) {
        require(stream != null, "stream must not be null");
        require(metadata != null, "metadata must not be null (use StreamMetadata.none())");
        log.lock.lock();
        try {
            if (closed) {
                return CompletableFuture.failedFuture(new StoreClosedException("the store was closed"));
            }
            InMemoryLog.StreamState state = log.streamOrCreate(stream);
            if (state.tombstoned) {
                return CompletableFuture.failedFuture(new StreamDeletedException(stream));
            }
            state.metadata = metadata.withCustom(metadata.custom().clone());
            log.changed.signalAll();
            return CompletableFuture.completedFuture(null);
        } finally {
            log.lock.unlock();
        }
    }

    @Override
    public CompletableFuture<Void> deleteStream(StreamName stream, ExpectedVersion expected, boolean hard) {
        require(stream != null, "stream must not be null");
        require(expected != null, "expected version must not be null (use ExpectedVersion.any())");
        log.lock.lock();
        try {
            if (closed) {
                return CompletableFuture.failedFuture(new StoreClosedException("the store was closed"));
            }
            InMemoryLog.StreamState state = log.stream(stream);
            if (state != null && state.tombstoned) {
                return CompletableFuture.failedFuture(new StreamDeletedException(stream));
            }
            long current = state == null ? -1 : state.currentVersion();
            if (!satisfies(expected, current)) {
                return CompletableFuture.failedFuture(new WrongExpectedVersionException(stream, expected, current));
            }
            if (hard) {
                log.streamOrCreate(stream).tombstoned = true;
            } else if (state != null) {
                state.liveFrom = state.lastVersion() + 1;
            }
            log.changed.signalAll();
            return CompletableFuture.completedFuture(null);
        } finally {
            log.lock.unlock();
        }
    }

    @Override
    public Optional<StreamInfo> streamInfo(StreamName stream) {
        require(stream != null, "stream must not be null");
        log.lock.lock();
        try {
            ensureOpen();
            InMemoryLog.StreamState state = log.stream(stream);
            return state == null || !state.live() ? Optional.empty() : Optional.of(info(stream, state));
        } finally {
            log.lock.unlock();
        }
    }

    private static StreamInfo info(StreamName stream, InMemoryLog.StreamState state) {
        return new StreamInfo(stream, state.lastVersion(), state.event(state.lastVersion()).position());
    }

    @Override
    public List<StreamInfo> listStreams(ListStreamsRequest request) {
        require(request != null, "request must not be null");
        log.lock.lock();
        try {
            ensureOpen();
            Map<String, InMemoryLog.StreamState> candidates = request.after().isPresent()
                    ? log.streams.tailMap(request.after().get(), false)
                    : log.streams;
            List<StreamInfo> out = new ArrayList<>();
            for (Map.Entry<String, InMemoryLog.StreamState> entry : candidates.entrySet()) {
                if (out.size() == request.limit()) {
                    break;
                }
                String name = entry.getKey();
                boolean wanted = entry.getValue().live()
                        && name.startsWith(request.prefix())
                        && request.category().map(c -> c.equals(StreamName.categoryOf(name))).orElse(true);
                if (wanted) {
                    out.add(info(StreamName.of(name), entry.getValue()));
                }
            }
            return out;
        } finally {
            log.lock.unlock();
        }
    }

    @Override
    public long headPosition() {
        log.lock.lock();
        try {
            ensureOpen();
            return log.headPosition();
        } finally {
            log.lock.unlock();
        }
    }

    /** Closes this instance; blocked subscription polls throw {@link StoreClosedException}. Idempotent. */
    @Override
    public void close() {
        log.lock.lock();
        try {
            closed = true;
            log.changed.signalAll();
        } finally {
            log.lock.unlock();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new StoreClosedException("the store was closed");
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new InvalidRequestException(message);
        }
    }
}
