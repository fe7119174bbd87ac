package io.tributary.store.internal;

import io.tributary.core.CorruptedLogException;
import io.tributary.core.Direction;
import io.tributary.core.EventView;
import io.tributary.core.ReadFilter;
import io.tributary.core.ReadSlice;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StorageException;
import io.tributary.core.StreamDeletedException;
import io.tributary.core.StreamName;
import io.tributary.core.StreamNotFoundException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Supplier;
import org.rocksdb.RocksIterator;

/**
 * Reads events: by position through the position index and the in-memory tail, the global log
 * by scanning segments, categories and types through their indexes, streams through the
 * version index. Thread-safe; every call uses its own buffers and iterators.
 */
final class LogReader {
    /** Most log events a filtered read examines before it returns to its caller. */
    static final int SCAN_BUDGET = 100_000;
    /**
     * An indexed read scans the log instead of reading frame by frame when a batch of at least
     * this many matching positions ...
     */
    private static final int DENSE_MIN_EVENTS = 64;
    /** ... lies within this many times as many positions (at least one event in eight matches). */
    private static final int DENSE_SPAN = 8;

    private final SegmentSet segments;
    private final Index index;
    private final RecentEvents recent;
    private final Supplier<Indexer.Visible> visible;
    private final int maxFrameBytes;
    private final Clock clock;

    LogReader(SegmentSet segments, Index index, RecentEvents recent, Supplier<Indexer.Visible> visible,
              int maxFrameBytes, Clock clock) {
        this.segments = segments;
        this.index = index;
        this.recent = recent;
        this.visible = visible;
        this.maxFrameBytes = maxFrameBytes;
        this.clock = clock;
    }

    /**
     * The result of a global read: the events and where to continue.
     *
     * @param events the events found
     * @param next   where the next read in the same direction starts
     * @param end    true if the read reached the head (forward) or the start (backward)
     */
    record AllRead(List<RecordedEvent> events, long next, boolean end) {
        ReadSlice toSlice() {
            return new ReadSlice(events, end ? OptionalLong.empty() : OptionalLong.of(next));
        }
    }

    /**
     * The result of a global read handed to a handler of views.
     *
     * @param count  the events handed over
     * @param next   where the next read in the same direction starts
     * @param end    true if the read reached the head
     */
    record ViewRead(int count, long next, boolean end) {
    }

    /** Where a forward read puts the events it finds, counting them. */
    private abstract static class Out {
        int size;

        abstract void add(EventView event);
    }

    /** Collects {@link RecordedEvent}s: views are materialised, records kept as they are. */
    private static final class ListOut extends Out {
        final List<RecordedEvent> events;

        ListOut(int max) {
            events = new ArrayList<>(Math.min(max, 1024));
        }

        @Override
        void add(EventView event) {
            events.add(event.toRecordedEvent());
            size++;
        }
    }

    /** Hands every event to a handler, as it is found. */
    private static final class HandlerOut extends Out {
        final EventView.Handler handler;

        HandlerOut(EventView.Handler handler) {
            this.handler = handler;
        }

        @Override
        void add(EventView event) {
            handler.accept(event);
            size++;
        }
    }

    /** Where a read stopped. */
    private record Step(long next, boolean end) {
    }

    // ------------------------------------------------------------------ global log

    AllRead forward(long from, int max, ReadFilter filter) {
        ListOut out = new ListOut(max);
        Step s = forward(from, max, filter, out);
        return new AllRead(out.events, s.next(), s.end());
    }

    /**
     * Like {@link #forward(long, int, ReadFilter)}, but hands the events to {@code handler} as it
     * finds them: events read from segments as transient views over the read buffer (see
     * {@link FrameView}; nothing is materialised unless the handler asks), the newest events, which
     * are kept in memory, and those found one by one through an index as the {@link RecordedEvent}s
     * they already are. An exception of the handler ends the read and reaches the caller.
     */
    ViewRead forwardViews(long from, int max, ReadFilter filter, EventView.Handler handler) {
        HandlerOut out = new HandlerOut(handler);
        Step s = forward(from, max, filter, out);
        return new ViewRead(out.size, s.next(), s.end());
    }

    private Step forward(long from, int max, ReadFilter filter, Out out) {
        long head = visible.get().head();
        if (from > head) {
            return new Step(from, true);
        }
        if (!filter.categories().isEmpty() || !filter.eventTypes().isEmpty()) {
            return indexedForward(from, max, filter, head, out);
        }
        return scanForward(from, max, filter, head, out);
    }

    /** Scans from {@code from} until {@code out} holds {@code max} events, the head or the scan budget. */
    private Step scanForward(long from, int max, ReadFilter filter, long head, Out out) {
        long p = from;
        int examined = 0;
        // The newest events are in memory: live subscribers read them without I/O.
        while (p <= head && out.size < max && examined < SCAN_BUDGET) {
            RecordedEvent e = recent.get(p);
            if (e == null) {
                break;
            }
            examined++;
            if (filter.matches(e)) {
                out.add(e);
            }
            p++;
        }
        if (p > head || out.size >= max || examined >= SCAN_BUDGET) {
            return new Step(p, p > head);
        }
        Index.FrameLocation loc = index.frameAtOrBefore(p);
        if (loc == null || loc.lastPosition() < p) {
            loc = index.frameAtOrAfter(p);
        }
        if (loc == null) {
            return new Step(head + 1, true);
        }
        Indexer.Visible vis = visible.get();
        long segNo = loc.segment();
        long offset = loc.offset();
        FrameView view = new FrameView();
        try {
            while (true) {
                Segment seg = segments.get(segNo);
                if (seg == null) {
                    return new Step(head + 1, true);
                }
                long limit = segNo == vis.end().segment() ? vis.end().offset() : segments.segmentSize();
                SegmentScanner sc = new SegmentScanner(seg.channel(), offset, limit, maxFrameBytes, 1 << 20).viewEvents(view);
                while (sc.next() == SegmentScanner.Kind.FRAME) {
                    if (!sc.viewed()) {
                        continue;
                    }
                    while (nextEvent(view, seg, sc)) {
                        long pos = view.position();
                        if (pos < p) {
                            continue;
                        }
                        if (pos > head) {
                            return new Step(head + 1, true);
                        }
                        examined++;
                        p = pos + 1;
                        if (filter.matches(view.stream().value(), view.type())) {
                            out.add(view.current());
                        }
                        if (out.size >= max || examined >= SCAN_BUDGET) {
                            return new Step(p, p > head);
                        }
                    }
                }
                if (sc.kind() == SegmentScanner.Kind.INVALID) {
                    throw new CorruptedLogException(seg.path().toString(), sc.frameOffset(), sc.problem());
                }
                if (segNo >= vis.end().segment()) {
                    return new Step(head + 1, true);
                }
                Segment next = segments.next(segNo);
                if (next == null) {
                    return new Step(head + 1, true);
                }
                segNo = next.number();
                offset = Segment.HEADER_BYTES;
            }
        } catch (IOException e) {
            throw new StorageException("reading the log failed: " + e.getMessage(), e);
        } finally {
            view.close(); // a handler that kept a view gets a clear error, not the next event's bytes
        }
    }

    /** The view's next event; an event that does not parse is corruption of the frame the scanner found. */
    private static boolean nextEvent(FrameView view, Segment seg, SegmentScanner sc) {
        try {
            return view.next();
        } catch (IllegalStateException e) {
            throw new CorruptedLogException(seg.path().toString(), sc.frameOffset(), e.getMessage());
        }
    }

    AllRead backward(long from, int max, ReadFilter filter) {
        long head = visible.get().head();
        long start = Math.min(from, head);
        if (start < 0) {
            return new AllRead(List.of(), -1, true);
        }
        if (!filter.categories().isEmpty() || !filter.eventTypes().isEmpty()) {
            return indexedBackward(start, max, filter);
        }
        List<RecordedEvent> out = new ArrayList<>(Math.min(max, 1024));
        int examined = 0;
        long p = start;
        try (RocksIterator it = index.iterator(index.positions)) {
            it.seekForPrev(Keys.longKey(start));
            for (; it.isValid(); it.prev()) {
                Index.FrameLocation loc = new Index.FrameLocation(Keys.getLong(it.key(), 0),
                        Keys.getLong(it.value(), 0), Keys.getLong(it.value(), 8), Keys.getLong(it.value(), 16));
                List<RecordedEvent> events = readFrame(loc).events();
                for (int i = events.size() - 1; i >= 0; i--) {
                    RecordedEvent e = events.get(i);
                    if (e.position() > p) {
                        continue;
                    }
                    examined++;
                    p = e.position() - 1;
                    if (filter.matches(e)) {
                        out.add(e);
                    }
                    if (out.size() >= max || examined >= SCAN_BUDGET) {
                        return new AllRead(out, p, p < 0);
                    }
                }
            }
        }
        return new AllRead(out, -1, true);
    }

    private List<byte[]> indexKeys(ReadFilter filter) {
        List<byte[]> keys = new ArrayList<>();
        for (String k : filter.categories().isEmpty() ? filter.eventTypes() : filter.categories()) {
            keys.add(Keys.utf8(k));
        }
        return keys;
    }

    private Step indexedForward(long from, int max, ReadFilter filter, long head, Out out) {
        List<PostingCursor> cursors = cursors(filter, from, true);
        try {
            int examined = 0;
            long[] batch = new long[Math.min(Math.max(max, 16), 4096)];
            while (true) {
                int n = 0;
                while (n < batch.length) {
                    long pos = nextPosition(cursors, true);
                    if (pos < 0 || pos > head) {
                        break;
                    }
                    batch[n++] = pos;
                }
                if (n >= DENSE_MIN_EVENTS && batch[n - 1] - batch[0] < (long) DENSE_SPAN * n) {
                    // Most of this stretch of the log matches: one sequential scan of it costs less than
                    // an index seek and a frame read per matching event (small frames, interleaved streams).
                    Step part = scanForward(batch[0], max, filter, batch[n - 1], out);
                    examined += (int) (Math.min(part.next(), batch[n - 1] + 1) - batch[0]);
                    if (out.size >= max || part.next() <= batch[n - 1]) {
                        return new Step(part.next(), false);
                    }
                } else {
                    for (RecordedEvent e : eventsAt(batch, n)) {
                        examined++;
                        if (filter.matches(e)) {
                            out.add(e);
                            if (out.size >= max) {
                                return new Step(e.position() + 1, false);
                            }
                        }
                    }
                }
                if (n < batch.length) {
                    return new Step(head + 1, true);
                }
                if (examined >= SCAN_BUDGET) {
                    return new Step(batch[n - 1] + 1, false);
                }
            }
        } finally {
            cursors.forEach(PostingCursor::close);
        }
    }

    private AllRead indexedBackward(long from, int max, ReadFilter filter) {
        List<PostingCursor> cursors = cursors(filter, from, false);
        try {
            List<RecordedEvent> out = new ArrayList<>(Math.min(max, 1024));
            int examined = 0;
            long[] batch = new long[Math.min(Math.max(max, 16), 4096)];
            while (true) {
                int n = 0;
                while (n < batch.length) {
                    long pos = nextPosition(cursors, false);
                    if (pos < 0) {
                        break;
                    }
                    batch[n++] = pos;
                }
                for (RecordedEvent e : eventsAt(batch, n)) {
                    examined++;
                    if (filter.matches(e)) {
                        out.add(e);
                        if (out.size() >= max) {
                            return new AllRead(out, e.position() - 1, e.position() == 0);
                        }
                    }
                }
                if (n < batch.length) {
                    return new AllRead(out, -1, true);
                }
                if (examined >= SCAN_BUDGET) {
                    return new AllRead(out, batch[n - 1] - 1, false);
                }
            }
        } finally {
            cursors.forEach(PostingCursor::close);
        }
    }

    /** One cursor per category (or, without categories, per event type) of the filter. */
    private List<PostingCursor> cursors(ReadFilter filter, long from, boolean forward) {
        boolean byCategory = !filter.categories().isEmpty();
        List<PostingCursor> cursors = new ArrayList<>();
        for (String k : byCategory ? filter.categories() : filter.eventTypes()) {
            cursors.add(PostingCursor.open(index, byCategory ? index.categories : index.types, Keys.utf8(k), from, forward));
        }
        return cursors;
    }

    /**
     * Takes the next position from a k-way merge of cursors: the smallest (forward) or largest
     * (backward) current position; -1 when all are exhausted.
     */
    private static long nextPosition(List<PostingCursor> cursors, boolean forward) {
        PostingCursor best = null;
        for (PostingCursor c : cursors) {
            if (c.valid() && (best == null || (forward ? c.position() < best.position() : c.position() > best.position()))) {
                best = c;
            }
        }
        if (best == null) {
            return -1;
        }
        long pos = best.position();
        best.advance();
        return pos;
    }

    // ------------------------------------------------------------------ by position

    /**
     * The events at the given positions (in the given order), skipping positions whose events
     * were removed by a scavenge.
     */
    List<RecordedEvent> eventsAt(long[] positions, int n) {
        List<RecordedEvent> out = new ArrayList<>(n);
        Frame.Events frame = null;
        Index.FrameLocation loc = null;
        try (RocksIterator frames = index.iterator(index.positions)) {
            for (int i = 0; i < n; i++) {
                long p = positions[i];
                RecordedEvent e = recent.get(p);
                if (e == null) {
                    if (loc == null || p < loc.firstPosition() || p > loc.lastPosition()) {
                        frames.seekForPrev(Keys.longKey(p));
                        if (!frames.isValid()) {
                            continue;
                        }
                        byte[] v = frames.value();
                        loc = new Index.FrameLocation(Keys.getLong(frames.key(), 0), Keys.getLong(v, 0),
                                Keys.getLong(v, 8), Keys.getLong(v, 16));
                        if (loc.lastPosition() < p) {
                            continue;
                        }
                        frame = readFrame(loc, wantedIn(positions, i, n, loc));
                    }
                    e = find(frame.events(), p);
                }
                if (e != null) {
                    out.add(e);
                }
            }
        }
        return out;
    }

    /** The positions of {@code positions[from..n)} that lie in the frame at {@code loc}. */
    private static java.util.function.LongPredicate wantedIn(long[] positions, int from, int n,
                                                            Index.FrameLocation loc) {
        java.util.Set<Long> wanted = new java.util.HashSet<>();
        for (int j = from; j < n; j++) {
            if (positions[j] >= loc.firstPosition() && positions[j] <= loc.lastPosition()) {
                wanted.add(positions[j]);
            }
        }
        return wanted::contains;
    }

    private static RecordedEvent find(List<RecordedEvent> events, long position) {
        int lo = 0;
        int hi = events.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long p = events.get(mid).position();
            if (p < position) {
                lo = mid + 1;
            } else if (p > position) {
                hi = mid - 1;
            } else {
                return events.get(mid);
            }
        }
        return null;
    }

    /**
     * Reads and checks the events frame at {@code loc}. A scavenge may have just swapped the
     * segment, so a mismatch is retried once with a fresh location before it is corruption.
     */
    Frame.Events readFrame(Index.FrameLocation loc) {
        return readFrame(loc, null);
    }

    /** Reads the frame at {@code loc}, materialising only the events {@code wanted} accepts (all when null). */
    Frame.Events readFrame(Index.FrameLocation loc, java.util.function.LongPredicate wanted) {
        String problem = null;
        Index.FrameLocation l = loc;
        for (int attempt = 0; attempt < 3; attempt++) {
            Segment seg = segments.get(l.segment());
            if (seg != null) {
                problem = null;
                try {
                    ByteBuffer header = ByteBuffer.allocate(FrameCodec.HEADER_BYTES);
                    readFully(seg, header, l.offset());
                    int length = header.getInt(0);
                    if (length < 9 || length > maxFrameBytes) {
                        problem = "frame length " + length + " is impossible";
                    } else {
                        ByteBuffer whole = ByteBuffer.allocate(FrameCodec.HEADER_BYTES + length);
                        readFully(seg, whole, l.offset());
                        Frame f = FrameCodec.decode(whole, 0, wanted);
                        if (f instanceof Frame.Events ev && (wanted == null ? ev.firstPosition() == l.firstPosition()
                                : ev.firstPosition() >= l.firstPosition() && ev.lastPosition() <= l.lastPosition())) {
                            return ev;
                        }
                        problem = "expected events from position " + l.firstPosition();
                    }
                } catch (IllegalStateException e) {
                    problem = e.getMessage();
                } catch (IOException e) {
                    problem = "read failed: " + e.getMessage();
                }
            } else {
                problem = "segment " + l.segment() + " is missing";
            }
            Index.FrameLocation fresh = index.frameAtOrBefore(loc.firstPosition());
            if (fresh == null) {
                break;
            }
            l = fresh;
        }
        Segment seg = segments.get(l.segment());
        throw new CorruptedLogException(seg == null ? "segment " + l.segment() : seg.path().toString(), l.offset(), problem);
    }

    private static void readFully(Segment seg, ByteBuffer b, long offset) throws IOException {
        while (b.hasRemaining()) {
            if (seg.channel().read(b, offset + b.position()) < 0) {
                throw new IOException("unexpected end of " + seg.path());
            }
        }
    }

    // ------------------------------------------------------------------ streams

    /** The stream's record if it may be read; throws the right exception otherwise. */
    StreamRecord readableStream(StreamName stream) {
        StreamRecord rec = index.stream(stream.value());
        if (rec == null) {
            throw new StreamNotFoundException(stream);
        }
        if (rec.state() == StreamRecord.TOMBSTONED) {
            throw new StreamDeletedException(stream);
        }
        if (!rec.exists()) {
            throw new StreamNotFoundException(stream);
        }
        return rec;
    }

    ReadSlice readStream(StreamName stream, long from, int max, Direction direction) {
        StreamRecord rec = readableStream(stream);
        long first = rec.firstVisibleVersion();
        long last = rec.lastVersion();
        long cutoff = rec.metadata().maxAge().map(a -> clock.millis() - a.toMillis()).orElse(Long.MIN_VALUE);
        byte[] name = Keys.utf8(stream.value());
        List<RecordedEvent> out = new ArrayList<>(Math.min(max, 1024));
        boolean forward = direction == Direction.FORWARD;
        long v = forward ? Math.max(from, first) : Math.min(from, last);
        if (forward ? v > last : v < first) {
            return new ReadSlice(List.of(), OptionalLong.empty());
        }
        try (PostingCursor c = PostingCursor.open(index, index.versions, name, v, forward)) {
            long lastVersion = -1;
            boolean expired = false;
            long[] batch = new long[Math.min(max, 1024)];
            boolean bounded = false;
            while (out.size() < max && c.valid() && !expired && !bounded) {
                int n = 0;
                while (n < batch.length && n < max - out.size() && c.valid()) {
                    long version = c.number();
                    if (forward ? version > last : version < first) {
                        bounded = true;
                        break;
                    }
                    batch[n++] = c.position();
                    c.advance();
                }
                if (n == 0) {
                    break;
                }
                for (RecordedEvent e : eventsAt(batch, n)) {
                    if (e.timestamp().toEpochMilli() < cutoff) {
                        if (!forward) {
                            // Older events are older still: the rest is expired.
                            expired = true;
                            break;
                        }
                        lastVersion = e.version();
                        continue;
                    }
                    lastVersion = e.version();
                    out.add(e);
                }
            }
            boolean more = forward
                    ? lastVersion >= 0 && lastVersion < last
                    : !expired && lastVersion > first && c.valid() && c.number() >= first;
            return new ReadSlice(out, more ? OptionalLong.of(forward ? lastVersion + 1 : lastVersion - 1)
                    : OptionalLong.empty());
        }
    }
}
