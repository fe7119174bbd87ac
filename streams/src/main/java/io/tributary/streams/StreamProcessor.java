package io.tributary.streams;

import io.tributary.core.AppendResult;
import io.tributary.core.EventStore;
import io.tributary.core.EventView;
import io.tributary.core.ExpectedVersion;
import io.tributary.core.StoreClosedException;
import io.tributary.core.Subscription;
import io.tributary.streams.internal.PartitionedRunner;
import io.tributary.streams.internal.RateMeter;
import io.tributary.streams.internal.RocksState;
import io.tributary.streams.internal.StateFactory;
import io.tributary.streams.internal.Task;
import io.tributary.streams.internal.Ticks;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link Topology} over an {@link EventStore} on its own thread: subscription → operators
 * → state and sinks, a batch at a time.
 *
 * <p><b>Exactly-once.</b> For each batch the outputs are appended (each with an id derived from
 * the processor name, the input position and its index) and acknowledged, then the state is
 * committed together with the input position and the watermark. After a crash the processor
 * resumes from the committed state and position and recomputes the same outputs with the same
 * ids; the log recognises those already written as repeats and writes nothing. So the output
 * streams are exactly those of an uninterrupted run. With {@link StateBackend#heap()} the
 * "committed state" is empty: a restart replays the log from the start.
 *
 * <p><b>Idle timeout.</b> With {@link ProcessorConfig#withIdleTimeout} the wall clock moves the
 * watermark when the input is quiet — through the log: the processor appends a watermark tick to
 * its stream {@code tributary.ticks-<name>} and acts on it when it reads it back, so the advance is
 * part of the input that a replay reads again.
 *
 * <p>Thread-safe: {@link #status()}, {@link #query} and {@link #awaitPosition} may be called from
 * any thread while it runs.
 */
public final class StreamProcessor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamProcessor.class);

    private final EventStore store;
    private final Topology topology;
    private final ProcessorConfig config;
    private final StateFactory state;
    private final Task task;
    /** Set when the processor runs partitioned; then {@link #state} and {@link #task} are unused placeholders. */
    private final PartitionedRunner partitioned;
    private final RateMeter rate;
    private final Thread thread;
    private final Object progress = new Object();
    private volatile boolean running = true;
    private volatile Subscription subscription;
    private volatile long committed;
    /** Whether the poll being processed held input (not only ticks); the processor's thread only. */
    private boolean inputSeen;
    private volatile ProcessorStatus.State runState = ProcessorStatus.State.RUNNING;
    private volatile Optional<String> lastError = Optional.empty();

    private StreamProcessor(EventStore store, Topology topology, ProcessorConfig config) {
        this.store = store;
        this.topology = topology;
        this.config = config;
        this.rate = new RateMeter(config.clock());
        if (config.partitions() > 1) {
            if (topology.graph().stateAfterRekey()) {
                throw new IllegalStateException("processor '" + config.name() + "' cannot run in " + config.partitions()
                        + " partitions: " + String.join("; ", topology.graph().singlePartitionReasons())
                        + "; run it with one partition");
            }
            this.partitioned = new PartitionedRunner(store, topology.graph(), config.name(), config.partitions(),
                    i -> stateFor(config, Optional.of(i)), this::appendAll, rate, config.maxBatchEvents(), config.pollTimeout(),
                    config.clock(), config.idleTimeout());
            this.state = StateFactory.heap();
            this.task = null;
            this.thread = null;
            return;
        }
        this.partitioned = null;
        this.state = stateFor(config, Optional.empty());
        try {
            this.task = new Task(config.name(), topology.graph(), state);
        } catch (RuntimeException e) {
            state.close();
            throw e;
        }
        this.committed = task.position();
        this.thread = new Thread(this::run, "tributary-streams-" + config.name());
        thread.setDaemon(true);
    }

    private static StateFactory stateFor(ProcessorConfig config, Optional<Integer> partition) {
        if (config.state() instanceof StateBackend.RocksDb r) {
            return new RocksState(partition.map(p -> r.directory().resolve("partition-" + p)).orElse(r.directory()),
                    config.clock(), config.stateFlushInterval(), config.stateFlushCommits());
        }
        return StateFactory.heap();
    }

    /**
     * Starts running {@code topology} over {@code store}, continuing from the committed state.
     *
     * @throws IllegalStateException when a store needs a serde the topology does not give (RocksDB state)
     */
    public static StreamProcessor start(EventStore store, Topology topology, ProcessorConfig config) {
        StreamProcessor p = new StreamProcessor(store, topology, config);
        if (p.partitioned != null) {
            p.partitioned.start("tributary-streams-" + config.name());
        } else {
            p.thread.start();
        }
        return p;
    }

    private void run() {
        try {
            // Ticks are read whatever the idle timeout: a replay must see the ticks of earlier runs.
            subscription = store.subscribeToAll(task.position() + 1, Ticks.withTicks(topology.inputFilter()));
            long idleMs = config.idleTimeout().toMillis();
            long lastInputMs = config.clock().millis();
            long lastTickMs = Long.MIN_VALUE;
            while (running) {
                // The store hands the events as views over its read buffer where it can: the task
                // decodes them in place and keeps none (see EventView), so no RecordedEvent is built
                // per event unless a source asks for one.
                inputSeen = false;
                int count = subscription.pollViews(config.maxBatchEvents(), config.pollTimeout(), this::processOne);
                if (count > 0) {
                    appendOutputs();
                    task.commit();
                    rate.record(count);
                    if (inputSeen) {
                        lastInputMs = config.clock().millis();
                    }
                } else {
                    state.idle();
                    if (idleMs > 0) {
                        long now = config.clock().millis();
                        if (now - lastInputMs >= idleMs && (lastTickMs == Long.MIN_VALUE || now - lastTickMs >= idleMs)
                                && now - idleMs > task.watermark()) {
                            appendTick(now - idleMs);
                            lastTickMs = now;
                        }
                    }
                }
                // The subscription has examined the log up to its cursor: events before it that it
                // skipped (other categories, our own outputs) are processed too, trivially.
                long upTo = Math.max(task.position(), subscription.nextCursor() - 1);
                if (upTo > committed) {
                    synchronized (progress) {
                        committed = upTo;
                        progress.notifyAll();
                    }
                }
            }
        } catch (StoreClosedException e) {
            if (running) {
                fail(e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    /** Processes one event of a poll (on the processor's thread); notes whether it was input rather than a tick. */
    private void processOne(EventView event) {
        if (task.process(event)) {
            inputSeen = true;
        }
    }

    /** Appends a tick; the watermark moves when the subscription reads it back. */
    private void appendTick(long watermarkMs) {
        try {
            store.append(Ticks.streamName(config.name()), ExpectedVersion.any(), List.of(Ticks.tick(config.name(), watermarkMs))).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    private void appendOutputs() {
        appendAll(task.drainOutputs());
    }

    /**
     * Appends outputs (pipelined, each its own idempotent append), waits until all are durable and
     * returns the highest log position they are at (-1 when there were none).
     */
    private long appendAll(List<OutputEvent> outputs) {
        List<CompletableFuture<AppendResult>> pending = new ArrayList<>();
        for (OutputEvent out : outputs) {
            pending.add(store.append(out.stream(), ExpectedVersion.any(), List.of(out.event())));
        }
        long last = -1;
        for (CompletableFuture<AppendResult> f : pending) {
            try {
                last = Math.max(last, f.join().position());
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
        }
        return last;
    }

    private void fail(RuntimeException e) {
        LOG.error("stream processor '{}' failed at position {}", config.name(), task.position(), e);
        lastError = Optional.of(String.valueOf(e));
        runState = ProcessorStatus.State.FAILED;
        synchronized (progress) {
            progress.notifyAll();
        }
    }

    /** The processor's status. */
    public ProcessorStatus status() {
        if (partitioned != null) {
            long wm = partitioned.watermark();
            ProcessorStatus.State st = partitioned.failure().isPresent() ? ProcessorStatus.State.FAILED : runState;
            return new ProcessorStatus(config.name(), st, partitioned.processedUpTo(),
                    wm == Long.MIN_VALUE ? Optional.empty() : Optional.of(Instant.ofEpochMilli(wm)),
                    partitioned.lateEvents(), rate.perSecond(), partitioned.failure());
        }
        long wm = task.watermark();
        return new ProcessorStatus(config.name(), runState, committed,
                wm == Long.MIN_VALUE ? Optional.empty() : Optional.of(Instant.ofEpochMilli(wm)),
                task.lateEvents(), rate.perSecond(), lastError);
    }

    /**
     * Waits until the effects of the log up to {@code position} are committed (state and outputs);
     * positions of events the topology does not read count as processed once the subscription has
     * passed them, so any position of the log (such as {@code headPosition()}) can be awaited.
     *
     * @return false on timeout or when the processor failed
     */
    public boolean awaitPosition(long position, Duration timeout) throws InterruptedException {
        if (partitioned != null) {
            return partitioned.awaitPosition(position, timeout);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (committed < position && runState == ProcessorStatus.State.RUNNING) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                progress.wait(Math.max(1, left / 1_000_000));
            }
            return committed >= position;
        }
    }

    /** The names of the stores that can be queried. */
    public List<String> storeNames() {
        return partitioned != null ? partitioned.storeNames() : task.storeNames();
    }

    /**
     * Reads store {@code storeName} at {@code key} while the processor runs: a table's latest
     * value, or for a windowed store a {@code SortedMap<Window, value>} of the key's open windows.
     * Reflects processed but possibly not yet committed events.
     */
    public Optional<Object> query(String storeName, Object key) {
        return partitioned != null ? partitioned.query(storeName, key) : task.query(storeName, key);
    }

    /** Like {@link #query}, with the key given as its text form (for the HTTP API). */
    public Optional<Object> queryByText(String storeName, String keyText) {
        return partitioned != null ? partitioned.queryByText(storeName, keyText) : task.queryByText(storeName, keyText);
    }

    /** Stops the processor and releases its state; committed state stays on disk. */
    @Override
    public void close() {
        if (partitioned != null) {
            partitioned.close();
            if (runState == ProcessorStatus.State.RUNNING && partitioned.failure().isEmpty()) {
                runState = ProcessorStatus.State.STOPPED;
            }
            return;
        }
        running = false;
        Subscription s = subscription;
        if (s != null) {
            s.close();
        }
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (runState == ProcessorStatus.State.RUNNING) {
            runState = ProcessorStatus.State.STOPPED;
        }
        state.close();
    }
}
