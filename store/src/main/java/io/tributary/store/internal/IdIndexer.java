package io.tributary.store.internal;

import io.tributary.core.StoreFailedException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The third stage of the append pipeline: indexes event ids (one key per event, the costly
 * part of indexing) after the events are already readable and acknowledged. Until an id is in
 * the index it stays in the writer's in-flight map, so duplicate checks never miss it; the writer
 * drops a group's ids from that map once {@link #indexedSeq()} has passed the group (the map is
 * the writer's alone: no concurrent map on the hot path). The id index has its own checkpoint;
 * after a crash the store replays the log from there.
 */
final class IdIndexer implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(IdIndexer.class);
    private static final Group END = new Group();

    private final Index index;
    private final BlockingQueue<Group> queue = new ArrayBlockingQueue<>(256);
    private final Thread thread;
    private volatile StoreFailedException failure;
    /** The sequence number of the last group whose ids are in the index. */
    private volatile long indexedSeq;

    IdIndexer(Index index) {
        this.index = index;
        this.thread = new Thread(this, "tributary-id-indexer");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    StoreFailedException failure() {
        return failure;
    }

    /** The sequence number of the last group whose event ids are in the index (0 before any). */
    long indexedSeq() {
        return indexedSeq;
    }

    /** Hands over an indexed group; blocks when 256 groups behind (back-pressure on the indexer). */
    void enqueue(Group g) {
        if (g.frames.isEmpty()) {
            return;
        }
        try {
            queue.put(g);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreFailedException("interrupted while handing a group to the id indexer", e);
        }
    }

    /** Indexes what is queued, then ends. */
    void finish() {
        try {
            queue.put(END);
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
            if (failure != null) {
                continue;
            }
            try (Index.Batch b = index.batch()) {
                for (Group.WrittenFrame f : g.frames) {
                    b.addEventIds(f.events());
                }
                b.setIdCheckpoint(g.end);
                index.write(b);
            } catch (Exception e) {
                failure = new StoreFailedException("updating the event-id index failed: " + e.getMessage()
                        + "; the store stopped accepting writes, reopen it (the index is rebuilt from the log)", e);
                LOG.error("event-id index update failed", e);
                continue;
            }
            indexedSeq = g.seq;
        }
    }
}
