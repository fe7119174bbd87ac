package io.tributary.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

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
import io.tributary.core.Subscription;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

/**
 * The base of every group of contract tests: access to the store under test and the helpers the
 * groups share (event factories, awaiting futures, paging through reads, "nothing was written"
 * snapshots).
 */
abstract class ContractSection {
    /** How long a test waits for one future or one expected event before it fails. */
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final AtomicLong SEQUENCE = new AtomicLong();
    private static final int MAX_PAGES = 100_000;

    /** The harness of the enclosing {@link EventStoreContract} instance. */
    abstract StoreHarness harness();

    final EventStore store() {
        return harness().store();
    }

    // ------------------------------------------------------------------ events

    static StreamName stream(String name) {
        return StreamName.of(name);
    }

    /** A fresh event of {@code type} with distinct JSON data and metadata. */
    static EventData event(String type) {
        long n = SEQUENCE.incrementAndGet();
        return new EventData(UUID.randomUUID(), type, ("{\"n\":" + n + "}").getBytes(StandardCharsets.UTF_8),
                ("{\"correlationId\":\"c-" + n + "\"}").getBytes(StandardCharsets.UTF_8));
    }

    static List<EventData> events(int count, String type) {
        List<EventData> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            events.add(event(type));
        }
        return events;
    }

    static EventData sized(String type, int dataBytes, int metadataBytes) {
        byte[] data = new byte[dataBytes];
        for (int i = 0; i < dataBytes; i++) {
            data[i] = (byte) i;
        }
        return new EventData(UUID.randomUUID(), type, data, new byte[metadataBytes]);
    }

    // ------------------------------------------------------------------ writes

    AppendResult append(StreamName stream, ExpectedVersion expected, List<EventData> events) {
        return await(store().append(stream, expected, events));
    }

    AppendResult append(StreamName stream, ExpectedVersion expected, EventData... events) {
        return append(stream, expected, List.of(events));
    }

    /** Appends {@code count} fresh events of type {@code Tested} with {@code any()}. */
    AppendResult appendEvents(StreamName stream, int count) {
        return append(stream, ExpectedVersion.any(), events(count, "Tested"));
    }

    MultiAppendResult appendAll(StreamAppend... parts) {
        return await(store().appendAll(List.of(parts)));
    }

    void setMetadata(StreamName stream, StreamMetadata metadata) {
        await(store().setStreamMetadata(stream, metadata));
    }

    void delete(StreamName stream, boolean hard) {
        await(store().deleteStream(stream, ExpectedVersion.any(), hard));
    }

    /** Waits for {@code future} (at most {@link #TIMEOUT}) and returns its value. */
    static <T> T await(CompletableFuture<T> future) {
        return future.copy().orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
    }

    /**
     * Asserts that {@code future} completes exceptionally with {@code type} (unwrapping
     * {@link CompletionException}) and returns that exception.
     */
    static <X extends Throwable> X assertFailsWith(CompletableFuture<?> future, Class<X> type) {
        Throwable thrown = catchThrowable(() -> future.copy().orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join());
        assertThat(thrown).as("the future should complete exceptionally").isInstanceOf(CompletionException.class);
        Throwable cause = unwrap(thrown);
        assertThat(cause).as("the failure of the future").isInstanceOf(type);
        return type.cast(cause);
    }

    static Throwable unwrap(Throwable thrown) {
        Throwable t = thrown;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    // ------------------------------------------------------------------ reads

    /** Every readable event of {@code stream}, oldest first, following {@code next} page by page. */
    List<RecordedEvent> readStream(StreamName stream) {
        return readStreamPages(stream, 0, Direction.FORWARD, 1_000);
    }

    List<RecordedEvent> readStreamPages(StreamName stream, long from, Direction direction, int pageSize) {
        List<RecordedEvent> out = new ArrayList<>();
        long cursor = from;
        for (int page = 0; page < MAX_PAGES; page++) {
            ReadSlice slice = store().readStream(stream, cursor, pageSize, direction);
            assertThat(slice.events()).as("page size").hasSizeLessThanOrEqualTo(pageSize);
            out.addAll(slice.events());
            if (slice.isEnd()) {
                return out;
            }
            cursor = advance(cursor, slice.next().getAsLong(), direction);
        }
        throw new AssertionError("readStream did not reach the end after " + MAX_PAGES + " pages");
    }

    /** Every event of the global log that matches {@code filter}, in position order. */
    List<RecordedEvent> readAll(ReadFilter filter) {
        return readAllPages(0, Direction.FORWARD, filter, 1_000);
    }

    List<RecordedEvent> readAllPages(long from, Direction direction, ReadFilter filter, int pageSize) {
        List<RecordedEvent> out = new ArrayList<>();
        long cursor = from;
        for (int page = 0; page < MAX_PAGES; page++) {
            ReadSlice slice = store().readAll(cursor, pageSize, direction, filter);
            assertThat(slice.events()).as("page size").hasSizeLessThanOrEqualTo(pageSize);
            out.addAll(slice.events());
            if (slice.isEnd()) {
                return out;
            }
            cursor = advance(cursor, slice.next().getAsLong(), direction);
        }
        throw new AssertionError("readAll did not reach the end after " + MAX_PAGES + " pages");
    }

    /** Checks that a continuation makes progress, so a paging loop cannot spin forever. */
    private static long advance(long cursor, long next, Direction direction) {
        if (direction == Direction.FORWARD) {
            assertThat(next).as("a forward read's next must lie after where it started").isGreaterThan(cursor);
        } else {
            assertThat(next).as("a backward read's next must lie before where it started").isLessThan(cursor);
        }
        return next;
    }

    static List<Long> positions(List<RecordedEvent> events) {
        return events.stream().map(RecordedEvent::position).collect(Collectors.toList());
    }

    static List<Long> versions(List<RecordedEvent> events) {
        return events.stream().map(RecordedEvent::version).collect(Collectors.toList());
    }

    static List<UUID> ids(List<RecordedEvent> events) {
        return events.stream().map(RecordedEvent::eventId).collect(Collectors.toList());
    }

    static List<UUID> idsOf(List<EventData> events) {
        return events.stream().map(EventData::eventId).collect(Collectors.toList());
    }

    /** {@code from, from + 1, ..., to}. */
    static List<Long> range(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().collect(Collectors.toList());
    }

    /** {@code from, from - 1, ..., to}. */
    static List<Long> descending(long from, long to) {
        return LongStream.rangeClosed(to, from).map(v -> from + to - v).boxed().collect(Collectors.toList());
    }

    /** Asserts that {@code recorded} carries exactly what {@code sent} carried. */
    static void assertSameEvent(RecordedEvent recorded, EventData sent) {
        assertThat(recorded.eventId()).as("eventId").isEqualTo(sent.eventId());
        assertThat(recorded.type()).as("type").isEqualTo(sent.type());
        assertThat(recorded.data()).as("data").isEqualTo(sent.data());
        assertThat(recorded.metadata()).as("metadata").isEqualTo(sent.metadata());
    }

    // ------------------------------------------------------------------ "nothing was written"

    /** What a reader can observe of the whole store; equal snapshots mean nothing was written. */
    record StoreSnapshot(long headPosition, List<RecordedEvent> events, List<StreamInfo> streams) {
    }

    StoreSnapshot snapshot() {
        return new StoreSnapshot(store().headPosition(), readAll(ReadFilter.all()),
                store().listStreams(ListStreamsRequest.first(10_000)));
    }

    void assertNothingWrittenSince(StoreSnapshot before) {
        StoreSnapshot now = snapshot();
        assertThat(now.headPosition()).as("headPosition").isEqualTo(before.headPosition());
        assertThat(now).as("the store's contents").isEqualTo(before);
    }

    // ------------------------------------------------------------------ subscriptions

    /**
     * Polls until {@code count} events arrived (or {@link #TIMEOUT} passed) and returns all that
     * arrived, possibly more than {@code count} so callers can assert the exact sequence.
     */
    static List<RecordedEvent> pollUntil(Subscription subscription, int count, int maxPerPoll)
            throws InterruptedException {
        List<RecordedEvent> received = new ArrayList<>();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (received.size() < count && System.nanoTime() < deadline) {
            List<RecordedEvent> batch = subscription.poll(maxPerPoll, Duration.ofMillis(500));
            assertThat(batch).as("a poll returns at most maxEvents").hasSizeLessThanOrEqualTo(maxPerPoll);
            received.addAll(batch);
        }
        return received;
    }

    /** Asserts that the subscription has nothing more to deliver right now. */
    static void assertNothingMore(Subscription subscription) throws InterruptedException {
        assertThat(subscription.poll(100, Duration.ofMillis(200))).as("events after the expected ones").isEmpty();
    }
}
