package io.tributary.streams.internal;

import io.tributary.core.EventStore;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StoreClosedException;
import io.tributary.core.Subscription;
import io.tributary.streams.OutputEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntFunction;

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

    /** One event's records for one partition, with the processor-wide watermarks before and after the event. */
    private record Message(long position, List<Routed> records, long watermarkBeforeMs, long watermarkAfterMs) {
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
    private final Consumer<List<OutputEvent>> appender;
    private final RateMeter rate;
    private final int maxBatch;
    private final Duration pollTimeout;
    private final Object progress = new Object();
    private volatile boolean running = true;
    private volatile Subscription subscription;
    private volatile long dispatched;
    private volatile long watermark;
    private volatile Optional<String> failure = Optional.empty();

    /**
     * Prepares {@code partitions} tasks named {@code name/i} with state from {@code states}.
     *
     * @param appender appends a partition's outputs and returns once they are durable
     */
    public PartitionedRunner(EventStore store, Graph graph, String name, int partitions, IntFunction<StateFactory> states,
                             Consumer<List<OutputEvent>> appender, RateMeter rate, int maxBatch, Duration pollTimeout) {
        this.store = store;
        this.graph = graph;
        this.name = name;
        this.appender = appender;
        this.rate = rate;
        this.maxBatch = maxBatch;
        this.pollTimeout = pollTimeout;
        tasks = new Task[partitions];
        restored = new long[partitions];
        sentUpTo = new long[partitions];
        committed = new long[partitions];
        try {
            for (int i = 0; i < partitions; i++) {
                tasks[i] = Task.partition(name + "/" + i, graph, states.apply(i));
                restored[i] = tasks[i].position();
                committed[i] = restored[i];
                sentUpTo[i] = restored[i];
                queues.add(new ArrayBlockingQueue<>(Math.max(4, QUEUE_MESSAGES / maxBatch)));
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
        router = Task.router(name, graph);
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
            subscription = store.subscribeToAll(from, Ticks.withTicks(graph.subscriptionFilter()));
            List<Graph.Source<?, ?>> sources = graph.sources();
            int n = tasks.length;
            while (running) {
                List<RecordedEvent> batch = subscription.poll(maxBatch, pollTimeout);
                List<List<Message>> chunks = new ArrayList<>(n);
                for (int p = 0; p < n; p++) {
                    chunks.add(new ArrayList<>());
                }
                for (RecordedEvent e : batch) {
                    long before = watermark;
                    long wm = before;
                    boolean tick = Ticks.isTick(e, tickStream);
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
                            chunks.get(p).add(new Message(q, records == null ? List.of() : records, before, wm));
                            sentUpTo[p] = q;
                        }
                    }
                    watermark = wm;
                }
                for (int p = 0; p < n; p++) {
                    if (!chunks.get(p).isEmpty()) {
                        queues.get(p).put(chunks.get(p));
                    }
                }
                rate.record(batch.size());
                long upTo = subscription.nextCursor() - 1;
                synchronized (progress) {
                    dispatched = Math.max(dispatched, upTo);
                    progress.notifyAll();
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
                int messages = first.size();
                for (List<Message> next = queue.peek(); next != null && messages + next.size() <= maxBatch; next = queue.peek()) {
                    batch.add(queue.poll());
                    messages += next.size();
                }
                for (List<Message> chunk : batch) {
                    for (Message m : chunk) {
                        task.processRouted(m.position(), m.records(), m.watermarkBeforeMs(), m.watermarkAfterMs());
                    }
                }
                appender.accept(task.drainOutputs());
                task.commit();
                synchronized (progress) {
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
            long upTo = dispatched;
            for (int p = 0; p < tasks.length; p++) {
                if (committed[p] < sentUpTo[p]) {
                    upTo = Math.min(upTo, committed[p]);
                }
            }
            return upTo;
        }
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
