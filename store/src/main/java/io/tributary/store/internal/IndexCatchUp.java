package io.tributary.store.internal;

import io.tributary.core.CorruptedLogException;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StorageException;
import java.io.IOException;
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
        long events = 0;
        long started = System.nanoTime();
        long lastReport = started;
        Map<String, StreamRecord> streams = new HashMap<>();
        Index.Batch batch = index.batch();
        int batchEvents = 0;
        try {
            long segNo = from.segment();
            long offset = from.offset();
            Checkpoint at = from;
            while (true) {
                Segment seg = segments.get(segNo);
                if (seg == null) {
                    break;
                }
                long limit = segNo == tail.segment() ? tail.offset() : segments.segmentSize();
                SegmentScanner sc = new SegmentScanner(seg.channel(), offset, limit, maxFrameBytes, 4 << 20);
                while (sc.next() == SegmentScanner.Kind.FRAME) {
                    Frame f = sc.frame();
                    long frameOffset = sc.frameOffset();
                    long next = at.nextPosition();
                    if (f instanceof Frame.Events ev) {
                        next = ev.lastPosition() + 1;
                        batch.addEvents(ev.events(), segNo, frameOffset);
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
                    at = new Checkpoint(segNo, sc.offset(), next);
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
                if (sc.kind() == SegmentScanner.Kind.INVALID) {
                    throw new CorruptedLogException(seg.path().toString(), sc.frameOffset(), sc.problem());
                }
                if (segNo >= tail.segment()) {
                    break;
                }
                Segment next = segments.next(segNo);
                if (next == null) {
                    break;
                }
                segNo = next.number();
                offset = Segment.HEADER_BYTES;
                at = new Checkpoint(segNo, offset, at.nextPosition());
            }
            flush(index, batch, streams, tail);
        } catch (IOException | RocksDBException e) {
            throw new StorageException("rebuilding the index failed: " + e.getMessage(), e);
        } finally {
            batch.close();
        }
        if (events > 0) {
            LOG.info("indexed {} events from the log in {} ms", events, (System.nanoTime() - started) / 1_000_000);
        }
        return events;
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
