package io.tributary.store.internal;

import io.tributary.core.RecordedEvent;
import io.tributary.core.StorageException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.rocksdb.RocksDBException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the index up to the end of the log by replaying the frames after the index's own
 * checkpoint (all frames for a new or discarded index), in batches.
 */
final class IndexCatchUp {
    private static final Logger LOG = LoggerFactory.getLogger(IndexCatchUp.class);
    private static final int BATCH_EVENTS = 50_000;

    private IndexCatchUp() {
    }

    /**
     * Replays the log from {@code from} (the index's checkpoint, or the start) to {@code tail}.
     *
     * @return the number of events indexed
     */
    static long run(Index index, SegmentSet segments, Checkpoint from, Checkpoint tail, int maxFrameBytes) {
        Replay replay = new Replay(index, from);
        try {
            SegmentScanner.walk(segments, from.segment(), from.offset(), tail, maxFrameBytes, replay);
            flush(index, replay.batch, replay.streams, tail);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new StorageException("rebuilding the index failed: " + e.getMessage(), e);
        } finally {
            replay.batch.close(); // after a flush, already closed: a no-op
        }
        if (replay.events > 0) {
            LOG.info("indexed {} events from the log in {} ms", replay.events, (System.nanoTime() - replay.started) / 1_000_000);
        }
        return replay.events;
    }

    /** The replay's state: the batch being filled, the streams it changed, where it is in the log. */
    private static final class Replay implements SegmentScanner.FrameVisitor {
        private final Index index;
        private final long started = System.nanoTime();
        private long lastReport = started;
        private final Map<String, StreamRecord> streams = new HashMap<>();
        private Index.Batch batch;
        private int batchEvents;
        private long events;
        private Checkpoint at;

        Replay(Index index, Checkpoint from) {
            this.index = index;
            this.batch = index.batch();
            this.at = from;
        }

        @Override
        public void frame(long segment, long offset, long end, Frame f) throws RocksDBException {
            long next = at.nextPosition();
            if (f instanceof Frame.Events ev) {
                next = ev.lastPosition() + 1;
                batch.addEvents(ev.events(), segment, offset);
                applyEvents(index, streams, ev.events());
                events += ev.events().size();
                batchEvents += ev.events().size();
            } else if (f instanceof Frame.Metadata m) {
                streams.put(m.stream(), current(index, streams, m.stream()).withMetadata(m.metadata()));
            } else if (f instanceof Frame.Delete d) {
                StreamRecord r = current(index, streams, d.stream());
                if (d.lastVersion() > r.lastVersion()) {
                    r = new StreamRecord(d.lastVersion(), r.lastPosition(), r.state(), r.deletedBefore(), r.metadata());
                }
                streams.put(d.stream(), r.deleted(d.hard()));
            }
            at = new Checkpoint(segment, end, next);
            if (batchEvents >= BATCH_EVENTS) {
                flush(index, batch, streams, at);
                batch = index.batch();
                batchEvents = 0;
                streams.clear();
                long now = System.nanoTime();
                if (now - lastReport > 2_000_000_000L) {
                    LOG.info("indexing the log: {} events so far", events);
                    lastReport = now;
                }
            }
        }
    }

    private static void flush(Index index, Index.Batch batch, Map<String, StreamRecord> streams, Checkpoint at)
            throws RocksDBException {
        for (Map.Entry<String, StreamRecord> e : streams.entrySet()) {
            batch.putStream(e.getKey(), e.getValue());
        }
        batch.setCheckpoint(at);
        index.write(batch);
        batch.close();
    }

    private static StreamRecord current(Index index, Map<String, StreamRecord> streams, String name) {
        StreamRecord r = streams.get(name);
        if (r == null) {
            r = index.stream(name);
        }
        return r == null ? StreamRecord.NEW : r;
    }

    /** Applies a frame's events to the stream records (same transition as the writer's). */
    static void applyEvents(Index index, Map<String, StreamRecord> streams, List<RecordedEvent> events) {
        String prev = null;
        for (int i = 0; i < events.size(); i++) {
            RecordedEvent e = events.get(i);
            String s = e.stream().value();
            boolean lastOfRun = i == events.size() - 1 || !events.get(i + 1).stream().value().equals(s);
            if (lastOfRun) {
                streams.put(s, current(index, streams, s).withAppended(e.version(), e.position()));
            }
            prev = s;
        }
        if (prev == null) {
            throw new IllegalStateException("empty events frame");
        }
    }
}
