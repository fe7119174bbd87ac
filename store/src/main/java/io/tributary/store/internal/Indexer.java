package io.tributary.store.internal;

import io.tributary.core.RecordedEvent;
import io.tributary.core.StoreFailedException;
import io.tributary.core.TributaryException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The second stage of the append pipeline: while the writer writes and syncs the next group,
 * the indexer puts the previous one into the index (one RocksDB batch, with the index's
 * checkpoint), publishes its events to readers and subscribers, then completes the futures.
 */
final class Indexer implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Indexer.class);
    private static final Group END = new Group();

    /** What readers may see: the head position and the end of the log they may scan to. */
    record Visible(long head, Checkpoint end) {
    }

    private final Index index;
    private final RecentEvents recent;
    private final HeadNotifier notifier;
    private final BlockingQueue<Group> queue = new ArrayBlockingQueue<>(64);
    /** Held while a group is applied, by the indexer thread or the writer ({@link #tryApplyNow}). */
    private final ReentrantLock applying = new ReentrantLock();
    private final Thread thread;
    private volatile Visible visible;
    private volatile long indexedSeq;
    private volatile TributaryException failure;

    /**
     * Groups of at least this many events have their index batch built while the writer writes and syncs them
     * ({@link #prebuild}); for smaller ones the hand-over would cost more than the build.
     */
    static final int PREBUILD_MIN_EVENTS = 4096;
    /** Builds large groups' index batches: one thread, started when needed, gone after a minute unused. */
    private final ThreadPoolExecutor prebuilder = new ThreadPoolExecutor(1, 1, 60, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "tributary-index-prebuild");
                t.setDaemon(true);
                return t;
            });

    final AtomicLong appendsCompleted = new AtomicLong();
    final AtomicLong eventsCompleted = new AtomicLong();

    Indexer(Index index, RecentEvents recent, HeadNotifier notifier, Visible initial) {
        this.index = index;
        this.recent = recent;
        this.notifier = notifier;
        this.visible = initial;
        this.thread = new Thread(this, "tributary-indexer");
        this.thread.setDaemon(true);
        prebuilder.allowCoreThreadTimeOut(true);
    }

    /**
     * Starts building the index batch of a group that is about to be written: its frames' places and
     * version, category and type runs, and its streams' records — everything but the checkpoint, which
     * {@link #apply} adds. Called by the writer before it writes the group; neither {@code frames} nor
     * {@code streams} may change afterwards (the writer hands over its overlay map and takes a new one).
     */
    CompletableFuture<Index.Batch> prebuild(List<Group.WrittenFrame> frames, Map<String, StreamRecord> streams) {
        return CompletableFuture.supplyAsync(() -> {
            Index.Batch b = index.batch();
            try {
                addTo(b, frames, streams);
                return b;
            } catch (Exception | Error e) {
                b.close();
                throw new CompletionException(e);
            }
        }, prebuilder);
    }

    private static void addTo(Index.Batch b, List<Group.WrittenFrame> frames, Map<String, StreamRecord> streams)
            throws org.rocksdb.RocksDBException {
        for (Group.WrittenFrame f : frames) {
            b.addEvents(f.events(), f.segment(), f.offset());
        }
        for (Map.Entry<String, StreamRecord> e : streams.entrySet()) {
            b.putStream(e.getKey(), e.getValue());
        }
    }

    /** Waits for a group's prebuilt batch, if any, and releases it: the group was not written. */
    static void discardPrebuilt(Group g) {
        if (g.prebuilt != null) {
            try {
                g.prebuilt.join().close();
            } catch (CompletionException | java.util.concurrent.CancellationException e) {
                // its build failed: nothing to release
            }
            g.prebuilt = null;
        }
    }

    void start() {
        thread.start();
    }

    Visible visible() {
        return visible;
    }

    long indexedSeq() {
        return indexedSeq;
    }

    TributaryException failure() {
        return failure;
    }

    /** Hands a written group over; blocks when the indexer is 64 groups behind (back-pressure). */
    void enqueue(Group g) {
        handed(g);
        try {
            queue.put(g);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreFailedException("interrupted while handing a group to the indexer", e);
        }
    }

    /** Called by the writer when it stops: index what is queued, then end. */
    void finish() {
        try {
            queue.put(END);
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        prebuilder.shutdown();
    }

    /**
     * The writer hit a fatal error: wake waiters. Groups already written (and synced) are still
     * indexed and acknowledged: a later failure does not undo them.
     */
    void writerFailed() {
        notifier.signalAll();
    }

    @Override
    public void run() {
        while (true) {
            Group g;
            try {
                g = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (g == END) {
                return;
            }
            applying.lock();
            try {
                apply(g);
            } finally {
                applying.unlock();
            }
        }
    }

    /**
     * Applies {@code g} on the calling (writer) thread if every earlier group is applied and
     * none is queued; returns false if it must be {@link #enqueue queued} instead. With nothing
     * else to write, a hand-over to the indexer thread would only add a thread wake-up to the
     * append's latency.
     */
    boolean tryApplyNow(Group g) {
        handed(g);
        if (!queue.isEmpty() || !applying.tryLock()) {
            return false;
        }
        try {
            if (indexedSeq != g.seq - 1 || !queue.isEmpty()) {
                return false;
            }
            apply(g);
            return true;
        } finally {
            applying.unlock();
        }
    }

    /** Groups of at least this many events get their stages logged at debug level. */
    private static final int TIMELINE_MIN_EVENTS = 10_000;
    /** Per group sequence (mod the queue's capacity), when the writer handed it over (written and synced). */
    private final long[] handedNanos = new long[64];

    private void handed(Group g) {
        if (g.events >= TIMELINE_MIN_EVENTS) {
            handedNanos[(int) (g.seq & 63)] = System.nanoTime();
        }
    }

    /** The group's index batch without its checkpoint: the prebuilt one, or built now. */
    private Index.Batch batchOf(Group g) throws org.rocksdb.RocksDBException {
        if (g.prebuilt != null) {
            try {
                return g.prebuilt.join();
            } catch (CompletionException e) {
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                if (cause instanceof org.rocksdb.RocksDBException r) {
                    throw r;
                }
                if (cause instanceof RuntimeException r) {
                    throw r;
                }
                if (cause instanceof Error err) {
                    throw err;
                }
                throw e;
            }
        }
        Index.Batch b = index.batch();
        try {
            addTo(b, g.frames, g.streams);
            return b;
        } catch (org.rocksdb.RocksDBException | RuntimeException | Error e) {
            b.close();
            throw e;
        }
    }

    private void apply(Group g) {
        long start = g.events >= TIMELINE_MIN_EVENTS && LOG.isDebugEnabled() ? System.nanoTime() : 0;
        long indexed = 0;
        if (failure != null) {
            discardPrebuilt(g);
            for (Request r : g.requests) {
                r.fail(failure);
            }
            return;
        }
        if (g.hasIndexWork()) {
            try (Index.Batch b = batchOf(g)) {
                b.setCheckpoint(g.end);
                if (start != 0) {
                    indexed = System.nanoTime();
                }
                index.write(b);
            } catch (Exception e) {
                failure = new StoreFailedException("updating the index failed: " + e.getMessage()
                        + "; the store stopped accepting writes, reopen it (the index is rebuilt from the log)", e);
                LOG.error("index update failed", e);
                for (Request r : g.requests) {
                    r.fail(failure);
                }
                notifier.signalAll();
                return;
            }
        }
        for (Group.WrittenFrame f : g.frames) {
            for (RecordedEvent e : f.events()) {
                recent.add(e);
            }
        }
        long published = start == 0 ? 0 : System.nanoTime();
        visible = new Visible(g.lastPosition, g.end);
        indexedSeq = g.seq;
        notifier.signalAll();
        if (start != 0) {
            LOG.debug("timeline group {} events {} streams {} handed {} applyStart {} batchBuilt {} indexWritten {}",
                    g.seq, g.events, g.streams.size(), handedNanos[(int) (g.seq & 63)], start, indexed, published);
        }
        appendsCompleted.addAndGet(g.appends);
        eventsCompleted.addAndGet(g.events);
        for (Runnable c : g.completions) {
            try {
                c.run();
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable e) {
                // A caller's non-async callback runs here (on the indexer or the writer thread): its
                // failure is the caller's, it must not stop the store.
                LOG.warn("a callback on an append future threw", e);
            }
        }
    }
}
