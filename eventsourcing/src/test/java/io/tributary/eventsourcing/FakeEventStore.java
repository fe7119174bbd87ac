package io.tributary.eventsourcing;

import io.tributary.core.AppendResult;
import io.tributary.core.Direction;
import io.tributary.core.EventData;
import io.tributary.core.EventStore;
import io.tributary.core.ExpectedVersion;
import io.tributary.core.ListStreamsRequest;
import io.tributary.core.MultiAppendResult;
import io.tributary.core.ReadFilter;
import io.tributary.core.ReadSlice;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StreamAppend;
import io.tributary.core.StreamInfo;
import io.tributary.core.StreamMetadata;
import io.tributary.core.StreamName;
import io.tributary.core.StreamNotFoundException;
import io.tributary.core.Subscription;
import io.tributary.core.WrongExpectedVersionException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A small in-memory store for this module's unit tests: appends with version checks, atomic
 * multi-stream appends, paged stream reads and {@code maxCount}. (The full fake lives in
 * testkit, which depends on this module, so it cannot be used here; the repository also runs
 * against the embedded store in the examples module's tests.)
 */
final class FakeEventStore implements EventStore {
    private final Clock clock;
    private final Map<StreamName, List<RecordedEvent>> streams = new HashMap<>();
    private final Map<StreamName, StreamMetadata> metadata = new HashMap<>();
    private long nextPosition;
    private int appendRequests;
    /** Runs before each append request is checked: lets a test slip in a "concurrent" write. */
    private Consumer<StreamName> beforeAppend = s -> { };

    FakeEventStore(Clock clock) {
        this.clock = clock;
    }

    FakeEventStore() {
        this(Clock.systemUTC());
    }

    synchronized void beforeAppend(Consumer<StreamName> hook) {
        this.beforeAppend = hook;
    }

    synchronized int appendRequests() {
        return appendRequests;
    }

    @Override
    public CompletableFuture<AppendResult> append(StreamName stream, ExpectedVersion expected, List<EventData> events) {
        return appendAll(List.of(new StreamAppend(stream, expected, events))).thenApply(r -> r.results().get(0));
    }

    @Override
    public CompletableFuture<MultiAppendResult> appendAll(List<StreamAppend> appends) {
        Consumer<StreamName> hook;
        synchronized (this) {
            hook = beforeAppend;
            beforeAppend = s -> { };
        }
        hook.accept(appends.get(0).stream());
        synchronized (this) {
            appendRequests++;
            for (StreamAppend a : appends) {
                long actual = lastVersion(a.stream());
                boolean ok = a.expected() instanceof ExpectedVersion.Exact e ? e.version() == actual
                        : a.expected() == ExpectedVersion.any()
                        || (a.expected() == ExpectedVersion.noStream() && actual < 0)
                        || (a.expected() == ExpectedVersion.streamExists() && actual >= 0);
                if (!ok) {
                    return CompletableFuture.failedFuture(new WrongExpectedVersionException(a.stream(), a.expected(), actual));
                }
            }
            List<AppendResult> results = new ArrayList<>();
            long first = nextPosition;
            long last = first + appends.stream().mapToLong(a -> a.events().size()).sum() - 1;
            for (StreamAppend a : appends) {
                List<RecordedEvent> list = streams.computeIfAbsent(a.stream(), k -> new ArrayList<>());
                long firstVersion = list.size();
                for (EventData e : a.events()) {
                    list.add(new RecordedEvent(a.stream(), list.size(), nextPosition++, e.eventId(), e.type(),
                            e.data(), e.metadata(), clock.instant()));
                }
                results.add(new AppendResult(a.stream(), firstVersion, list.size() - 1, last));
            }
            return CompletableFuture.completedFuture(new MultiAppendResult(results, last));
        }
    }

    private long lastVersion(StreamName stream) {
        List<RecordedEvent> list = streams.get(stream);
        return list == null ? -1 : list.size() - 1;
    }

    @Override
    public synchronized ReadSlice readStream(StreamName stream, long fromVersion, int maxCount, Direction direction) {
        List<RecordedEvent> list = streams.get(stream);
        if (list == null) {
            throw new StreamNotFoundException(stream);
        }
        long oldest = 0;
        StreamMetadata meta = metadata.get(stream);
        if (meta != null && meta.maxCount().isPresent()) {
            oldest = Math.max(0, list.size() - meta.maxCount().getAsLong());
        }
        List<RecordedEvent> out = new ArrayList<>();
        if (direction == Direction.FORWARD) {
            long v = Math.max(fromVersion, oldest);
            for (; v < list.size() && out.size() < maxCount; v++) {
                out.add(list.get((int) v));
            }
            return new ReadSlice(out, v < list.size() ? OptionalLong.of(v) : OptionalLong.empty());
        }
        long v = Math.min(fromVersion, list.size() - 1);
        for (; v >= oldest && out.size() < maxCount; v--) {
            out.add(list.get((int) v));
        }
        return new ReadSlice(out, v >= oldest ? OptionalLong.of(v) : OptionalLong.empty());
    }

    @Override
    public ReadSlice readAll(long fromPosition, int maxCount, Direction direction, ReadFilter filter) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Subscription subscribeToAll(long fromPosition, ReadFilter filter) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Subscription subscribeToStream(StreamName stream, long fromVersion) {
        throw new UnsupportedOperationException();
    }

    @Override
    public synchronized StreamMetadata getStreamMetadata(StreamName stream) {
        return metadata.getOrDefault(stream, StreamMetadata.none());
    }

    @Override
    public synchronized CompletableFuture<Void> setStreamMetadata(StreamName stream, StreamMetadata value) {
        metadata.put(stream, value);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> deleteStream(StreamName stream, ExpectedVersion expected, boolean hard) {
        throw new UnsupportedOperationException();
    }

    @Override
    public synchronized Optional<StreamInfo> streamInfo(StreamName stream) {
        List<RecordedEvent> list = streams.get(stream);
        return list == null ? Optional.empty()
                : Optional.of(new StreamInfo(stream, list.size() - 1, list.get(list.size() - 1).position()));
    }

    @Override
    public List<StreamInfo> listStreams(ListStreamsRequest request) {
        throw new UnsupportedOperationException();
    }

    @Override
    public synchronized long headPosition() {
        return nextPosition - 1;
    }

    @Override
    public void close() {
    }
}
