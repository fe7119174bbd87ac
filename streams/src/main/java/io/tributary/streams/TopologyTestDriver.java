package io.tributary.streams;

import io.tributary.core.EventView;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StreamName;
import io.tributary.streams.internal.RocksState;
import io.tributary.streams.internal.StateFactory;
import io.tributary.streams.internal.Task;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Runs a topology on events given by the test, synchronously, with heap state and no store on
 * disk: each {@link #pipe} processes one event through every operator at once; time moves only
 * with the events' timestamps and {@link #advanceWatermark}. Outputs are what the sinks would
 * append, with the same ids a {@link StreamProcessor} of the same name would give them.
 *
 * <pre>{@code
 * try (TopologyTestDriver driver = new TopologyTestDriver(topology)) {
 *     driver.pipe("click-alice", "Clicked", "{}", Instant.parse("2026-01-01T00:00:10Z"));
 *     driver.advanceWatermark(Instant.parse("2026-01-01T00:01:00Z"));
 *     assertThat(driver.readOutputs()).hasSize(1);
 * }
 * }</pre>
 *
 * <p>Not thread-safe.
 */
public final class TopologyTestDriver implements AutoCloseable {
    private final Task task;
    private final List<OutputEvent> all = new ArrayList<>();
    private final Map<String, Long> versions = new HashMap<>();
    private long nextPosition;
    private int unread;
    private final int commitEvery;
    private int sinceCommit;

    /** A driver for {@code topology}, as a processor named {@code test}. */
    public TopologyTestDriver(Topology topology) {
        this(topology, "test");
    }

    /** A driver for {@code topology}, as a processor named {@code name} (which the output ids depend on). */
    public TopologyTestDriver(Topology topology, String name) {
        this.task = new Task(name, topology.graph(), StateFactory.heap());
        this.commitEvery = Integer.MAX_VALUE;
    }

    /**
     * A driver with state in {@code backend}, to test serdes or measure RocksDB state: the state is
     * committed every {@code commitEvery} events, as a {@link StreamProcessor} commits per batch.
     * With RocksDB state the directory must be new or hold the state of the same topology.
     */
    public TopologyTestDriver(Topology topology, String name, StateBackend backend, int commitEvery) {
        if (commitEvery < 1) {
            throw new IllegalArgumentException("commitEvery must be positive");
        }
        this.task = new Task(name, topology.graph(),
                backend instanceof StateBackend.RocksDb r ? new RocksState(r.directory()) : StateFactory.heap());
        this.commitEvery = commitEvery;
    }

    /** Processes an event of {@code type} with UTF-8 {@code data} appended to {@code stream} at {@code timestamp}. */
    public RecordedEvent pipe(String stream, String type, String data, Instant timestamp) {
        return pipe(stream, type, data.getBytes(StandardCharsets.UTF_8), timestamp);
    }

    /** Processes an event with the next position and version, as the log would record it. */
    public RecordedEvent pipe(String stream, String type, byte[] data, Instant timestamp) {
        long version = versions.merge(stream, 1L, Long::sum) - 1;
        RecordedEvent e = new RecordedEvent(StreamName.of(stream), version, nextPosition, UUID.randomUUID(), type, data,
                new byte[0], timestamp);
        pipe(e);
        return e;
    }

    /**
     * Processes a recorded event.
     *
     * @throws IllegalArgumentException when its position is not after the last one
     */
    public void pipe(RecordedEvent event) {
        if (event.position() < nextPosition) {
            throw new IllegalArgumentException("positions must increase: got " + event.position() + " after " + (nextPosition - 1));
        }
        processOne(event);
        collectOutputs();
    }

    /**
     * Processes recorded events in order, as a {@link StreamProcessor} processes a batch its
     * subscription read: each event goes through every operator in turn; the outputs are
     * collected once, after the batch (in the same order and with the same ids as event by event).
     *
     * @throws IllegalArgumentException when the positions do not increase; then no event of the batch is processed
     */
    public void pipe(List<RecordedEvent> events) {
        long previous = nextPosition - 1;
        for (int i = 0, n = events.size(); i < n; i++) {
            long position = events.get(i).position();
            if (position <= previous) {
                throw new IllegalArgumentException("positions must increase: got " + position + " after " + previous
                        + " (event " + i + " of the batch)");
            }
            previous = position;
        }
        for (int i = 0, n = events.size(); i < n; i++) {
            processOne(events.get(i));
        }
        collectOutputs();
    }

    /**
     * Processes one event handed as a view, as a {@link StreamProcessor} processes what its
     * subscription's {@code pollViews} hands it: {@code event} may be a transient view, valid only
     * during this call (nothing keeps it).
     *
     * @throws IllegalArgumentException when its position is not after the last one
     */
    public void pipe(EventView event) {
        if (event.position() < nextPosition) {
            throw new IllegalArgumentException("positions must increase: got " + event.position() + " after " + (nextPosition - 1));
        }
        processOne(event);
        collectOutputs();
    }

    private void processOne(EventView event) {
        nextPosition = event.position() + 1;
        task.process(event);
        if (++sinceCommit >= commitEvery) {
            collectOutputs(); // what the commit covers has been collected
            task.commit();
            sinceCommit = 0;
        }
    }

    private void collectOutputs() {
        List<OutputEvent> out = task.drainOutputs();
        if (!out.isEmpty()) {
            all.addAll(out);
        }
    }

    /** Moves the watermark forward to {@code watermark}, closing the windows that end by then (minus their grace). */
    public void advanceWatermark(Instant watermark) {
        task.advanceWatermark(watermark.toEpochMilli());
        all.addAll(task.drainOutputs());
    }

    /** Forgets the outputs collected so far (for long runs that only count them). */
    public void clearOutputs() {
        all.clear();
        unread = 0;
    }

    /** Every output so far, in order. */
    public List<OutputEvent> outputs() {
        return List.copyOf(all);
    }

    /** The outputs appended to {@code stream}, in order. */
    public List<OutputEvent> outputs(String stream) {
        return all.stream().filter(o -> o.stream().value().equals(stream)).toList();
    }

    /** The outputs since the last call. */
    public List<OutputEvent> readOutputs() {
        List<OutputEvent> out = List.copyOf(all.subList(unread, all.size()));
        unread = all.size();
        return out;
    }

    /** Reads a store; see {@link StreamProcessor#query}. */
    public Optional<Object> query(String storeName, Object key) {
        return task.query(storeName, key);
    }

    /** Reads a store by the text form of the key; see {@link StreamProcessor#queryByText}. */
    public Optional<Object> queryByText(String storeName, String keyText) {
        return task.queryByText(storeName, keyText);
    }

    /** The names of the queryable stores. */
    public List<String> storeNames() {
        return task.storeNames();
    }

    /** Late events counted so far. */
    public long lateEvents() {
        return task.lateEvents();
    }

    /** The watermark, empty before the first event. */
    public Optional<Instant> watermark() {
        long wm = task.watermark();
        return wm == Long.MIN_VALUE ? Optional.empty() : Optional.of(Instant.ofEpochMilli(wm));
    }

    @Override
    public void close() {
        task.state().close();
    }
}
