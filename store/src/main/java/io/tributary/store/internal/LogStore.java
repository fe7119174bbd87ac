package io.tributary.store.internal;

import io.tributary.core.AppendResult;
import io.tributary.core.Direction;
import io.tributary.core.EventData;
import io.tributary.core.ExpectedVersion;
import io.tributary.core.InvalidRequestException;
import io.tributary.core.ListStreamsRequest;
import io.tributary.core.MultiAppendResult;
import io.tributary.core.PayloadTooLargeException;
import io.tributary.core.ReadFilter;
import io.tributary.core.ReadSlice;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StorageException;
import io.tributary.core.StoreClosedException;
import io.tributary.core.StreamAppend;
import io.tributary.core.StreamInfo;
import io.tributary.core.StreamMetadata;
import io.tributary.core.StreamName;
import io.tributary.core.Subscription;
import io.tributary.core.TributaryException;
import io.tributary.store.DataDirectoryLockedException;
import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.ScavengeResult;
import io.tributary.store.StoreConfig;
import io.tributary.store.StoreStats;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.rocksdb.RocksIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded event store: segment log + RocksDB index + writer/indexer pipeline.
 * Construct with {@link #open}.
 */
public final class LogStore implements EmbeddedEventStore {
    private static final Logger LOG = LoggerFactory.getLogger(LogStore.class);
    /** Largest page a read may ask for. */
    static final int MAX_READ = 10_000;
    private static final int RECENT_EVENTS = 1 << 16;

    private final StoreConfig config;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final SegmentSet segments;
    private final Index index;
    private final Indexer indexer;
    private final IdIndex ids;
    private final KeyFilter streamFilter;
    private final Writer writer;
    private final LogReader reader;
    private final HeadNotifier notifier;
    private final RecentEvents recent;
    private final ReentrantReadWriteLock closeLock = new ReentrantReadWriteLock();
    private final Object scavengeLock = new Object();
    private volatile boolean closed;

    private LogStore(StoreConfig config, FileIO io, FileChannel lockChannel, FileLock lock) throws IOException {
        this.config = config;
        this.lockChannel = lockChannel;
        this.lock = lock;
        Path dir = config.dataDirectory();
        int maxFrame = maxFrameBytes(config);
        SegmentSet segs = null;
        Index idx = null;
        KeyFilter streamsFilter = null;
        IdIndex ids = null;
        try {
            segs = SegmentSet.open(dir.resolve("log"), io, config.segmentSizeBytes());
            Path checkpointFile = dir.resolve("checkpoint");
            Checkpoint saved = readCheckpoint(checkpointFile);
            if (saved != null && Scavenger.pendingMarker(dir) != null) {
                LOG.warn("a scavenge was interrupted; the index will be rebuilt from the log");
            }
            TailRecovery.Result recovered = TailRecovery.recover(segs, saved, maxFrame, Writer.maxWriteBytes(config));
            Checkpoint tail = recovered.tail();
            io.writeAtomically(checkpointFile, tail.toBytes());

            Path indexDir = dir.resolve("index");
            if (Scavenger.pendingMarker(dir) != null) {
                Index.destroy(indexDir);
                Files.deleteIfExists(Scavenger.pendingMarker(dir));
            }
            idx = openIndex(indexDir);
            Checkpoint indexed = idx.checkpoint();
            String rebuild = null;
            if (!idx.hasCurrentFormat()) {
                rebuild = "it was written by another version of Tributary";
            } else if (indexed != null && (!tail.atOrAfter(indexed) || indexed.nextPosition() > tail.nextPosition())) {
                rebuild = "it is ahead of the log (index at " + indexed + ", log ends at " + tail + ")";
            }
            if (rebuild != null) {
                LOG.warn("rebuilding the index from the log: {}", rebuild);
                idx.close();
                Index.destroy(indexDir);
                idx = openIndex(indexDir);
                indexed = null;
            }
            Checkpoint start = new Checkpoint(segs.all().get(0).number(), Segment.HEADER_BYTES, 0);
            IndexCatchUp.run(idx, segs, indexed != null ? indexed : start, tail, maxFrame);
            ids = IdIndex.open(indexDir.resolve(Index.ID_DIR), io, segs, idx, tail, maxFrame);

            this.segments = segs;
            this.index = idx;
            this.notifier = new HeadNotifier();
            this.recent = new RecentEvents(RECENT_EVENTS);
            this.indexer = new Indexer(idx, recent, notifier, new Indexer.Visible(tail.nextPosition() - 1, tail));
            streamsFilter = KeyFilter.streams(idx);
            this.streamFilter = streamsFilter;
            this.ids = ids;
            Supplier<Indexer.Visible> visible = indexer::visible;
            this.reader = new LogReader(segs, idx, recent, visible, maxFrame, config.clock());
            LogReader r = reader;
            this.writer = new Writer(config, segs, idx, indexer, notifier, tail, checkpointFile, streamsFilter,
                    ids, p -> {
                        List<RecordedEvent> found = r.eventsAt(new long[] {p}, 1);
                        return found.isEmpty() ? null : found.get(0);
                    });
            indexer.start();
            writer.start();
        } catch (IOException | RuntimeException e) {
            if (streamsFilter != null) {
                streamsFilter.close();
            }
            if (ids != null) {
                ids.close();
            }
            if (idx != null) {
                idx.close();
            }
            if (segs != null) {
                segs.close();
            }
            throw e;
        }
    }

    /** Opens the store described by {@code config} on the real file system. */
    public static LogStore open(StoreConfig config) {
        return open(config, RealFileIO.INSTANCE);
    }

    /** Opens the store with a given file layer (tests inject faults through it). */
    public static LogStore open(StoreConfig config, FileIO io) {
        Path dir = config.dataDirectory();
        FileChannel ch = null;
        FileLock lock = null;
        try {
            Files.createDirectories(dir);
            ch = FileChannel.open(dir.resolve("LOCK"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new DataDirectoryLockedException(dir);
            }
            return new LogStore(config, io, ch, lock);
        } catch (IOException e) {
            release(ch, lock);
            throw new StorageException("cannot open the store in " + dir + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            release(ch, lock);
            throw e;
        }
    }

    private static void release(FileChannel ch, FileLock lock) {
        try {
            if (lock != null) {
                lock.release();
            }
            if (ch != null) {
                ch.close();
            }
        } catch (IOException ignored) {
            // best effort on a failed open
        }
    }

    private static Index openIndex(Path indexDir) {
        try {
            return Index.open(indexDir);
        } catch (StorageException e) {
            LOG.warn("the index in {} cannot be opened ({}); rebuilding it from the log", indexDir, e.getMessage());
            Index.destroy(indexDir);
            return Index.open(indexDir);
        }
    }

    private static Checkpoint readCheckpoint(Path file) throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        Checkpoint cp = Checkpoint.fromBytes(Files.readAllBytes(file));
        if (cp == null) {
            LOG.warn("the checkpoint file {} is not valid; recovering by scanning the log", file);
        }
        return cp;
    }

    /** Largest frame that can exist: a maximal request plus framing. */
    static int maxFrameBytes(StoreConfig config) {
        return config.maxRequestBytes() + (1 << 16);
    }

    // ------------------------------------------------------------------ appends

    @Override
    public CompletableFuture<AppendResult> append(StreamName stream, ExpectedVersion expected, List<EventData> events) {
        if (stream == null) {
            throw new InvalidRequestException("stream must not be null");
        }
        StreamAppend part = new StreamAppend(stream, expected, events);
        return appendAll(List.of(part)).thenApply(r -> r.results().get(0));
    }

    @Override
    public CompletableFuture<MultiAppendResult> appendAll(List<StreamAppend> appends) {
        if (appends == null || appends.isEmpty()) {
            throw new InvalidRequestException("an append must name at least one stream");
        }
        StreamName twiceNamed = repeatedStream(appends);
        if (twiceNamed != null) {
            throw new InvalidRequestException("stream '" + twiceNamed + "' appears more than once in one append;"
                    + " put all its events in one part");
        }
        int events = 0;
        List<byte[]> names = new ArrayList<>(appends.size());
        List<List<EventData>> partEvents = new ArrayList<>(appends.size());
        for (StreamAppend a : appends) {
            int i = 0;
            UUID twice = repeatedId(a.events());
            if (twice != null) {
                throw new InvalidRequestException("event id " + twice + " appears twice in the append to '"
                        + a.stream() + "'; every event needs its own id");
            }
            int max = config.maxEventBytes();
            for (EventData e : a.events()) {
                // A type takes at most 3 UTF-8 bytes per char: most events need no exact count.
                if ((long) e.data().length + e.metadata().length + 3L * e.type().length() <= max) {
                    i++;
                    continue;
                }
                int size = e.sizeBytes();
                if (size > max) {
                    throw new PayloadTooLargeException("event " + i + " (" + e.type() + ") of the append to '"
                            + a.stream() + "'", size, config.maxEventBytes());
                }
                i++;
            }
            events += a.events().size();
            names.add(Keys.utf8(a.stream().value()));
            partEvents.add(a.events());
        }
        FrameCodec.Plan plan = FrameCodec.plan(names, partEvents);
        if (plan.bytes() > config.maxRequestBytes()) {
            throw new PayloadTooLargeException("the append request", plan.bytes(), config.maxRequestBytes());
        }
        CompletableFuture<MultiAppendResult> f = new CompletableFuture<>();
        // An ArrayList whatever the size (List.copyOf's class differs for up to two parts, and
        // alternating shapes deoptimised the writer's loops: JFR, BENCHMARKS.md, CDC section).
        writer.submit(new Request.Append(new ArrayList<>(appends), names, f, plan, events));
        return f;
    }

    /**
     * A stream named by two parts of {@code appends}, or null; throws if a part is null. An
     * open-addressing table of indexes (a CDC append names a stream per row of a transaction).
     */
    static StreamName repeatedStream(List<StreamAppend> appends) {
        int n = appends.size();
        for (StreamAppend a : appends) {
            if (a == null) {
                throw new InvalidRequestException("an append contains a null stream part");
            }
        }
        int i = firstRepeat(n, k -> {
            int h = appends.get(k).stream().value().hashCode() * 0x9E3779B9;
            return h ^ (h >>> 16);
        }, (x, y) -> appends.get(x).stream().equals(appends.get(y).stream()));
        return i < 0 ? null : appends.get(i).stream();
    }

    /** An id that occurs twice among {@code events}, or null. */
    static UUID repeatedId(List<EventData> events) {
        int i = firstRepeat(events.size(), k -> {
            UUID id = events.get(k).eventId();
            long h = (id.getMostSignificantBits() * 0x9E3779B97F4A7C15L) ^ id.getLeastSignificantBits();
            return (int) (h ^ (h >>> 32));
        }, (x, y) -> events.get(x).eventId().equals(events.get(y).eventId()));
        return i < 0 ? null : events.get(i).eventId();
    }

    /**
     * The index of the first of {@code n} items equal to an earlier one, or -1: an open-addressing
     * table of indexes (no boxing, no entry objects — a CDC append names a stream per row).
     */
    private static int firstRepeat(int n, java.util.function.IntUnaryOperator hash, SameItems same) {
        if (n < 2) {
            return -1;
        }
        int[] slots = new int[Integer.highestOneBit(n * 2 - 1) * 2];
        int mask = slots.length - 1;
        for (int i = 0; i < n; i++) {
            int slot = hash.applyAsInt(i) & mask;
            while (slots[slot] != 0) {
                if (same.test(slots[slot] - 1, i)) {
                    return i;
                }
                slot = (slot + 1) & mask;
            }
            slots[slot] = i + 1;
        }
        return -1;
    }

    @Override
    public CompletableFuture<Void> setStreamMetadata(StreamName stream, StreamMetadata metadata) {
        if (stream == null || metadata == null) {
            throw new InvalidRequestException("stream and metadata must not be null");
        }
        if (metadata.custom().length > config.maxEventBytes()) {
            throw new PayloadTooLargeException("custom stream metadata", metadata.custom().length, config.maxEventBytes());
        }
        CompletableFuture<Void> f = new CompletableFuture<>();
        writer.submit(new Request.SetMetadata(stream, metadata, f,
                FrameCodec.metadataFrameSize(Keys.utf8(stream.value()), metadata)));
        return f;
    }

    @Override
    public CompletableFuture<Void> deleteStream(StreamName stream, ExpectedVersion expected, boolean hard) {
        if (stream == null || expected == null) {
            throw new InvalidRequestException("stream and expected version must not be null");
        }
        CompletableFuture<Void> f = new CompletableFuture<>();
        writer.submit(new Request.Delete(stream, expected, hard, f, FrameCodec.deleteFrameSize(Keys.utf8(stream.value()))));
        return f;
    }

    // ------------------------------------------------------------------ reads

    @Override
    public ReadSlice readStream(StreamName stream, long fromVersion, int maxCount, Direction direction) {
        if (stream == null || direction == null) {
            throw new InvalidRequestException("stream and direction must not be null");
        }
        checkRead(fromVersion, maxCount, "fromVersion");
        return guarded(() -> reader.readStream(stream, fromVersion, maxCount, direction));
    }

    @Override
    public ReadSlice readAll(long fromPosition, int maxCount, Direction direction, ReadFilter filter) {
        if (direction == null || filter == null) {
            throw new InvalidRequestException("direction and filter must not be null (use ReadFilter.all())");
        }
        checkRead(fromPosition, maxCount, "fromPosition");
        return guarded(() -> (direction == Direction.FORWARD
                ? reader.forward(fromPosition, maxCount, filter)
                : reader.backward(fromPosition, maxCount, filter)).toSlice());
    }

    private static void checkRead(long from, int maxCount, String what) {
        if (from < 0) {
            throw new InvalidRequestException(what + " must be >= 0, got " + from);
        }
        if (maxCount < 1 || maxCount > MAX_READ) {
            throw new InvalidRequestException("maxCount must be between 1 and " + MAX_READ + ", got " + maxCount);
        }
    }

    @Override
    public Subscription subscribeToAll(long fromPosition, ReadFilter filter) {
        if (fromPosition < 0) {
            throw new InvalidRequestException("fromPosition must be >= 0, got " + fromPosition);
        }
        if (filter == null) {
            throw new InvalidRequestException("filter must not be null (use ReadFilter.all())");
        }
        checkOpen();
        return new LogSubscription(guardedReader(), notifier, () -> closed, filter, null, fromPosition);
    }

    @Override
    public Subscription subscribeToStream(StreamName stream, long fromVersion) {
        if (stream == null) {
            throw new InvalidRequestException("stream must not be null");
        }
        if (fromVersion < 0) {
            throw new InvalidRequestException("fromVersion must be >= 0, got " + fromVersion);
        }
        checkOpen();
        return new LogSubscription(guardedReader(), notifier, () -> closed, ReadFilter.all(), stream, fromVersion);
    }

    /** The reader, wrapped so subscription reads cannot race with close. */
    private LogSubscription.Source guardedReader() {
        return new GuardedSource();
    }

    @Override
    public StreamMetadata getStreamMetadata(StreamName stream) {
        if (stream == null) {
            throw new InvalidRequestException("stream must not be null");
        }
        return guarded(() -> {
            StreamRecord r = index.stream(stream.value());
            return r == null ? StreamMetadata.none() : r.metadata();
        });
    }

    @Override
    public Optional<StreamInfo> streamInfo(StreamName stream) {
        if (stream == null) {
            throw new InvalidRequestException("stream must not be null");
        }
        return guarded(() -> {
            StreamRecord r = index.stream(stream.value());
            return r != null && r.exists()
                    ? Optional.of(new StreamInfo(stream, r.lastVersion(), r.lastPosition()))
                    : Optional.<StreamInfo>empty();
        });
    }

    @Override
    public List<StreamInfo> listStreams(ListStreamsRequest request) {
        if (request == null) {
            throw new InvalidRequestException("request must not be null");
        }
        return guarded(() -> {
            String prefix = request.category().map(c -> c).orElse(request.prefix());
            String start = request.after().filter(a -> a.compareTo(prefix) >= 0).orElse(prefix);
            List<StreamInfo> out = new ArrayList<>();
            try (RocksIterator it = index.iterator(index.streams)) {
                it.seek(Keys.utf8(start));
                for (; it.isValid() && out.size() < request.limit(); it.next()) {
                    String name = new String(it.key(), java.nio.charset.StandardCharsets.UTF_8);
                    if (request.after().isPresent() && name.equals(request.after().get())) {
                        continue;
                    }
                    if (!name.startsWith(prefix)) {
                        break;
                    }
                    if (request.category().isPresent() && !StreamName.categoryOf(name).equals(request.category().get())) {
                        continue;
                    }
                    if (!request.prefix().isEmpty() && !name.startsWith(request.prefix())) {
                        continue;
                    }
                    StreamRecord r = StreamRecord.fromBytes(it.value());
                    if (r.exists()) {
                        out.add(new StreamInfo(new StreamName(name), r.lastVersion(), r.lastPosition()));
                    }
                }
            }
            return out;
        });
    }

    @Override
    public long headPosition() {
        checkOpen();
        return indexer.visible().head();
    }

    // ------------------------------------------------------------------ embedded extras

    @Override
    public ScavengeResult scavenge() {
        synchronized (scavengeLock) {
            return guarded(() -> new Scavenger(config, segments, index, indexer::visible, recent).run());
        }
    }

    @Override
    public Path dataDirectory() {
        return config.dataDirectory();
    }

    @Override
    public StoreStats stats() {
        return new StoreStats(indexer.visible().head(), indexer.appendsCompleted.get(), indexer.eventsCompleted.get(),
                writer.bytesWritten.get(), writer.fsyncs.get(), writer.fsyncNanos.get(), writer.maxFsyncNanos.get(), writer.groupCommits.get(), segments.count(),
                writer.queued());
    }

    /** The failure that stopped the store accepting writes, if any. */
    public Optional<TributaryException> failure() {
        return Optional.ofNullable(writer.failure());
    }

    // ------------------------------------------------------------------ lifecycle

    private void checkOpen() {
        if (closed) {
            throw new StoreClosedException("the store in " + config.dataDirectory() + " is closed");
        }
    }

    /** Runs a read under the close guard: the index cannot be closed underneath it. */
    <T> T guarded(Supplier<T> read) {
        closeLock.readLock().lock();
        try {
            checkOpen();
            return read.get();
        } finally {
            closeLock.readLock().unlock();
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        writer.close();
        streamFilter.close();
        ids.close();
        closeLock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            notifier.signalAll();
            try {
                index.flush();
            } catch (RuntimeException e) {
                LOG.warn("flushing the index on close failed; it will be caught up on the next open", e);
            }
            index.close();
            segments.close();
        } finally {
            closeLock.writeLock().unlock();
            release(lockChannel, lock);
        }
    }

    /** True once the event ids and stream names in the index at open are loaded into the writer's filters. */
    boolean filtersLoaded() {
        return ids.filterBuilt() && streamFilter.loaded();
    }

    /** Whether items {@code a} and {@code b} are equal (indexes: no boxing). */
    @FunctionalInterface
    private interface SameItems {
        boolean test(int a, int b);
    }

    /** Subscription reads, each under the store's close guard. */
    private final class GuardedSource implements LogSubscription.Source {
        @Override
        public LogReader.ViewRead forwardViews(long from, int max, ReadFilter filter, io.tributary.core.EventView.Handler handler) {
            // The handler runs under the close guard: a close waits for the batch being handed over.
            return guarded(() -> reader.forwardViews(from, max, filter, handler));
        }

        @Override
        public StreamRecord readableStream(StreamName stream) {
            return guarded(() -> reader.readableStream(stream));
        }

        @Override
        public ReadSlice readStream(StreamName stream, long from, int max, Direction direction) {
            return guarded(() -> reader.readStream(stream, from, max, direction));
        }
    }
}
