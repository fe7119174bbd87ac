package io.tributary.store.internal;

import io.tributary.core.RecordedEvent;
import io.tributary.core.StorageException;
import io.tributary.store.ScavengeResult;
import io.tributary.store.StoreConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.rocksdb.RocksDBException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rewrites sealed segments without the events that can no longer be read (tombstoned or
 * soft-deleted streams, versions below truncateBefore / maxCount, events past maxAge).
 * Surviving frames keep their positions, versions and timestamps. Crash safety: a marker file
 * is written before a segment is swapped and removed after the index is updated; a store that
 * opens with the marker present rebuilds its index from the log.
 */
final class Scavenger {
    private static final Logger LOG = LoggerFactory.getLogger(Scavenger.class);
    private static final String MARKER = "scavenge.pending";

    private final StoreConfig config;
    private final SegmentSet segments;
    private final Index index;
    private final Supplier<Indexer.Visible> visible;
    private final RecentEvents recent;
    private final Map<String, StreamRecord> records = new HashMap<>();

    Scavenger(StoreConfig config, SegmentSet segments, Index index, Supplier<Indexer.Visible> visible,
              RecentEvents recent) {
        this.recent = recent;
        this.config = config;
        this.segments = segments;
        this.index = index;
        this.visible = visible;
    }

    /** The marker of an interrupted scavenge in {@code dataDir}, or null. */
    static Path pendingMarker(Path dataDir) {
        Path p = dataDir.resolve(MARKER);
        return Files.exists(p) ? p : null;
    }

    ScavengeResult run() {
        // Only sealed segments the indexer is past. The event-id index needs no change: its entries
        // are confirmed by reading the event, and a removed event is simply not found.
        long tailSegment = visible.get().end().segment();
        int scanned = 0;
        int rewritten = 0;
        long removed = 0;
        long reclaimed = 0;
        long now = config.clock().millis();
        int maxFrame = LogStore.maxFrameBytes(config);
        try {
            for (Segment seg : segments.all()) {
                if (seg.number() >= tailSegment) {
                    break;
                }
                scanned++;
                List<Frame> kept = new ArrayList<>();
                List<long[]> oldFrames = new ArrayList<>();
                List<List<RecordedEvent>> oldEvents = new ArrayList<>();
                List<RecordedEvent> dropped = new ArrayList<>();
                SegmentScanner sc = new SegmentScanner(seg.channel(), Segment.HEADER_BYTES, segments.segmentSize(),
                        maxFrame, 4 << 20);
                long oldBytes = 0;
                while (sc.next() == SegmentScanner.Kind.FRAME) {
                    oldBytes += sc.frameSize();
                    Frame f = sc.frame();
                    if (f instanceof Frame.Events ev) {
                        oldFrames.add(new long[] {ev.firstPosition()});
                        oldEvents.add(ev.events());
                        List<RecordedEvent> keep = new ArrayList<>();
                        for (RecordedEvent e : ev.events()) {
                            if (removable(e, now)) {
                                dropped.add(e);
                            } else {
                                keep.add(e);
                            }
                        }
                        if (!keep.isEmpty()) {
                            kept.add(new Frame.Events(ev.timestampMillis(), keep));
                        }
                    } else {
                        kept.add(f);
                    }
                }
                if (sc.kind() == SegmentScanner.Kind.INVALID) {
                    throw new io.tributary.core.CorruptedLogException(seg.path().toString(), sc.frameOffset(), sc.problem());
                }
                if (dropped.isEmpty()) {
                    continue;
                }
                long newBytes = rewrite(seg, kept, oldFrames, oldEvents, dropped);
                rewritten++;
                removed += dropped.size();
                reclaimed += oldBytes - newBytes;
                LOG.info("scavenged {}: removed {} events, {} bytes", seg.path(), dropped.size(), oldBytes - newBytes);
            }
        } catch (IOException | RocksDBException e) {
            throw new StorageException("scavenge failed: " + e.getMessage() + "; the log is unchanged or consistent,"
                    + " the index is rebuilt on the next open if needed", e);
        }
        return new ScavengeResult(scanned, rewritten, removed, reclaimed);
    }

    private boolean removable(RecordedEvent e, long now) {
        String name = e.stream().value();
        StreamRecord r = records.computeIfAbsent(name, index::stream);
        if (r == null) {
            return false;
        }
        if (r.state() == StreamRecord.TOMBSTONED) {
            return true;
        }
        if (r.state() == StreamRecord.LIVE && e.version() == r.lastVersion()) {
            // The last event carries the stream's version; it stays (hidden if it is expired).
            return false;
        }
        if (e.version() < r.firstVisibleVersion()) {
            return true;
        }
        return r.metadata().maxAge().isPresent()
                && e.timestamp().toEpochMilli() < now - r.metadata().maxAge().get().toMillis();
    }

    private long rewrite(Segment seg, List<Frame> kept, List<long[]> oldFrames, List<List<RecordedEvent>> oldEvents,
                         List<RecordedEvent> dropped)
            throws IOException, RocksDBException {
        Path dataDir = segments.directory().getParent();
        Path tmp = seg.path().resolveSibling(seg.path().getFileName() + ".scavenge");
        Files.deleteIfExists(tmp);
        List<long[]> newFrames = new ArrayList<>();
        long offset = Segment.HEADER_BYTES;
        try (FileIO.LogChannel ch = segments.io().open(tmp, true)) {
            ch.writeFully(Segment.header(seg.number()), 0);
            for (Frame f : kept) {
                ByteBuffer buf = FrameCodec.encode(f);
                if (f instanceof Frame.Events ev) {
                    newFrames.add(new long[] {ev.firstPosition(), ev.lastPosition(), offset});
                }
                int len = buf.remaining();
                ch.writeFully(buf, offset);
                offset += len;
            }
            ch.force();
        }
        segments.io().writeAtomically(dataDir.resolve(MARKER),
                Long.toString(seg.number()).getBytes(StandardCharsets.US_ASCII));
        Files.move(tmp, seg.path(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        segments.io().fsyncDirectory(segments.directory());
        segments.reopen(seg.number());
        try (Index.Batch b = index.batch()) {
            // Deletes first: a kept run may start where a removed one did (same key).
            for (List<RecordedEvent> events : oldEvents) {
                b.deleteRuns(events);
            }
            for (RecordedEvent e : dropped) {
                recent.remove(e.position());
            }
            for (long[] f : oldFrames) {
                b.removeFrame(f[0]);
            }
            for (Frame f : kept) {
                if (f instanceof Frame.Events ev) {
                    b.putRuns(ev.events());
                }
            }
            for (long[] f : newFrames) {
                b.putFrame(f[0], f[1], seg.number(), f[2]);
            }
            index.write(b);
        }
        index.flush();
        Files.deleteIfExists(dataDir.resolve(MARKER));
        return offset - Segment.HEADER_BYTES;
    }
}
