package io.tributary.store.internal;

import io.tributary.core.AppendResult;
import io.tributary.core.DuplicateEventException;
import io.tributary.core.EventData;
import io.tributary.core.ExpectedVersion;
import io.tributary.core.MultiAppendResult;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StorageException;
import io.tributary.core.StoreBusyException;
import io.tributary.core.StoreClosedException;
import io.tributary.core.StoreFailedException;
import io.tributary.core.StreamAppend;
import io.tributary.core.StreamDeletedException;
import io.tributary.core.StreamName;
import io.tributary.core.StreamNotFoundException;
import io.tributary.core.TributaryException;
import io.tributary.core.WrongExpectedVersionException;
import io.tributary.store.Durability;
import io.tributary.store.StoreConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer thread. It owns the tail of the log: it drains queued requests, checks
 * expected versions serially (so optimistic concurrency needs no locks), assigns versions and
 * positions, writes a whole group with one write call, fsyncs once, and hands the group to the
 * {@link Indexer}, which makes it readable and completes the futures (group commit).
 */
final class Writer implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Writer.class);

    private final StoreConfig config;
    private final SegmentSet segments;
    private final Index index;
    private final Indexer indexer;
    private final HeadNotifier notifier;
    private final Path checkpointFile;
    private final BlockingQueue<Request> queue;
    /** The write buffer: {@link #normalBuf}, or for one large request a buffer of its size. */
    private ByteBuffer buf;
    private final ByteBuffer normalBuf;
    /** The buffer for requests larger than {@link #normalBuf}, kept for the next one; released when unused for a while. */
    private ByteBuffer largeBuf;
    private int flushesSinceLarge;
    private final StreamCache cache;
    /** Where each event id was written: candidates for the duplicate check, confirmed by reading the event. */
    private final IdIndex ids;
    /** Reads an event the indexer has made visible (null if a scavenge removed it). */
    private final LongFunction<RecordedEvent> visibleEvent;
    /** Answers "certainly new" for almost every new id, so it needs no look-up. */
    /** Answers "certainly new" for almost every new stream, so it needs no index read. */
    private final KeyFilter streamFilter;
    /** The event frames of the groups written that the indexer has not made visible yet, oldest first. */
    private final ArrayDeque<GroupFrames> unapplied = new ArrayDeque<>();

    private record GroupFrames(long seq, List<Group.WrittenFrame> frames) {
    }

    /** The id hashes of a request's part, recorded from {@code firstPosition} on: see {@link #addPendingIds}. */
    private record PendingIds(long[] hashes, long firstPosition) {
    }

    /** Ids of processed requests not yet in {@link #ids}. */
    private final List<PendingIds> pendingIds = new ArrayList<>();
    private final ExecutorService preallocator;
    private Future<Path> preparedNext;
    private long preparedNumber = -1;

    private Segment current;
    private Checkpoint tail;
    private long nextPosition;
    private long seq;
    private Group group = new Group();
    private Map<String, StreamRecord> overlay = new HashMap<>();
    private long lastSyncNanos = System.nanoTime();
    private long lastCheckpointNanos = System.nanoTime();
    private boolean unsynced;
    private Checkpoint lastCheckpointWritten;

    private volatile boolean closing;
    private volatile TributaryException failure;
    private final Thread thread;

    final AtomicLong fsyncs = new AtomicLong();
    final AtomicLong fsyncNanos = new AtomicLong();
    final AtomicLong maxFsyncNanos = new AtomicLong();
    final AtomicLong groupCommits = new AtomicLong();
    final AtomicLong bytesWritten = new AtomicLong();

    Writer(StoreConfig config, SegmentSet segments, Index index, Indexer indexer, HeadNotifier notifier,
           Checkpoint tail, Path checkpointFile, KeyFilter streamFilter, IdIndex ids,
           LongFunction<RecordedEvent> visibleEvent) {
        this.ids = ids;
        this.visibleEvent = visibleEvent;
        this.streamFilter = streamFilter;
        this.config = config;
        this.segments = segments;
        this.index = index;
        this.indexer = indexer;
        this.notifier = notifier;
        this.checkpointFile = checkpointFile;
        this.tail = tail;
        this.lastCheckpointWritten = tail;
        this.nextPosition = tail.nextPosition();
        this.current = segments.get(tail.segment());
        this.queue = new ArrayBlockingQueue<>(config.maxQueuedAppends());
        this.normalBuf = ByteBuffer.allocateDirect(normalWriteBytes(config));
        this.buf = normalBuf;
        this.cache = new StreamCache(config.streamCacheSize());
        this.preallocator = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "tributary-preallocator");
            t.setDaemon(true);
            return t;
        });
        this.thread = new Thread(this, "tributary-writer");
        this.thread.setDaemon(true);
    }

    /** The most bytes one group write can take: a full batch plus one maximal request. */
    static int maxWriteBytes(StoreConfig config) {
        return config.maxBatchBytes() + config.maxRequestBytes() + (64 << 10);
    }

    /**
     * The write buffer's usual size: a full batch plus a request of up to 4 MiB. A larger request
     * is written alone through a buffer of its size, dropped after its write.
     */
    private static int normalWriteBytes(StoreConfig config) {
        return config.maxBatchBytes() + Math.min(config.maxRequestBytes(), 4 << 20) + (64 << 10);
    }

    void start() {
        thread.start();
    }

    /** Queues a request; never blocks. */
    void submit(Request r) {
        if (closing) {
            r.fail(new StoreClosedException("the store is closed"));
            return;
        }
        TributaryException f = failure != null ? failure : indexer.failure();
        if (f != null) {
            r.fail(f);
            return;
        }
        if (!queue.offer(r)) {
            r.fail(new StoreBusyException("too many appends are waiting to be written (maxQueuedAppends="
                    + config.maxQueuedAppends() + "); wait for earlier appends to complete and retry"));
        }
    }

    int queued() {
        return queue.size();
    }

    TributaryException failure() {
        return failure != null ? failure : indexer.failure();
    }

    /** Stops taking requests, writes those queued, syncs, and waits for the thread to end. */
    void close() {
        closing = true;
        queue.offer(new Request.Wake());
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        preallocator.shutdownNow();
    }

    @Override
    public void run() {
        try {
            long idleNanos = TimeUnit.MILLISECONDS.toNanos(idleTickMs());
            while (true) {
                Request first = queue.poll(idleNanos, TimeUnit.NANOSECONDS);
                if (first == null) {
                    if (closing && queue.isEmpty()) {
                        break;
                    }
                    onIdle();
                    continue;
                }
                dropApplied();
                process(first);
                Request next;
                while (buf.position() < config.maxBatchBytes() && (next = queue.poll()) != null) {
                    process(next);
                }
                flush();
                afterFlush();
                if (closing && queue.isEmpty()) {
                    break;
                }
            }
            syncAndCheckpoint();
            if (failure == null) {
                ids.closeCleanly(); // the log is synced: the ids in memory may go to a file
            }
        } catch (Throwable t) {
            fail("the writer thread stopped unexpectedly: " + t, t);
        } finally {
            Request r;
            while ((r = queue.poll()) != null) {
                r.fail(failure != null ? failure : new StoreClosedException("the store is closed"));
            }
            indexer.finish();
        }
    }

    private long idleTickMs() {
        long tick = Math.min(config.checkpointIntervalMs(), 50);
        if (config.durability() instanceof Durability.Interval i) {
            tick = Math.min(tick, i.flushIntervalMs());
        }
        return Math.max(1, tick);
    }

    // ---------------------------------------------------------------- request processing

    private void process(Request r) {
        if (failure != null) {
            r.fail(failure);
            return;
        }
        try {
            if (r instanceof Request.Append a) {
                processAppend(a);
            } else if (r instanceof Request.SetMetadata m) {
                processMetadata(m);
            } else if (r instanceof Request.Delete d) {
                processDelete(d);
            } // Request.Wake: nothing to do
        } catch (WrongExpectedVersionException | DuplicateEventException | StreamDeletedException
                 | StreamNotFoundException e) {
            // A refusal can be caused by an append that is written but not yet readable. Report
            // it in order, after that append is visible, so a caller who reloads sees why.
            group.requests.add(r);
            group.completions.add(() -> r.fail(e));
        } catch (TributaryException e) {
            r.fail(e);
        } catch (IOException e) {
            r.fail(new StorageException("could not write to " + current.path() + ": " + e.getMessage()
                    + (isDiskFull(e) ? " (the disk is full: free space and retry)" : ""), e));
        }
    }

    private void processAppend(Request.Append a) throws IOException {
        addPendingIds(); // an earlier request of this group may have used the same ids
        List<StreamAppend> parts = a.parts();
        if (overlay.isEmpty() && parts.size() > 64) {
            // A request of many streams (a CDC transaction: one per row) fills the overlay: sized once, not rehashed as it grows.
            overlay = new HashMap<>(parts.size() * 4 / 3 + 1);
        }
        List<StreamRecord> states = new ArrayList<>(parts.size());
        List<AppendResult> duplicates = new ArrayList<>(parts.size());
        // Each part's name bytes and event-id hashes, computed once: the check and the write both use them.
        List<byte[]> names = a.names(); // encoded by the caller's thread
        List<long[]> idHashes = new ArrayList<>(parts.size());
        int dupCount = 0;
        for (int i = 0; i < parts.size(); i++) {
            StreamAppend p = parts.get(i);
            long streamHash = Keys.streamHash(names.get(i));
            long[] hashes = idHashes(p.events(), streamHash);
            idHashes.add(hashes);
            StreamRecord st = state(p.stream().value(), streamHash);
            AppendResult dup = check(p, st, hashes);
            if (dup != null) {
                dupCount++;
            }
            duplicates.add(dup);
            states.add(st);
        }
        if (dupCount == parts.size()) {
            // The original request's token is its last event: the greatest of the parts' last positions.
            long pos = duplicates.stream().mapToLong(AppendResult::position).max().orElse(-1);
            List<AppendResult> original = new ArrayList<>(duplicates.size());
            for (AppendResult d : duplicates) {
                original.add(new AppendResult(d.stream(), d.firstVersion(), d.lastVersion(), pos));
            }
            MultiAppendResult result = new MultiAppendResult(original, pos);
            group.requests.add(a);
            group.completions.add(() -> a.future().complete(result));
            return;
        }
        if (dupCount > 0) {
            for (int i = 0; i < parts.size(); i++) {
                if (duplicates.get(i) != null) {
                    StreamAppend p = parts.get(i);
                    throw new DuplicateEventException(p.stream(), p.events().get(0).eventId(),
                            "by an earlier append, but the other streams of this request are new");
                }
            }
        }
        ensureRoom(a.frameBytes());
        long ts = config.clock().millis();
        long firstPosition = nextPosition;
        Instant timestamp = Instant.ofEpochMilli(ts);
        List<RecordedEvent> recorded = new ArrayList<>(a.events());
        long[] firstVersions = new long[parts.size()];
        long position = firstPosition;
        for (int i = 0; i < parts.size(); i++) {
            StreamAppend p = parts.get(i);
            long firstVersion = states.get(i).lastVersion() + 1;
            position = recordPart(p, firstVersion, position, idHashes.get(i), timestamp, recorded);
            long lastVersion = firstVersion + p.events().size() - 1;
            overlay.put(p.stream().value(), states.get(i).withAppended(lastVersion, position - 1));
            firstVersions[i] = firstVersion;
        }
        long lastPosition = position - 1;
        nextPosition = position;
        List<AppendResult> finalResults = new ArrayList<>(parts.size());
        for (int i = 0; i < parts.size(); i++) {
            StreamAppend p = parts.get(i);
            finalResults.add(new AppendResult(p.stream(), firstVersions[i], firstVersions[i] + p.events().size() - 1,
                    lastPosition));
        }
        MultiAppendResult result = new MultiAppendResult(finalResults, lastPosition);
        encodeFrames(a, states, ts, firstPosition, recorded);
        group.requests.add(a);
        group.appends++;
        group.events += recorded.size();
        group.completions.add(() -> a.future().complete(result));
    }

    /**
     * Encodes the request's frames into the buffer (one, or a run for a large request, all but the
     * last marked continued) and adds each to the group with its events of {@code recorded}.
     */
    private void encodeFrames(Request.Append a, List<StreamRecord> states, long ts, long firstPosition,
                              List<RecordedEvent> recorded) {
        List<StreamAppend> parts = a.parts();
        List<byte[]> names = a.names();
        List<List<FrameCodec.Slice>> frames = a.plan().frames();
        if (frames == null) {
            List<FrameCodec.StreamPart> encodeParts = new ArrayList<>(parts.size());
            for (int i = 0; i < parts.size(); i++) {
                encodeParts.add(new FrameCodec.StreamPart(names.get(i), states.get(i).lastVersion() + 1, parts.get(i).events()));
            }
            long offset = tail.offset() + buf.position();
            FrameCodec.encodeEvents(buf, ts, firstPosition, encodeParts);
            group.frames.add(new Group.WrittenFrame(current.number(), offset, recorded));
            return;
        }
        long position = firstPosition;
        int from = 0;
        for (int k = 0; k < frames.size(); k++) {
            List<FrameCodec.StreamPart> encodeParts = new ArrayList<>(frames.get(k).size());
            int events = 0;
            for (FrameCodec.Slice sl : frames.get(k)) {
                encodeParts.add(new FrameCodec.StreamPart(names.get(sl.part()), states.get(sl.part()).lastVersion() + 1 + sl.from(),
                        parts.get(sl.part()).events().subList(sl.from(), sl.to())));
                events += sl.to() - sl.from();
            }
            long offset = tail.offset() + buf.position();
            FrameCodec.encodeEvents(buf, ts, position, encodeParts, k < frames.size() - 1);
            group.frames.add(new Group.WrittenFrame(current.number(), offset, recorded.subList(from, from + events)));
            position += events;
            from += events;
        }
    }

    /**
     * Records one part's events for readers from {@code version} and {@code position} and queues
     * their ids for the id index ({@link #addPendingIds}); returns the next position. Its own
     * method: small loops recompile cheaply when appends of very different shapes follow each other.
     */
    private long recordPart(StreamAppend p, long version, long position, long[] hashes, Instant timestamp,
                            List<RecordedEvent> out) {
        List<EventData> events = p.events();
        long v = version;
        long pos = position;
        for (int j = 0; j < hashes.length; j++) {
            EventData e = events.get(j);
            out.add(new RecordedEvent(p.stream(), v++, pos++, e.eventId(), e.type(), e.data(), e.metadata(), timestamp));
        }
        pendingIds.add(new PendingIds(hashes, position));
        return pos;
    }

    /**
     * Records the ids of the requests processed since the last call in the id index. Deferred so
     * that the last request of a group records them after its completion, while its caller
     * prepares the next append, instead of before the write: called before any check, before the
     * index may freeze its table, and after each group's completion.
     */
    private void addPendingIds() {
        for (int k = 0; k < pendingIds.size(); k++) {
            PendingIds p = pendingIds.get(k);
            long[] hashes = p.hashes();
            long position = p.firstPosition();
            for (int j = 0; j < hashes.length; j++) {
                ids.add(hashes[j], position + j);
            }
        }
        pendingIds.clear();
    }

    private static long[] idHashes(List<EventData> events, long streamHash) {
        long[] hashes = new long[events.size()];
        for (int j = 0; j < hashes.length; j++) {
            hashes[j] = KeyFilter.idHash(events.get(j).eventId(), streamHash);
        }
        return hashes;
    }

    /**
     * Checks one stream part. Returns null when it may be appended, the original result when it
     * repeats an earlier append, or throws. Event ids are unique within a stream: a request
     * that reuses recorded ids is either an exact repeat (same ids, same order, same place) or
     * rejected.
     */
    private AppendResult check(StreamAppend p, StreamRecord st, long[] idHashes) {
        StreamName stream = p.stream();
        if (st.state() == StreamRecord.TOMBSTONED) {
            throw new StreamDeletedException(stream);
        }
        List<EventData> events = p.events();
        // A stream that never had an event (lastVersion is of the last event ever appended, in flight included:
        // the overlay and the cache hold streams of groups the index does not have yet) has recorded no event id,
        // so the id look-up can only miss: a new stream's first append skips it.
        List<Index.EventIdEntry> seen = st.lastVersion() < 0 ? null : recordedIds(stream.value(), events, idHashes);
        long cur = st.currentVersion();
        ExpectedVersion ev = p.expected();
        if (seen != null) {
            AppendResult repeat = asRepeat(stream, ev, seen);
            if (repeat != null) {
                return repeat;
            }
            for (int i = 0; i < events.size(); i++) {
                Index.EventIdEntry e = seen.get(i);
                if (e != null) {
                    throw new DuplicateEventException(stream, events.get(i).eventId(), "at version " + e.version()
                            + " of this stream" + (ev instanceof ExpectedVersion.Exact x && x.version() == cur
                            ? "" : " (and the stream is at version " + cur + ", expected " + ev + ")"));
                }
            }
        }
        boolean ok = ev == ExpectedVersion.any()
                || (ev == ExpectedVersion.noStream() && cur < 0)
                || (ev == ExpectedVersion.streamExists() && cur >= 0)
                || (ev instanceof ExpectedVersion.Exact e && e.version() == cur);
        if (!ok) {
            throw new WrongExpectedVersionException(stream, ev, cur);
        }
        return null;
    }

    /**
     * Where the events' ids are recorded in {@code stream}: null when none is, else one entry per
     * event (null for the new ones). The id filter answers "new" for almost every new id; for the
     * others the id index names candidate positions, each confirmed by reading the event there.
     */
    private List<Index.EventIdEntry> recordedIds(String stream, List<EventData> events, long[] idHashes) {
        Index.EventIdEntry[] found = null;
        boolean[] maybe = ids.markMaybe(idHashes);
        for (int i = 0; i < events.size(); i++) {
            if (!maybe[i]) {
                continue; // certainly new: no look-up
            }
            UUID id = events.get(i).eventId();
            RecordedEvent[] match = new RecordedEvent[1];
            ids.find(idHashes[i], p -> {
                RecordedEvent e = eventAt(p);
                boolean same = e != null && e.eventId().equals(id) && e.stream().value().equals(stream);
                match[0] = same ? e : null;
                return same;
            });
            if (match[0] != null) {
                if (found == null) {
                    found = new Index.EventIdEntry[events.size()];
                }
                found[i] = new Index.EventIdEntry(match[0].version(), match[0].position(), stream);
            }
        }
        return found == null ? null : java.util.Arrays.asList(found);
    }

    /** The event at {@code position}: from a group not yet visible to readers, else read from the log. */
    private RecordedEvent eventAt(long position) {
        RecordedEvent e = findIn(group.frames, position);
        if (e != null) {
            return e;
        }
        for (GroupFrames g : unapplied) {
            e = findIn(g.frames(), position);
            if (e != null) {
                return e;
            }
        }
        GroupFrames oldest = unapplied.peek();
        List<Group.WrittenFrame> oldestFrames = oldest != null ? oldest.frames() : group.frames;
        if (!oldestFrames.isEmpty() && position >= oldestFrames.get(0).events().get(0).position()) {
            return null; // a position of the groups not visible yet: they were searched above
        }
        return visibleEvent.apply(position);
    }

    private static RecordedEvent findIn(List<Group.WrittenFrame> frames, long position) {
        for (Group.WrittenFrame f : frames) {
            List<RecordedEvent> events = f.events();
            long first = events.get(0).position();
            long last = events.get(events.size() - 1).position();
            if (position >= first && position <= last) {
                RecordedEvent e = events.get((int) (position - first));
                return e.position() == position ? e : null;
            }
        }
        return null;
    }

    /** The original result if {@code seen} covers every event, consecutively, at the expected place. */
    private static AppendResult asRepeat(StreamName stream, ExpectedVersion ev, List<Index.EventIdEntry> seen) {
        Index.EventIdEntry first = seen.get(0);
        if (first == null) {
            return null;
        }
        for (int i = 1; i < seen.size(); i++) {
            Index.EventIdEntry e = seen.get(i);
            if (e == null || e.version() != first.version() + i) {
                return null;
            }
        }
        if (ev instanceof ExpectedVersion.Exact x && x.version() + 1 != first.version()) {
            return null;
        }
        Index.EventIdEntry last = seen.get(seen.size() - 1);
        return new AppendResult(stream, first.version(), last.version(), last.position());
    }

    private void processMetadata(Request.SetMetadata m) throws IOException {
        String name = m.stream().value();
        StreamRecord st = state(name, Keys.streamHash(Keys.utf8(name)));
        if (st.state() == StreamRecord.TOMBSTONED) {
            throw new StreamDeletedException(m.stream());
        }
        ensureRoom(m.frameBytes());
        FrameCodec.encodeMetadata(buf, config.clock().millis(), Keys.utf8(name), m.metadata());
        overlay.put(name, st.withMetadata(m.metadata()));
        group.requests.add(m);
        group.completions.add(() -> m.future().complete(null));
    }

    private void processDelete(Request.Delete d) throws IOException {
        String name = d.stream().value();
        StreamRecord st = state(name, Keys.streamHash(Keys.utf8(name)));
        if (st.state() == StreamRecord.TOMBSTONED) {
            throw new StreamDeletedException(d.stream());
        }
        long cur = st.currentVersion();
        ExpectedVersion ev = d.expected();
        boolean ok = ev == ExpectedVersion.any()
                || (ev == ExpectedVersion.noStream() && cur < 0)
                || (ev == ExpectedVersion.streamExists() && cur >= 0)
                || (ev instanceof ExpectedVersion.Exact e && e.version() == cur);
        if (!ok) {
            throw new WrongExpectedVersionException(d.stream(), ev, cur);
        }
        if (!d.hard() && cur < 0) {
            throw new StreamNotFoundException(d.stream());
        }
        ensureRoom(d.frameBytes());
        FrameCodec.encodeDelete(buf, config.clock().millis(), Keys.utf8(name), st.lastVersion(), d.hard());
        overlay.put(name, st.deleted(d.hard()));
        group.requests.add(d);
        group.completions.add(() -> d.future().complete(null));
    }

    /**
     * The stream's state as the writer sees it: this group, then the cache, then the index.
     * {@code rawHash} is {@link Keys#streamHash} of the name.
     */
    private StreamRecord state(String name, long rawHash) {
        StreamRecord st = overlay.get(name);
        if (st != null) {
            return st;
        }
        st = cache.get(name);
        if (st != null) {
            return st;
        }
        long hash = KeyFilter.streamHashOfRaw(rawHash);
        st = streamFilter.mightContain(hash) ? index.stream(name) : null;
        if (st == null) {
            // Not in the index: remember it as (about to be) recorded, so a later look-up asks the
            // index. Not cached: if it is appended, the group's flush caches it (a CDC insert is a
            // new stream per row: one cache entry instead of two).
            streamFilter.addIfAbsent(hash);
            return StreamRecord.NEW;
        }
        cache.put(name, st, 0, indexer.indexedSeq());
        return st;
    }

    /** Makes room for a frame of {@code frameBytes}: flushes the group and rolls if it does not fit. */
    private void ensureRoom(int frameBytes) throws IOException {
        if (buf.position() + frameBytes > buf.capacity()) {
            // A request larger than the usual buffer: the group so far is written first, then this
            // request alone through a buffer of its size (dropped after its write).
            if (!flush()) {
                throw new StorageException("could not write to " + current.path() + "; the append was not written", null);
            }
            if (frameBytes > buf.capacity()) {
                buf = largeBuffer(frameBytes + (64 << 10));
            }
        }
        if (tail.offset() + buf.position() + frameBytes <= segments.segmentSize()) {
            return;
        }
        if (!flush()) {
            throw new StorageException("could not write to " + current.path() + "; the append was not written", null);
        }
        roll();
    }

    /** The large buffer, grown to at least {@code bytes}; a failed allocation fails only this request. */
    private ByteBuffer largeBuffer(int bytes) {
        flushesSinceLarge = 0;
        if (largeBuf == null || largeBuf.capacity() < bytes) {
            largeBuf = null;
            try {
                largeBuf = ByteBuffer.allocateDirect(bytes);
            } catch (OutOfMemoryError e) {
                throw new StorageException("no direct memory for a write buffer of " + bytes + " bytes for this append"
                        + " (raise -XX:MaxDirectMemorySize, or send smaller appends); nothing was written", e);
            }
        }
        largeBuf.clear();
        return largeBuf;
    }

    // ---------------------------------------------------------------- writing

    /**
     * Writes the group with one call, syncs per durability, and hands it to the indexer.
     * Returns false if the write failed (the group's requests were failed, nothing is written).
     */
    private boolean flush() {
        if (buf.position() == 0 && group.completions.isEmpty()) {
            return true;
        }
        int len = buf.position();
        if (len > 0 && group.events >= Indexer.PREBUILD_MIN_EVENTS && !group.frames.isEmpty()) {
            // A large group's index batch is built while it is written and synced (a CDC transaction of 100,000
            // rows: ~90 ms of index work that otherwise follows the fsync). The overlay is not changed from here on.
            group.prebuilt = indexer.prebuild(group.frames, overlay);
        }
        if (len > 0) {
            buf.flip();
            try {
                current.channel().writeFully(buf, tail.offset());
            } catch (IOException e) {
                buf.clear();
                buf = normalBuf;
                abortGroup(e);
                return false;
            }
            buf.clear();
            buf = normalBuf;
            if (largeBuf != null && ++flushesSinceLarge > 10_000) {
                largeBuf = null; // unused for 10,000 writes: give its memory back
            }
            if (config.durability() == Durability.fsync()) {
                sync();
            } else {
                unsynced = true;
            }
            bytesWritten.addAndGet(len);
            groupCommits.incrementAndGet();
        }
        tail = new Checkpoint(current.number(), tail.offset() + len, nextPosition);
        Group g = group;
        g.end = tail;
        g.lastPosition = nextPosition - 1;
        g.seq = ++seq;
        g.bytes = len;
        g.streams = overlay;
        Map<String, StreamRecord> written = overlay;
        overlay = new HashMap<>();
        group = new Group();
        if (!g.frames.isEmpty()) {
            unapplied.add(new GroupFrames(g.seq, g.frames));
        }
        if (!queue.isEmpty() || !indexer.tryApplyNow(g)) {
            indexer.enqueue(g);
        }
        // The streams' new states go to the cache once the group is handed over (applied here and its appends completed,
        // or queued): only this thread reads the cache, and it processes the next request after this. A CDC transaction
        // of 100,000 rows puts 100,000 streams: 10-50 ms that no longer delay its completion.
        long indexed = indexer.indexedSeq();
        for (Map.Entry<String, StreamRecord> e : written.entrySet()) {
            cache.put(e.getKey(), e.getValue(), g.seq, indexed);
        }
        addPendingIds();
        ids.maybeFreeze(nextPosition);
        return true;
    }

    /** Forgets the groups the indexer has made visible (their events are read from the log from now on). */
    private void dropApplied() {
        long done = indexer.indexedSeq();
        GroupFrames g;
        while ((g = unapplied.peek()) != null && g.seq() <= done) {
            unapplied.poll();
        }
    }

    /**
     * A write failed: wipe whatever part of the group reached the file (so a crash cannot bring
     * it back), then fail the group's requests and undo its state.
     */
    private void abortGroup(IOException cause) {
        Indexer.discardPrebuilt(group); // before the overlay it reads is cleared
        try {
            TailRecovery.zeroDirtyRegion(current, tail.offset(), Math.min(segments.segmentSize(),
                    tail.offset() + maxWriteBytes(config)));
        } catch (IOException e) {
            fail("could not wipe a failed write in " + current.path() + ": " + e.getMessage(), e);
            return;
        }
        StorageException error = new StorageException("could not write to " + current.path() + ": " + cause.getMessage()
                + (isDiskFull(cause) ? " (the disk is full: free space and retry)" : "")
                + "; the append was not written", cause);
        for (Request r : group.requests) {
            r.fail(error);
        }
        // Completing an already failed future does nothing, so the group's completions can be
        // kept: what remains are the results of repeated appends, which do not depend on it.
        List<Runnable> keep = group.completions;
        group = new Group();
        group.completions.addAll(keep);
        overlay.clear();
        nextPosition = tail.nextPosition();
        pendingIds.clear();
        ids.truncateFrom(nextPosition); // the ids of the group that was not written
    }

    private void sync() {
        try {
            long start = System.nanoTime();
            current.channel().force();
            long end = System.nanoTime();
            fsyncs.incrementAndGet();
            fsyncNanos.addAndGet(end - start);
            if (end - start > maxFsyncNanos.get()) {
                maxFsyncNanos.set(end - start); // only the writer thread writes it
            }
            unsynced = false;
            lastSyncNanos = end;
        } catch (IOException e) {
            Indexer.discardPrebuilt(group);
            // After a failed fsync the kernel may have dropped dirty pages: nothing written since
            // the last good fsync can be trusted, so this instance must stop (reopen to recover).
            fail("fsync of " + current.path() + " failed: " + e.getMessage()
                    + "; the store stopped accepting writes, reopen it to recover", e);
            throw failure;
        }
    }

    private void afterFlush() {
        maybePrepareNextSegment();
        if (unsynced && config.durability() instanceof Durability.Interval i
                && System.nanoTime() - lastSyncNanos >= TimeUnit.MILLISECONDS.toNanos(i.flushIntervalMs())) {
            sync();
        }
        if (System.nanoTime() - lastCheckpointNanos >= TimeUnit.MILLISECONDS.toNanos(config.checkpointIntervalMs())) {
            syncAndCheckpoint();
        }
    }

    private void onIdle() {
        if (failure != null) {
            return;
        }
        dropApplied();
        afterFlush();
    }

    /**
     * Syncs the current segment if needed and records the tail in the checkpoint file. A failed
     * checkpoint write is not fatal: the previous checkpoint stays valid (it only lags), and the
     * write is tried again at the next interval.
     */
    private void syncAndCheckpoint() {
        if (failure != null) {
            return;
        }
        if (unsynced) {
            sync();
        }
        lastCheckpointNanos = System.nanoTime();
        if (tail.equals(lastCheckpointWritten)) {
            return;
        }
        try {
            segments.io().writeAtomically(checkpointFile, tail.toBytes());
            lastCheckpointWritten = tail;
        } catch (IOException e) {
            LOG.warn("could not update the checkpoint file {}: {}{}; will retry", checkpointFile, e.getMessage(),
                    isDiskFull(e) ? " (the disk is full)" : "");
        }
    }

    /**
     * Seals the current segment and continues in a new one. The writer moves over only once the
     * checkpoint names the new segment; if anything fails it stays where it was.
     */
    private void roll() throws IOException {
        if (unsynced || config.durability() != Durability.fsync()) {
            sync();
        }
        long number = current.number() + 1;
        Segment next = segments.get(number); // left by an earlier roll that failed at the checkpoint
        if (next == null) {
            Path prepared = takePrepared(number);
            next = prepared != null ? segments.install(number, prepared) : segments.create(number);
        }
        Checkpoint moved = new Checkpoint(number, Segment.HEADER_BYTES, nextPosition);
        segments.io().writeAtomically(checkpointFile, moved.toBytes());
        tail = moved;
        current = next;
        lastCheckpointWritten = tail;
        lastCheckpointNanos = System.nanoTime();
    }

    /** Starts preallocating the next segment in the background once the current one is half full. */
    private void maybePrepareNextSegment() {
        if (preparedNext != null || tail.offset() < segments.segmentSize() / 2) {
            return;
        }
        long number = current.number() + 1;
        preparedNumber = number;
        preparedNext = preallocator.submit(() -> segments.prepare(number));
    }

    private Path takePrepared(long number) {
        if (preparedNext == null || preparedNumber != number) {
            return null;
        }
        try {
            return preparedNext.get();
        } catch (Exception e) {
            LOG.warn("preallocating segment {} in the background failed ({}); creating it now", number, e.toString());
            return null;
        } finally {
            preparedNext = null;
        }
    }

    private void fail(String message, Throwable cause) {
        if (failure == null) {
            failure = new StoreFailedException(message, cause);
            LOG.error(message, cause);
        }
        for (Request r : group.requests) {
            r.fail(failure);
        }
        group = new Group();
        overlay.clear();
        pendingIds.clear();
        indexer.writerFailed();
    }

    private static boolean isDiskFull(IOException e) {
        String m = e.getMessage();
        return m != null && (m.contains("No space left") || m.contains("ENOSPC") || m.contains("Disk quota"));
    }
}
