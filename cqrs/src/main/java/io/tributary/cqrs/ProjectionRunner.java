package io.tributary.cqrs;

import io.tributary.core.EventStore;
import io.tributary.core.StoreClosedException;
import io.tributary.cqrs.internal.ProjectionWorker;
import io.tributary.cqrs.internal.SlotDiff;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Runs a {@link Projection} on its own thread: subscribes to the log from the projection's
 * checkpoint (catch-up, then live), applies events in batches and commits each batch together
 * with its checkpoint in one read-model transaction. A crash at any point therefore neither
 * skips nor repeats an event's effect: a restarted runner resumes right after the checkpoint.
 *
 * <p>Read-your-writes: {@link #awaitPosition} waits until the projection has processed a
 * position — the consistency token of a command — and {@link #query} runs a query after that.
 * Rebuilds: {@link #reset()} (clear and replay in place) and {@link #rebuildInShadow} (replay
 * into a new slot beside the live one, then swap atomically, with a {@link RebuildReport}).
 *
 * <p>Thread-safe. One runner per projection and read-model store: a second {@code start} in
 * this JVM is refused; across processes the PostgreSQL store holds an advisory lock per slot
 * (a second process's runner stops with an error saying so) and a RocksDB store's directory is
 * locked by the process that opened it.
 */
public final class ProjectionRunner<W> implements AutoCloseable {
    private final EventStore store;
    private final ReadModelStore<W> readModels;
    private final ProjectionOptions options;
    private final ReentrantLock progressLock = new ReentrantLock();
    private final Condition progress = progressLock.newCondition();
    private final Object admin = new Object();
    private volatile ProjectionWorker<W> worker;
    private volatile Thread thread;
    private volatile boolean stopping;
    private volatile boolean rebuilding;
    private volatile boolean closed;
    private volatile CountDownLatch stopLatch = new CountDownLatch(1);

    /** Projections running per read-model store in this JVM: one runner per projection and store. */
    private static final Map<ReadModelStore<?>, Set<String>> RUNNING = new IdentityHashMap<>();

    private ProjectionRunner(EventStore store, Projection<W> projection, ReadModelStore<W> readModels,
                             ProjectionOptions options) {
        this.store = store;
        this.readModels = readModels;
        this.options = options;
        this.worker = newWorker(projection, readModels.activeSlot(projection.name()));
    }

    /**
     * Starts running {@code projection} into {@code readModels}, from its checkpoint.
     *
     * @throws IllegalArgumentException when the projection's name is invalid
     */
    public static <W> ProjectionRunner<W> start(EventStore store, Projection<W> projection, ReadModelStore<W> readModels,
                                                ProjectionOptions options) {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(readModels, "readModels");
        Objects.requireNonNull(options, "options");
        Projection.validateName(projection.name());
        synchronized (RUNNING) {
            if (!RUNNING.computeIfAbsent(readModels, r -> new HashSet<>()).add(projection.name())) {
                throw new IllegalStateException("projection '" + projection.name() + "' is already running on this "
                        + "read-model store; close its runner first (two runners would apply every event twice)");
            }
        }
        try {
            ProjectionRunner<W> runner = new ProjectionRunner<>(store, projection, readModels, options);
            runner.startThread();
            return runner;
        } catch (RuntimeException e) {
            release(readModels, projection.name());
            throw e;
        }
    }

    /** Starts running {@code projection} with {@link ProjectionOptions#defaults()}. */
    public static <W> ProjectionRunner<W> start(EventStore store, Projection<W> projection, ReadModelStore<W> readModels) {
        return start(store, projection, readModels, ProjectionOptions.defaults());
    }

    private ProjectionWorker<W> newWorker(Projection<W> projection, String slot) {
        return new ProjectionWorker<>(store, projection, readModels, slot, options,
                d -> stopLatch.await(d.toNanos(), TimeUnit.NANOSECONDS));
    }

    private void startThread() {
        stopping = false;
        stopLatch = new CountDownLatch(1);
        ProjectionWorker<W> w = worker;
        Thread t = new Thread(() -> loop(w), "projection-" + w.projection().name());
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    private void loop(ProjectionWorker<W> w) {
        try {
            while (!stopping) {
                boolean running;
                try {
                    running = w.step(Long.MAX_VALUE);
                } catch (StoreClosedException e) {
                    if (!stopping) {
                        w.fail(e);
                    }
                    break;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                } catch (RuntimeException e) {
                    w.fail(e);
                    break;
                } finally {
                    signalProgress();
                }
                if (!running) {
                    break;
                }
            }
        } finally {
            w.closeSubscription();
            signalProgress();
        }
    }

    private void stopThread() {
        stopping = true;
        stopLatch.countDown();
        worker.closeSubscription();
        Thread t = thread;
        boolean interrupted = false;
        while (t != null && t.isAlive()) {
            try {
                t.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void signalProgress() {
        progressLock.lock();
        try {
            progress.signalAll();
        } finally {
            progressLock.unlock();
        }
    }

    /** The projection's name. */
    public String name() {
        return worker.projection().name();
    }

    /** The projection's current status; reads the log's head to compute the lag. */
    public ProjectionStatus status() {
        Optional<ProjectionStatus.State> override = closed ? Optional.of(ProjectionStatus.State.STOPPED)
                : rebuilding ? Optional.of(ProjectionStatus.State.REBUILDING) : Optional.empty();
        return worker.status(override);
    }

    /**
     * Waits until the projection has processed {@code position} (read-your-writes: pass the
     * consistency token of a command's result).
     *
     * @throws ProjectionTimeoutException when {@code timeout} passes first, the projection stops,
     *                                    or the waiting thread is interrupted (its flag is set again)
     */
    public void awaitPosition(long position, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        progressLock.lock();
        try {
            // A fresh worker has not set up its slot yet (JDBC tables): even position -1 waits for that.
            while (!worker.isStarted() || worker.processed() < position) {
                ProjectionWorker<W> w = worker;
                if ((w.isStopped() || closed) && !rebuilding) {
                    throw new ProjectionTimeoutException(name(), position, w.processed(),
                            "the projection has stopped" + w.lastError().map(e -> " after " + e).orElse(""));
                }
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    throw new ProjectionTimeoutException(name(), position, w.processed(), "timed out after " + timeout);
                }
                progress.awaitNanos(Math.min(remaining, TimeUnit.MILLISECONDS.toNanos(50)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProjectionTimeoutException(name(), position, worker.processed(), "interrupted while waiting");
        } finally {
            progressLock.unlock();
        }
    }

    /** Waits as {@link #awaitPosition} does, then runs {@code query}. */
    public <T> T query(long position, Duration timeout, Supplier<T> query) {
        awaitPosition(position, timeout);
        return query.get();
    }

    /**
     * Resets the projection and replays it from the start of the log, in place: its read model is
     * deleted (with its checkpoint, atomically) and rebuilt while queries watch it fill up again.
     * Returns at once; wait with {@link #awaitPosition}.
     */
    public void reset() {
        synchronized (admin) {
            ensureOpen();
            stopThread();
            ProjectionWorker<W> old = worker;
            readModels.reset(old.slot(), old.projection()::clear);
            worker = newWorker(old.projection(), old.slot());
            startThread();
        }
    }

    /** A shadow rebuild with the same projection; see {@link #rebuildInShadow(Projection, Duration)}. */
    public RebuildReport rebuildInShadow(Duration timeout) {
        return rebuildInShadow(worker.projection(), timeout);
    }

    /**
     * Rebuilds the read model beside the live one and swaps it in: {@code replacement} (the same
     * projection, or a new version of it with the same name) is replayed from the start of the
     * log into a new slot on the calling thread while the live projection goes on serving
     * queries. When the new slot has caught up, the live runner is paused, both are brought to
     * the same log position, compared, and the new slot is activated in one atomic step; the old
     * slot is then deleted and the runner goes on live with {@code replacement}.
     *
     * @throws UnsupportedOperationException when the store has one slot per projection (JDBC)
     * @throws ProjectionTimeoutException    when the rebuild does not catch up within {@code timeout}
     *                                       or fails; the live projection is left as it was
     */
    public RebuildReport rebuildInShadow(Projection<W> replacement, Duration timeout) {
        synchronized (admin) {
            ensureOpen();
            if (!readModels.supportsShadowSlots()) {
                throw new UnsupportedOperationException("this read-model store keeps one slot per projection: use reset()");
            }
            if (!replacement.name().equals(name())) {
                throw new IllegalArgumentException("the replacement must have the projection's name '" + name()
                        + "', got '" + replacement.name() + "'");
            }
            Instant started = options.clock().instant();
            long deadline = System.nanoTime() + timeout.toNanos();
            String oldSlot = worker.slot();
            String newSlot = nextSlot(oldSlot);
            readModels.reset(newSlot, replacement::clear); // a leftover of an interrupted rebuild
            ProjectionWorker<W> shadow = new ProjectionWorker<>(store, replacement, readModels, newSlot, options,
                    d -> TimeUnit.NANOSECONDS.sleep(d.toNanos()));
            try {
                runTo(shadow, store.headPosition(), deadline, newSlot, timeout);
                rebuilding = true;
                stopThread();
                ProjectionWorker<W> live = worker;
                try {
                    long position = Math.max(live.processed(), shadow.processed());
                    if (!live.isStopped()) {
                        runTo(live, position, deadline, oldSlot, timeout);
                    }
                    runTo(shadow, position, deadline, newSlot, timeout);
                    live.closeSubscription();
                    shadow.closeSubscription();
                    RebuildReport report = SlotDiff.compare(name(), oldSlot, newSlot, position, shadow.applied(),
                            readModels.contents(oldSlot), readModels.contents(newSlot),
                            Duration.between(started, options.clock().instant()));
                    readModels.activate(name(), newSlot);
                    worker = shadow;
                    readModels.reset(oldSlot, live.projection()::clear);
                    return report;
                } finally {
                    rebuilding = false;
                    startThread();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ProjectionTimeoutException(name(), store.headPosition(), shadow.processed(), "rebuild interrupted");
            } finally {
                if (worker != shadow) { // the rebuild failed: drop what it built (once swapped in, the shadow is live)
                    shadow.closeSubscription();
                    readModels.reset(newSlot, replacement::clear);
                }
            }
        }
    }

    private void runTo(ProjectionWorker<W> w, long position, long deadline, String slot, Duration timeout)
            throws InterruptedException {
        while (w.processed() < position) {
            if (System.nanoTime() > deadline) {
                throw new ProjectionTimeoutException(name(), position, w.processed(),
                        "slot '" + slot + "' did not catch up within " + timeout);
            }
            if (!w.step(position)) {
                throw new ProjectionTimeoutException(name(), position, w.processed(),
                        "slot '" + slot + "' failed: " + w.lastError().orElse("unknown error"));
            }
        }
    }

    private String nextSlot(String slot) {
        int tilde = slot.lastIndexOf('~');
        long generation = tilde < 0 ? 0 : Long.parseLong(slot.substring(tilde + 1));
        return name() + "~" + (generation + 1);
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("projection runner '" + name() + "' is closed");
        }
    }

    /** Stops the runner's thread; the read model and its checkpoint stay as committed. Idempotent. */
    @Override
    public void close() {
        synchronized (admin) {
            if (closed) {
                return;
            }
            closed = true;
            stopThread();
            worker.stopped();
            signalProgress();
            release(readModels, name());
        }
    }

    private static void release(ReadModelStore<?> readModels, String projection) {
        synchronized (RUNNING) {
            Set<String> names = RUNNING.get(readModels);
            if (names != null && names.remove(projection) && names.isEmpty()) {
                RUNNING.remove(readModels);
            }
        }
    }
}
