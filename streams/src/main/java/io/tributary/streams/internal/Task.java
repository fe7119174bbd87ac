package io.tributary.streams.internal;

import io.tributary.core.EventData;
import io.tributary.core.EventView;
import io.tributary.core.StreamName;
import io.tributary.streams.OutputEvent;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * One instance of a topology: its operators, their state, the watermark and the outputs not yet
 * appended. Driven by one thread ({@link #process}); {@link #query} may be called from any thread.
 *
 * <p>Processing is deterministic: the same checkpointed state and the same input events give the
 * same outputs with the same ids ({@code name}, input position, index of the output within that
 * input), which is what makes replays after a crash invisible in the output streams.
 *
 * <p>A task runs in one of three roles. A <em>whole</em> task (one-partition processors, the test
 * driver) runs every operator. A partitioned run splits the topology at its boundaries (every
 * stateful operator and sink, see {@link Graph#attachBehindBoundary}): one <em>router</em> task
 * runs the stateless operators between the sources and the boundaries (decoding, filters, maps,
 * re-keys) and collects the records that reach a boundary, with their key at that point; each
 * <em>partition</em> task starts at the boundaries and runs the rest for the keys of its partition.
 */
public final class Task {
    private static final byte[] NO_METADATA = new byte[0];
    private static final VarHandle POSITION;
    private static final VarHandle WATERMARK;

    static {
        try {
            POSITION = MethodHandles.lookup().findVarHandle(Task.class, "position", long.class);
            WATERMARK = MethodHandles.lookup().findVarHandle(Task.class, "watermark", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private enum Role { WHOLE, ROUTER, PARTITION }

    private final String name;
    private final String tickStream;
    private final Role role;
    private final StateFactory state;
    private final Map<Object, Object> instances = new IdentityHashMap<>();
    private final List<WatermarkListener> listeners = new ArrayList<>();
    private final Map<String, Queryable> queryables = new LinkedHashMap<>();
    /** The sources (whole and router tasks), an array: no iterator or bounds-checked list access per event. */
    private final SourceRunner<?, ?>[] sources;
    private final List<OutputEvent> outputs = new ArrayList<>();
    /** Router: the records that reached a boundary since the last {@link #clearRouted()}. */
    private final List<Routed> routed = new ArrayList<>();
    /** Partition: the processor at each boundary. */
    private final List<Processor<Object, Object>> entries = new ArrayList<>();
    private volatile long position;
    private volatile long watermark;
    private volatile long lateEvents;
    private volatile long sourceWatermark;
    private int outputIndex;
    private long sequence;
    private final OutputIds ids;
    /** The stream of the last output and its validated name. */
    private String lastStream;
    private StreamName lastStreamName;

    // Partitions of a run with repartition streams (see Repartition): stage 0 is everything routed from
    // the sources; stage k + 1 is what follows a repartition boundary fed by stage k. Each stage has
    // its own watermark and listeners; the `watermark` field holds the watermark of the stage running.
    private static final long[] NO_LONGS = new long[0];
    private final int partitionIndex;
    private final String repartitionStream;
    private final List<Repartition.Spec> repartitionSpecs;
    private final Graph graph;
    /** By boundary: the stage its entry runs in. */
    private final int[] stageOf;
    /** By stage: whether it feeds a repartition boundary (its partitions then write watermark marks). */
    private final boolean[] feeds;
    private final boolean hasRepartitions;
    /** By stage: the watermark (index 0 mirrors stage 0, the partition's own). */
    private final long[] stageWatermarks;
    /** By stage k >= 1 (at k - 1): the operators told when that stage's watermark moves. */
    private final List<List<WatermarkListener>> stageListeners = new ArrayList<>();
    private int buildingStage;
    private boolean repartitioned;
    /** The cause (see Repartition) of the message being processed. */
    private long cause;
    private long[] upstreamWatermarks = NO_LONGS;

    /** Instantiates {@code graph} with state from {@code state}, restored to its last checkpoint. */
    public Task(String name, Graph graph, StateFactory state) {
        this(name, graph, state, Role.WHOLE, -1);
    }

    @SuppressWarnings("unchecked")
    private Task(String name, Graph graph, StateFactory state, Role role, int partitionIndex) {
        this.name = name;
        this.ids = new OutputIds(name);
        this.tickStream = Ticks.stream(name);
        this.role = role;
        this.state = state;
        this.partitionIndex = partitionIndex;
        this.repartitionStream = Repartition.stream(name);
        this.repartitionSpecs = graph.repartitions();
        this.graph = graph;
        int boundaryCount = repartitionSpecs.size();
        this.stageOf = new int[boundaryCount];
        this.feeds = new boolean[boundaryCount + 1];
        this.hasRepartitions = role == Role.PARTITION && graph.hasRepartitions();
        this.stageWatermarks = new long[boundaryCount + 1];
        Arrays.fill(stageWatermarks, Long.MIN_VALUE);
        for (int k = 0; k < boundaryCount; k++) {
            stageListeners.add(new ArrayList<>());
        }
        Checkpoint c = state.load();
        position = c.position();
        watermark = c.watermarkMs();
        lateEvents = c.lateEvents();
        sourceWatermark = c.sourceWatermarkMs();
        stageWatermarks[0] = c.watermarkMs();
        for (int k = 0; k < c.stageWatermarksMs().length && k < boundaryCount; k++) {
            stageWatermarks[k + 1] = c.stageWatermarksMs()[k];
        }
        upstreamWatermarks = c.upstreamWatermarksMs();
        if (role == Role.PARTITION) {
            // In build order: an operator is built (and registers for the watermark) with everything
            // after it, before the operators after it get their own turn; see onWatermark. A
            // repartition boundary's entry runs one stage after the operators that feed it, which
            // come before it in build order (so its stage is known when the loop reaches it).
            List<Node<?, ?>> boundaries = graph.boundaries();
            for (int b = 0; b < boundaries.size(); b++) {
                buildingStage = stageOf[b];
                entries.add(((Node<Object, Object>) boundaries.get(b)).instantiate(this));
            }
            buildingStage = 0;
        }
        List<SourceRunner<?, ?>> runners = new ArrayList<>();
        if (role != Role.PARTITION) {
            for (Graph.Source<?, ?> s : graph.sources()) {
                runners.add(source(s));
            }
        }
        this.sources = runners.toArray(new SourceRunner<?, ?>[0]);
    }

    /** The router of a partitioned run of {@code graph}: stateless, it holds no state and emits nothing. */
    static Task router(String name, Graph graph) {
        return new Task(name, graph, StateFactory.heap(), Role.ROUTER, -1);
    }

    /** Partition {@code index} of a partitioned run of {@code graph}, with state from {@code state}. */
    static Task partition(String name, Graph graph, StateFactory state, int index) {
        return new Task(name, graph, state, Role.PARTITION, index);
    }

    /**
     * The processor at boundary {@code id}, whose operators start at {@code entry}: the router
     * collects what reaches it; the other roles go straight on.
     */
    <K, V> Processor<K, V> boundary(int id, Node<K, V> entry) {
        if (role == Role.ROUTER) {
            Predicate<Object> toEvery = graph.broadcasts().get(id);
            if (toEvery != null) {
                return (k, v, ts) -> routed.add(new Routed(id, toEvery.test(v) ? Routed.EVERY_PARTITION : k, v, ts));
            }
            return (k, v, ts) -> routed.add(new Routed(id, k, v, ts));
        }
        Repartition.Spec spec = repartitionSpecs.get(id);
        if (role == Role.PARTITION && spec != null) {
            // Out of state, re-keyed: written to this partition's repartition stream with the
            // watermark of the stage that emits it; the dispatcher reads it back (see Repartition).
            int from = buildingStage;
            stageOf[id] = from + 1;
            feeds[from] = true;
            return (k, v, ts) -> {
                emit(repartitionStream, Repartition.RECORD, Repartition.record(id, from, partitionIndex, stageWatermarks[from], ts,
                        cause, spec.keys().serialize(k), spec.values().serialize(v)));
                repartitioned = true;
            };
        }
        return entry.instantiate(this);
    }

    /** Router: the records that reached a boundary since the last {@link #clearRouted()}, in order (a live view). */
    List<Routed> routed() {
        return routed;
    }

    /** Router: forgets the routed records. */
    void clearRouted() {
        routed.clear();
    }

    private <K, V> SourceRunner<K, V> source(Graph.Source<K, V> s) {
        return new SourceRunner<>(s.consumed(), s.node().instantiate(this));
    }

    /** The processor's name. */
    public String name() {
        return name;
    }

    /** The state factory, for operators to create their stores. */
    public StateFactory state() {
        return state;
    }

    /** The object built for {@code key} in this task, built by {@code factory} on first use. */
    @SuppressWarnings("unchecked")
    <T> T instance(Object key, Supplier<T> factory) {
        Object existing = instances.get(key);
        if (existing == null) {
            existing = factory.get();
            instances.put(key, existing);
        }
        return (T) existing;
    }

    /**
     * Registers an operator to be told when the watermark advances. Operators register after their
     * downstream (nodes are built depth first), so they are told in reverse order: upstream first.
     */
    public void onWatermark(WatermarkListener listener) {
        if (buildingStage == 0) {
            listeners.add(listener);
        } else {
            stageListeners.get(buildingStage - 1).add(listener);
        }
    }

    /** Makes a store queryable under {@code storeName}. */
    public void registerQueryable(String storeName, Queryable queryable) {
        queryables.put(storeName, queryable);
    }

    /** The names of the queryable stores. */
    public List<String> storeNames() {
        return List.copyOf(queryables.keySet());
    }

    /** Reads store {@code storeName} at {@code key}; empty when the store or the key is unknown. */
    public Optional<Object> query(String storeName, Object key) {
        Queryable q = queryables.get(storeName);
        return q == null ? Optional.empty() : q.query(key);
    }

    /** Reads store {@code storeName} at the key whose text form is {@code keyText}. */
    public Optional<Object> queryByText(String storeName, String keyText) {
        Queryable q = queryables.get(storeName);
        return q == null ? Optional.empty() : q.queryByText(keyText);
    }

    /**
     * Processes one input event: every matching source, then the watermark. A watermark tick of
     * this task's processor ({@link Ticks}) moves the watermark to the tick's value instead.
     * {@code event} may be a transient view over the log's read buffer: nothing keeps it after this returns.
     *
     * @return false when the event was a tick
     */
    public boolean process(EventView event) {
        // A release store, not a volatile one: readers on other threads (status) need a recent
        // value, not a fence on every event (a volatile store is a full fence on x86).
        POSITION.setRelease(this, event.position());
        outputIndex = 0;
        if (Ticks.isTick(event, tickStream)) {
            advanceWatermark(Ticks.watermarkOf(event));
            return false;
        }
        long candidate = Long.MIN_VALUE;
        for (SourceRunner<?, ?> source : sources) {
            candidate = Math.max(candidate, source.process(event));
        }
        if (candidate > watermark) {
            advanceWatermark(candidate);
        }
        return true;
    }

    /** Router: pushes a record decoded by the dispatcher through the stateless operators of its source. */
    void route(Decoded d) {
        sources[d.source()].push(d);
    }

    /**
     * Partition: processes the records the router sent here from the event at {@code position}.
     * First the watermark moves to {@code watermarkBeforeMs}, the processor-wide watermark before
     * that event (what a whole task has when it processes it, so lateness is decided the same way),
     * then the records enter their boundaries, then the watermark moves to {@code watermarkAfterMs},
     * the processor-wide watermark after the event (kept for the checkpoint too).
     */
    void processRouted(long position, List<Routed> records, long watermarkBeforeMs, long watermarkAfterMs) {
        processRouted(position, position, 0, records, watermarkBeforeMs, watermarkAfterMs, NO_LONGS, NO_LONGS, false);
    }

    /**
     * Partition: as {@link #processRouted(long, List, long, long)} for records of stage {@code stage}
     * (0: from the sources; k: read back from a repartition stream fed by stage k - 1), which first
     * move to {@code stageBeforeMs}, that stage's watermark before the event at {@code position}.
     * Then stage 0 moves to {@code sourceAfterMs} and stage k to {@code higherAfterMs[k - 1]}; with
     * {@code marks}, the partition writes each stage that feeds a repartition stream's watermark
     * there. {@code upstream} is the dispatcher's record of the upstream partitions' watermarks,
     * kept for the checkpoint; {@code cause} the source position that led to this event (itself for a
     * source event), written into what this writes to its repartition stream.
     */
    void processRouted(long position, long cause, int stage, List<Routed> records, long stageBeforeMs, long sourceAfterMs,
                       long[] higherAfterMs, long[] upstream, boolean marks) {
        POSITION.setRelease(this, position);
        this.cause = cause;
        this.sourceWatermark = sourceAfterMs;
        outputIndex = 0;
        WATERMARK.setRelease(this, stageWatermarks[stage]);
        advanceStage(stage, stageBeforeMs);
        for (int i = 0, n = records.size(); i < n; i++) {
            Routed r = records.get(i);
            entries.get(r.boundary()).process(r.key(), r.value(), r.timestampMs());
        }
        advanceStage(0, sourceAfterMs);
        for (int k = 0; k < higherAfterMs.length; k++) {
            advanceStage(k + 1, higherAfterMs[k]);
        }
        WATERMARK.setRelease(this, stageWatermarks[0]);
        if (hasRepartitions) {
            upstreamWatermarks = upstream;
            if (marks) {
                for (int k = 0; k < feeds.length; k++) {
                    if (feeds[k]) {
                        emit(repartitionStream, Repartition.MARK, Repartition.mark(k, partitionIndex, stageWatermarks[k], cause));
                        repartitioned = true;
                    }
                }
            }
        }
    }

    /** Partition: moves stage {@code stage}'s watermark to {@code watermarkMs} (never back) and lets its operators act. */
    private void advanceStage(int stage, long watermarkMs) {
        if (watermarkMs <= stageWatermarks[stage]) {
            return;
        }
        stageWatermarks[stage] = watermarkMs;
        WATERMARK.setRelease(this, watermarkMs);
        List<WatermarkListener> ls = stage == 0 ? listeners : stageListeners.get(stage - 1);
        for (int i = ls.size() - 1; i >= 0; i--) {
            ls.get(i).onWatermark(watermarkMs);
        }
    }

    /** Partition: the watermarks of stages 1.. (at index k - 1) as of the last checkpoint or processed event. */
    long[] stageWatermarks() {
        return Arrays.copyOfRange(stageWatermarks, 1, stageWatermarks.length);
    }

    /** Partition: the upstream partitions' watermarks last handed over by the dispatcher (empty: none). */
    long[] upstreamWatermarks() {
        return upstreamWatermarks;
    }

    /** Partition: whether repartition events were emitted since the last call. */
    boolean takeRepartitioned() {
        boolean r = repartitioned;
        repartitioned = false;
        return r;
    }

    /** The processor-wide watermark at the last processed position (partitioned runs). */
    public long sourceWatermark() {
        return sourceWatermark;
    }

    /** Moves the watermark to {@code watermarkMs} (never back) and lets the operators act on it. */
    public void advanceWatermark(long watermarkMs) {
        if (watermarkMs <= watermark) {
            return;
        }
        // A release store, as for the position: the watermark moves with nearly every event of an
        // in-order input; readers on other threads need a recent value, not a fence per event.
        WATERMARK.setRelease(this, watermarkMs);
        for (int i = listeners.size() - 1; i >= 0; i--) {
            listeners.get(i).onWatermark(watermarkMs);
        }
    }

    /** The current watermark, {@link Long#MIN_VALUE} before the first event. */
    public long watermark() {
        return watermark;
    }

    /** The position of the event being (or last) processed. */
    public long position() {
        return position;
    }

    /** Counts a late event. */
    public void countLate() {
        lateEvents++;
    }

    /** Late events so far. */
    public long lateEvents() {
        return lateEvents;
    }

    /** A number that grows with every call, for deterministic tie-breaking in operators. */
    public long nextSequence() {
        return ++sequence;
    }

    /** Makes later sequence numbers larger than {@code seen} (after restoring state). */
    public void observeSequence(long seen) {
        sequence = Math.max(sequence, seen);
    }

    /** Queues an output event with its deterministic id. */
    public void emit(String stream, String type, byte[] data) {
        int index = outputIndex++;
        UUID id = ids.id(position, index);
        if (!stream.equals(lastStream)) {
            // A sink usually writes to few streams, often one per key: validate a name once per run of it.
            lastStreamName = StreamName.of(stream);
            lastStream = stream;
        }
        outputs.add(new OutputEvent(lastStreamName, new EventData(id, type, data, NO_METADATA), position));
    }

    /** The outputs queued since the last call, in order. */
    public List<OutputEvent> drainOutputs() {
        if (outputs.isEmpty()) {
            return List.of(); // the common case per event: no copy
        }
        List<OutputEvent> out = List.copyOf(outputs);
        outputs.clear();
        return out;
    }

    /** The state of this task's progress, to commit with the stores. */
    public Checkpoint checkpoint() {
        if (hasRepartitions) {
            return new Checkpoint(position, stageWatermarks[0], lateEvents, sourceWatermark, stageWatermarks(), upstreamWatermarks);
        }
        if (role == Role.PARTITION) {
            return new Checkpoint(position, stageWatermarks[0], lateEvents, sourceWatermark);
        }
        return new Checkpoint(position, watermark, lateEvents, sourceWatermark);
    }

    /** Commits the state with the current checkpoint. */
    public void commit() {
        state.commit(checkpoint());
    }
}
