package io.tributary.streams.internal;

import io.tributary.core.EventStore;
import io.tributary.core.ExpectedVersion;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StoreClosedException;
import io.tributary.core.StreamMetadata;
import io.tributary.core.StreamName;
import io.tributary.core.Subscription;
import io.tributary.streams.OutputEvent;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.function.ToLongFunction;

/**
 * Runs a topology on several threads, partitioned by key: one dispatcher thread polls the
 * subscription, decodes each event and pushes it through the topology's stateless operators up to
 * its boundaries (stateful operators and sinks, see {@link Graph#attachBehindBoundary}) in a router
 * {@link Task}; each record that reaches a boundary goes to the partition of its key <em>there</em>
 * — the source key, or the new key after {@code selectKey}, {@code map}, {@code flatMap} or
 * {@code groupBy}: this is the repartitioning. Each partition is a {@link Task} with its own state,
 * run by its own thread, which appends its outputs and commits its state with its position. Per-key
 * order is preserved (a key always goes to the same partition, in log order).
 *
 * <p>Determinism (for exactly-once): the router is stateless and runs in log order, so what it
 * sends each partition depends only on the log; the processor-wide watermark is computed by the
 * dispatcher in log order and handed to the partition with each event (the watermark before the
 * event, then the one after it); the other partitions receive it at the first event at or after
 * every multiple of {@value #BROADCAST_EVERY} positions. So each partition sees a sequence of
 * messages that depends only on the log, and after a crash each resumes after its own checkpoint
 * (the dispatcher restarts from the lowest one, with the watermark recorded there, and re-routes
 * from there; messages at or before a partition's checkpoint are not sent again) and recomputes the
 * same outputs with the same ids. No repartitioned record is stored: the log itself is the replayable
 * record of what each partition was sent.
 */
public final class PartitionedRunner {
    /** How often (in log positions) the watermark reaches partitions that receive no event. */
    static final int BROADCAST_EVERY = 256;
    /** About how many messages a partition's queue holds (in chunks of one polled batch each, at least 4 chunks). */
    private static final int QUEUE_MESSAGES = 4_096;

    private static final long[] NO_LONGS = new long[0];

    /**
     * One event's records for one partition: records of {@code stage} (0: from the sources; k: read
     * from a repartition stream), that stage's watermark before the event, the watermarks of every
     * stage after it (stage 0: the processor-wide one), the upstream watermarks the dispatcher holds
     * after it (shared, never modified) and whether the partition writes its watermark marks there.
     */
    private record Message(long position, long cause, int stage, List<Routed> records, long stageBeforeMs, long sourceAfterMs,
                           long[] higherAfterMs, long[] upstream, boolean marks) {
    }

    private final EventStore store;
    /** The processor's name (its tick stream is named after it). */
    private final String name;
    private final Graph graph;
    private final Task[] tasks;
    private final Task router;
    private final long[] restored;
    /** Per partition: chunks of messages, one chunk per polled batch (a hand-over per batch, not per event). */
    private final List<ArrayBlockingQueue<List<Message>>> queues = new ArrayList<>();
    private final long[] sentUpTo;
    private final long[] committed;
    private final List<Thread> threads = new ArrayList<>();
    private final ToLongFunction<List<OutputEvent>> appender;
    /** Repartition streams: their prefix, the boundaries' serdes, whether there are any. */
    private final String repartitionPrefix;
    private final List<Repartition.Spec> repartitionSpecs;
    private final boolean hasRepartitions;
    /** Dispatcher: the watermark of stages 1.. (at k - 1), replaced (never modified) when one moves. */
    private long[] higher;
    /** Dispatcher: per (stage, upstream partition), stage-major, the last watermark read from its repartition stream. */
    private long[] upstream;
    /**
     * Under {@link #progress}, for {@link #processedUpTo()}: per partition, the chunks sent and not yet
     * committed, as {last position, lowest cause}; and the partitions' appends that wrote repartition
     * events not yet known to be processed, as {lowest cause of the batch, highest appended position}.
     */
    private final List<ArrayDeque<long[]>> unacknowledged = new ArrayList<>();
    private final ArrayDeque<long[]> written = new ArrayDeque<>();
    /**
     * Dispatcher: per repartition stream, {position, version} of the last of its events in each
     * polled batch, oldest first; the stream is truncated up to the last version every partition's
     * durable state is past (see {@link #truncateRepartitions}).
     */
    private final Map<String, ArrayDeque<long[]>> repartitionRead = new HashMap<>();
    private final Map<String, Long> truncatedBefore = new ConcurrentHashMap<>();
    private long dispatchedBatches;
    private final RateMeter rate;
    private final int maxBatch;
    private final Duration pollTimeout;
    private final Clock clock;
    private final long idleMs;
    private final Object progress = new Object();
    private volatile boolean running = true;
    private volatile Subscription subscription;
    private volatile long dispatched;
    private volatile long watermark;
    private volatile Optional<String> failure = Optional.empty();

    /**
     * Prepares {@code partitions} tasks named {@code name/i} with state from {@code states}.
     *
     * @param appender appends a partition's outputs, returns once they are durable, with the highest
     *                 log position they are at (-1 when there were none)
     * @param idleTimeout when positive, the dispatcher appends a watermark tick (see {@link Ticks}) once
     *                 the sources have been quiet that long by {@code clock}, as a one-partition run does
     */
    public PartitionedRunner(EventStore store, Graph graph, String name, int partitions, IntFunction<StateFactory> states,
                             ToLongFunction<List<OutputEvent>> appender, RateMeter rate, int maxBatch, Duration pollTimeout,
                             Clock clock, Duration idleTimeout) {
        this.store = store;
        this.graph = graph;
        this.name = name;
        this.appender = appender;
        this.rate = rate;
        this.maxBatch = maxBatch;
        this.pollTimeout = pollTimeout;
        this.clock = clock;
        this.idleMs = idleTimeout.toMillis();
        tasks = new Task[partitions];
        restored = new long[partitions];
        sentUpTo = new long[partitions];
        committed = new long[partitions];
        try {
            for (int i = 0; i < partitions; i++) {
                tasks[i] = Task.partition(name + "/" + i, graph, states.apply(i), i);
                restored[i] = tasks[i].position();
                committed[i] = restored[i];
                sentUpTo[i] = restored[i];
                queues.add(new ArrayBlockingQueue<>(Math.max(4, QUEUE_MESSAGES / maxBatch)));
                unacknowledged.add(new ArrayDeque<>());
            }
        } catch (RuntimeException e) {
            for (Task t : tasks) {
                if (t != null) {
                    t.state().close();
                }
            }
            throw e;
        }
        int lowest = 0;
        for (int i = 1; i < partitions; i++) {
            if (restored[i] < restored[lowest]) {
                lowest = i;
            }
        }
        dispatched = restored[lowest];
        watermark = tasks[lowest].sourceWatermark();
        if (graph.hasRepartitions()) {
            try {
                checkNotTruncatedPast(dispatched);
            } catch (RuntimeException e) {
                for (Task t : tasks) {
                    t.state().close();
                }
                throw e;
            }
        }
        router = Task.router(name, graph);
        repartitionPrefix = Repartition.prefix(name);
        repartitionSpecs = graph.repartitions();
        hasRepartitions = graph.hasRepartitions();
        int stages = repartitionSpecs.size() + 1;
        if (hasRepartitions) {
            // Restart where the lowest partition committed: the stages' and upstream watermarks it
            // recorded there are what the dispatcher had after that event in the earlier run.
            higher = tasks[lowest].stageWatermarks();
            long[] up = tasks[lowest].upstreamWatermarks();
            if (up.length == stages * partitions) {
                upstream = up.clone();
            } else {
                upstream = new long[stages * partitions];
                Arrays.fill(upstream, Long.MIN_VALUE);
            }
        } else {
            higher = NO_LONGS;
            upstream = NO_LONGS;
        }
    }

    /** Starts the threads. */
    public void start(String threadName) {
        for (int i = 0; i < tasks.length; i++) {
            int p = i;
            threads.add(new Thread(() -> work(p), threadName + "-" + i));
        }
        threads.add(new Thread(this::dispatch, threadName + "-dispatcher"));
        for (Thread t : threads) {
            t.setDaemon(true);
            t.start();
        }
    }

    static int partitionOf(Object key, int partitions) {
        int h = key.hashCode() * 0x9E3779B9;
        return Math.floorMod(h ^ (h >>> 16), partitions);
    }

    private void dispatch() {
        try {
            long from = dispatched + 1;
            long nextBroadcast = (Math.floorDiv(dispatched, BROADCAST_EVERY) + 1) * BROADCAST_EVERY;
            // As a one-partition run does, read this processor's watermark ticks (appended by an earlier
            // run with an idle timeout) and move the watermark where they say, for every partition.
            String tickStream = Ticks.stream(name);
            subscription = store.subscribeToAll(from, hasRepartitions
                    ? Repartition.withRepartitions(Ticks.withTicks(graph.subscriptionFilter()))
                    : Ticks.withTicks(graph.subscriptionFilter()));
            List<Graph.Source<?, ?>> sources = graph.sources();
            int n = tasks.length;
            long lastInputMs = clock.millis();
            long lastTickMs = Long.MIN_VALUE;
            while (running) {
                boolean input = false;
                List<RecordedEvent> batch = subscription.poll(maxBatch, pollTimeout);
                List<List<Message>> chunks = new ArrayList<>(n);
                for (int p = 0; p < n; p++) {
                    chunks.add(new ArrayList<>());
                }
                for (RecordedEvent e : batch) {
                    if (hasRepartitions && Repartition.isRepartition(e, repartitionPrefix)) {
                        // Broadcasts fall at the first event at or after each multiple of BROADCAST_EVERY,
                        // whatever its kind (so a restart at any position finds the same ones); the
                        // partitions write their watermark marks only at those of source events, or
                        // the marks would keep causing broadcasts that cause marks.
                        boolean broadcast = e.position() >= nextBroadcast;
                        if (broadcast) {
                            nextBroadcast = (Math.floorDiv(e.position(), BROADCAST_EVERY) + 1) * BROADCAST_EVERY;
                        }
                        dispatchRepartitioned(e, chunks, broadcast);
                        noteRepartitionRead(e);
                        continue;
                    }
                    long before = watermark;
                    long wm = before;
                    boolean tick = Ticks.isTick(e, tickStream);
                    input |= !tick;
                    if (tick) {
                        wm = Math.max(wm, Ticks.watermarkOf(e));
                    }
                    for (int s = 0; s < sources.size() && !tick; s++) {
                        Decoded d = SourceRunner.decode(sources.get(s).consumed(), s, e);
                        if (d != null) {
                            router.route(d);
                            wm = Math.max(wm, d.watermarkCandidate());
                        }
                    }
                    List<Routed> routed = router.routed();
                    List<List<Routed>> perPartition = null;
                    if (!routed.isEmpty()) {
                        perPartition = new ArrayList<>(n);
                        for (int i = 0; i < n; i++) {
                            perPartition.add(null);
                        }
                        for (int i = 0, m = routed.size(); i < m; i++) {
                            Routed r = routed.get(i);
                            if (r.key() == Routed.EVERY_PARTITION) {
                                for (int p = 0; p < n; p++) {
                                    if (perPartition.get(p) == null) {
                                        perPartition.set(p, new ArrayList<>(1));
                                    }
                                    perPartition.get(p).add(r);
                                }
                                continue;
                            }
                            int p = partitionOf(r.key(), n);
                            if (perPartition.get(p) == null) {
                                perPartition.set(p, new ArrayList<>(1));
                            }
                            perPartition.get(p).add(r);
                        }
                        router.clearRouted();
                    }
                    long q = e.position();
                    boolean broadcast = q >= nextBroadcast || (tick && wm > before);
                    if (broadcast) {
                        nextBroadcast = (Math.floorDiv(q, BROADCAST_EVERY) + 1) * BROADCAST_EVERY;
                    }
                    for (int p = 0; p < n; p++) {
                        List<Routed> records = perPartition == null ? null : perPartition.get(p);
                        if ((records != null || broadcast) && q > restored[p]) {
                            chunks.get(p).add(new Message(q, q, 0, records == null ? List.of() : records, before, wm, higher, upstream,
                                    broadcast && hasRepartitions));
                            sentUpTo[p] = q;
                        }
                    }
                    watermark = wm;
                }
                for (int p = 0; p < n; p++) {
                    List<Message> chunk = chunks.get(p);
                    if (!chunk.isEmpty()) {
                        if (hasRepartitions) {
                            long lowest = Long.MAX_VALUE;
                            for (Message m : chunk) {
                                lowest = Math.min(lowest, m.cause());
                            }
                            synchronized (progress) {
                                unacknowledged.get(p).add(new long[] {chunk.get(chunk.size() - 1).position(), lowest});
                            }
                        }
                        queues.get(p).put(chunk);
                    }
                }
                rate.record(batch.size());
                if (idleMs > 0) {
                    // As a one-partition run: the tick moves the watermark when read back from the log
                    // (then every partition gets it, and the stages after repartitions through the marks).
                    long now = clock.millis();
                    if (input) {
                        lastInputMs = now;
                    } else if (now - lastInputMs >= idleMs && (lastTickMs == Long.MIN_VALUE || now - lastTickMs >= idleMs)
                            && now - idleMs > watermark) {
                        store.append(Ticks.streamName(name), ExpectedVersion.any(), List.of(Ticks.tick(name, now - idleMs))).join();
                        lastTickMs = now;
                    }
                }
                long upTo = subscription.nextCursor() - 1;
                synchronized (progress) {
                    dispatched = Math.max(dispatched, upTo);
                    progress.notifyAll();
                }
                dispatchedBatches++;
                if (hasRepartitions) {
                    truncateRepartitions();
                }
            }
        } catch (StoreClosedException e) {
            if (running) {
                fail("dispatcher", e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            fail("dispatcher", e);
        }
    }

    private void work(int p) {
        Task task = tasks[p];
        ArrayBlockingQueue<List<Message>> queue = queues.get(p);
        List<List<Message>> batch = new ArrayList<>();
        try {
            while (running) {
                List<Message> first = queue.poll(pollTimeout.toMillis(), TimeUnit.MILLISECONDS);
                if (first == null) {
                    task.state().idle();
                    continue;
                }
                batch.clear();
                batch.add(first);
                long lowestCause = Long.MAX_VALUE;
                int messages = first.size();
                for (List<Message> next = queue.peek(); next != null && messages + next.size() <= maxBatch; next = queue.peek()) {
                    batch.add(queue.poll());
                    messages += next.size();
                }
                for (List<Message> chunk : batch) {
                    for (Message m : chunk) {
                        task.processRouted(m.position(), m.cause(), m.stage(), m.records(), m.stageBeforeMs(), m.sourceAfterMs(),
                                m.higherAfterMs(), m.upstream(), m.marks());
                        lowestCause = Math.min(lowestCause, m.cause());
                    }
                }
                long appended = appender.applyAsLong(task.drainOutputs());
                boolean repartitioned = task.takeRepartitioned();
                task.commit();
                synchronized (progress) {
                    if (repartitioned) {
                        written.add(new long[] {lowestCause, appended});
                    }
                    if (!written.isEmpty()) {
                        long bound = positionBound();
                        written.removeIf(w -> w[1] <= bound); // processed: bounded by what is in flight
                    }
                    ArrayDeque<long[]> sent = unacknowledged.get(p);
                    while (!sent.isEmpty() && sent.peek()[0] <= task.position()) {
                        sent.poll();
                    }
                    committed[p] = task.position();
                    progress.notifyAll();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            fail("partition " + p, e);
        }
    }

    /**
     * Dispatches an event of this processor's repartition streams: notes the upstream partition's
     * watermark for its stage, moves the next stage's watermark to the lowest of its upstream
     * partitions' (as Flink's min over input channels), and sends a record to the partition of its
     * key, or the moved watermark to every partition. All of it depends on the log alone.
     */
    private void dispatchRepartitioned(RecordedEvent e, List<List<Message>> chunks, boolean broadcast) {
        int n = tasks.length;
        Repartition.Read r = Repartition.read(e, repartitionSpecs, n);
        int from = r.fromStage();
        int stage = from + 1;
        long stageBefore = higher[stage - 1];
        int slot = from * n + r.partition();
        if (r.watermarkMs() > upstream[slot]) {
            long[] up = upstream.clone();
            up[slot] = r.watermarkMs();
            upstream = up;
            long min = Long.MAX_VALUE;
            for (int p = 0; p < n; p++) {
                min = Math.min(min, up[from * n + p]);
            }
            if (min > stageBefore) {
                long[] h = higher.clone();
                h[stage - 1] = min;
                higher = h;
            }
        }
        long q = e.position();
        boolean moved = higher[stage - 1] > stageBefore || broadcast;
        int target = r.isMark() ? -1 : partitionOf(r.key(), n);
        for (int p = 0; p < n; p++) {
            if ((p == target || moved) && q > restored[p]) {
                List<Routed> records = p == target ? List.of(new Routed(r.boundary(), r.key(), r.value(), r.timestampMs())) : List.of();
                chunks.get(p).add(new Message(q, r.cause(), stage, records, stageBefore, watermark, higher, upstream, false));
                sentUpTo[p] = q;
            }
        }
    }

    /** Dispatcher: remembers where the batch's last event of a repartition stream is. */
    private void noteRepartitionRead(RecordedEvent e) {
        ArrayDeque<long[]> read = repartitionRead.computeIfAbsent(e.stream().value(), k -> new ArrayDeque<>());
        long[] last = read.peekLast();
        if (last != null && last[2] == dispatchedBatches) {
            last[0] = e.position();
            last[1] = e.version();
        } else {
            read.add(new long[] {e.position(), e.version(), dispatchedBatches});
        }
    }

    /**
     * Dispatcher: truncates each repartition stream before the first event a restart could read
     * again (else they would grow with every re-keyed record for as long as the processor runs). A restart dispatches from the lowest checkpoint of the partitions, so an event at or
     * before every partition's {@link StateFactory#durablePosition durable position} is never read
     * again; its stream gets {@code truncateBefore} past it (a scavenge then reclaims the space).
     * State that is not durable replays the log from the start: nothing is truncated.
     */
    private void truncateRepartitions() {
        long bound = Long.MAX_VALUE;
        for (Task t : tasks) {
            bound = Math.min(bound, t.state().durablePosition());
        }
        if (bound < 0) {
            return;
        }
        for (Map.Entry<String, ArrayDeque<long[]>> entry : repartitionRead.entrySet()) {
            ArrayDeque<long[]> read = entry.getValue();
            long version = -1;
            long position = -1;
            while (!read.isEmpty() && read.peekFirst()[0] <= bound) {
                long[] r = read.pollFirst();
                position = r[0];
                version = r[1];
            }
            String stream = entry.getKey();
            long before = version + 1;
            if (version >= 0 && before > truncatedBefore.getOrDefault(stream, 0L)) {
                truncatedBefore.put(stream, before);
                // The custom bytes keep the position of the last truncated event: a run whose state is
                // behind it could not read what it needs (see checkNotTruncatedPast).
                StreamMetadata m = StreamMetadata.none().withTruncateBefore(before)
                        .withCustom(ByteBuffer.allocate(8).putLong(position).array());
                store.setStreamMetadata(StreamName.of(stream), m).whenComplete((ok, error) -> {
                    if (error != null) {
                        truncatedBefore.remove(stream, before); // a later truncation covers it
                    }
                });
            }
        }
    }

    /**
     * Refuses to start when a repartition stream was truncated past where a partition's state
     * resumes (its state directory was lost or replaced by an older copy, or the processor now runs
     * on heap state): the re-keyed records it would read again are gone, and writing them anew
     * would give its later outputs other ids.
     */
    private void checkNotTruncatedPast(long resume) {
        for (int i = 0; i < tasks.length; i++) {
            StreamName stream = StreamName.of(Repartition.stream(name + "/" + i));
            StreamMetadata m = store.getStreamMetadata(stream);
            if (m.truncateBefore().isEmpty() || m.custom().length != 8) {
                continue;
            }
            long truncatedAt = ByteBuffer.wrap(m.custom()).getLong();
            if (resume < truncatedAt) {
                throw new IllegalStateException("processor '" + name + "' cannot resume at log position " + resume
                        + ": its repartition stream " + stream + " was truncated up to position " + truncatedAt
                        + " by an earlier run whose partitions' state was past it, so this state is older than"
                        + " that run's (state directory lost, replaced, or heap state now); restore that state,"
                        + " or give the processor a new name to start over from the beginning of the log");
            }
        }
    }

    private void fail(String where, RuntimeException e) {
        failure = Optional.of(where + ": " + e);
        running = false;
        synchronized (progress) {
            progress.notifyAll();
        }
    }

    /** Why the run stopped, if it failed. */
    public Optional<String> failure() {
        return failure;
    }

    /** The position up to which every partition has processed and committed (see the class comment). */
    public long processedUpTo() {
        synchronized (progress) {
            long upTo = positionBound();
            if (!hasRepartitions) {
                return upTo;
            }
            // Every event at or before upTo is processed and committed. What a position caused may
            // also be in repartition events (further on in the log) and in the messages they became:
            // a position counts as processed once no such message is pending and no such event is
            // written but not yet processed. Chains of repartitions keep the original cause.
            long caused = upTo;
            for (ArrayDeque<long[]> sent : unacknowledged) {
                for (long[] chunk : sent) {
                    caused = Math.min(caused, chunk[1] - 1);
                }
            }
            written.removeIf(w -> w[1] <= upTo);
            for (long[] w : written) {
                caused = Math.min(caused, w[0] - 1);
            }
            return caused;
        }
    }

    /** Under {@link #progress}: the position up to which every event is dispatched and committed by the partitions sent it. */
    private long positionBound() {
        long upTo = dispatched;
        for (int p = 0; p < tasks.length; p++) {
            if (committed[p] < sentUpTo[p]) {
                upTo = Math.min(upTo, committed[p]);
            }
        }
        return upTo;
    }

    /** Waits until {@link #processedUpTo()} reaches {@code position}; false on timeout or failure. */
    public boolean awaitPosition(long position, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (processedUpTo() < position && failure.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                progress.wait(Math.max(1, left / 1_000_000));
            }
            return processedUpTo() >= position;
        }
    }

    /** The processor-wide watermark. */
    public long watermark() {
        return watermark;
    }

    /** Late events of all partitions. */
    public long lateEvents() {
        long sum = 0;
        for (Task t : tasks) {
            sum += t.lateEvents();
        }
        return sum;
    }

    /** Reads a store in the partition of {@code key}. */
    public Optional<Object> query(String store, Object key) {
        return tasks[partitionOf(key, tasks.length)].query(store, key);
    }

    /** Reads a store by the key's text, in every partition. */
    public Optional<Object> queryByText(String store, String keyText) {
        for (Task t : tasks) {
            Optional<Object> v = t.queryByText(store, keyText);
            if (v.isPresent()) {
                return v;
            }
        }
        return Optional.empty();
    }

    /** The queryable stores. */
    public List<String> storeNames() {
        return tasks[0].storeNames();
    }

    /** Stops the threads and closes the partitions' state. */
    public void close() {
        running = false;
        Subscription s = subscription;
        if (s != null) {
            s.close();
        }
        for (Thread t : threads) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (Task t : tasks) {
            t.state().close();
        }
    }
}
