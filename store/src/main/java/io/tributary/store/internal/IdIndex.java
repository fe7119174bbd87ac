package io.tributary.store.internal;

import io.tributary.core.RecordedEvent;
import io.tributary.core.StorageException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event-id index: which positions hold an event with a given id hash
 * ({@link KeyFilter#idHash}: the id and its stream). Kept next to the log, not in RocksDB: a key
 * per event in an LSM tree cost more CPU (insert, flush, compaction of random keys) than the rest
 * of an append together.
 *
 * <ul>
 *   <li>The newest positions are in an in-memory {@link IdTable}, filled by the writer as it
 *       writes each event.</li>
 *   <li>One Bloom filter covers every chunk file ({@link ChunkFilter}): the writer asks it, and
 *       the tables' own filters, about each id it is given, so a new id (almost all) costs one
 *       look-up in it, however many chunks there are. The background thread adds each chunk it
 *       writes and rebuilds the filter twice as large when it is full; until it is built at open
 *       every id of a store with chunks is a "maybe".</li>
 *   <li>When the table holds {@value #CHUNK_EVENTS} events it is frozen and written by a
 *       background thread as an {@link IdChunk} file; until that file is open the frozen table
 *       answers for it. A clean close writes the last table too.</li>
 *   <li>Chunk files are written without fsync while the store runs (they are derived and checked
 *       when opened; their fsyncs would hold up the log's) and synced at a clean close.</li>
 *   <li>On open the chunk files that follow each other from position 0 and end before the log's
 *       tail are kept (others — left by a crash, ahead of a torn tail, lost to a power failure —
 *       are deleted), and the log after them is scanned into a new table: after a process crash at
 *       most a chunk's worth of events, after a power failure what followed the last chunk on disk.</li>
 * </ul>
 *
 * A hash match is only a candidate: the writer confirms it by reading the event. The writer
 * thread calls {@link #add}, {@link #find} and {@link #maybeFreeze}; {@link #chunks()} may be read
 * by any thread.
 */
final class IdIndex implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IdIndex.class);
    /** Events per chunk file (about 4 MiB of file and 8 MiB of table). */
    static final int CHUNK_EVENTS = 1 << 18;
    /**
     * The chunk size stores opened from now on use; tests lower it to make many chunks (also in
     * child JVMs, through the internal system property {@code tributary.internal.idChunkEvents}).
     */
    static volatile int chunkEventsForNewStores = Math.max(1, Integer.getInteger("tributary.internal.idChunkEvents",
            CHUNK_EVENTS));

    private final Path dir;
    private final FileIO io;
    private final int chunkEvents;
    private volatile List<IdChunk> chunks;
    private IdTable live;
    /** Frozen tables (oldest first) whose files are being written: the writer's alone. */
    private final List<IdTable> frozen = new ArrayList<>();
    /** Frozen tables whose file could not be written, to try again. */
    private final List<IdTable> failed = new ArrayList<>();
    /** Chunks written by the background thread, waiting for the writer to take them. */
    private final ConcurrentLinkedQueue<Object> done = new ConcurrentLinkedQueue<>();
    private final ExecutorService background;
    /** The filter of the chunks the writer has taken (null: not built; every id may be in a chunk). Writer's. */
    private ChunkFilter filter;
    private volatile boolean filterBuilt;
    /** The background thread's own: the filter it adds chunks to, and the chunks in it. */
    private ChunkFilter building;
    private final List<IdChunk> built = new ArrayList<>();
    /** Chunk files written without fsync (background thread; read at a clean close, after it stopped). */
    private final List<Path> unsynced = new ArrayList<>();

    /** A chunk written by the background thread, and the filter that covers it and all before it. */
    private record Written(IdChunk chunk, ChunkFilter filter) {
    }

    /** The filter of the chunks kept at open, built in the background. */
    private record Built(ChunkFilter filter) {
    }

    private IdIndex(Path dir, FileIO io, int chunkEvents, List<IdChunk> chunks, IdTable live) {
        this.dir = dir;
        this.io = io;
        this.chunkEvents = chunkEvents;
        this.chunks = List.copyOf(chunks);
        this.live = live;
        this.background = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "tributary-id-chunks");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Opens the id index in {@code dir} for a log that ends at {@code tail}, scanning the log
     * after the last kept chunk. {@code index} (caught up to the tail) locates frames.
     */
    static IdIndex open(Path dir, FileIO io, SegmentSet segments, Index index, Checkpoint tail, int maxFrameBytes) {
        return open(dir, io, segments, index, tail, maxFrameBytes, chunkEventsForNewStores);
    }

    static IdIndex open(Path dir, FileIO io, SegmentSet segments, Index index, Checkpoint tail, int maxFrameBytes,
                        int chunkEvents) {
        try {
            Files.createDirectories(dir);
            List<IdChunk> kept = keptChunks(dir, io, tail.nextPosition());
            long next = kept.isEmpty() ? 0 : kept.get(kept.size() - 1).to() + 1;
            IdIndex ids = new IdIndex(dir, io, chunkEvents, kept, new IdTable(next, firstTableSize(chunkEvents)));
            ids.scanLog(segments, index, tail, maxFrameBytes);
            ids.background.execute(ids::buildFilter);
            return ids;
        } catch (IOException e) {
            throw new StorageException("cannot open the event-id index in " + dir + ": " + e.getMessage()
                    + "; it is derived data: delete the directory and it is rebuilt from the log", e);
        }
    }

    /**
     * The chunks that follow each other from position 0 (each starting at or before the end of the
     * one before, and reaching past it) and end before {@code nextPosition}; deletes the rest, durably.
     */
    private static List<IdChunk> keptChunks(Path dir, FileIO io, long nextPosition) throws IOException {
        boolean deleted = false;
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (name.endsWith(IdChunk.SUFFIX)) {
                    files.add(p);
                } else if (name.endsWith(".tmp")) {
                    deleted |= Files.deleteIfExists(p); // an interrupted write
                }
            }
        }
        files.sort(null); // names sort by first position
        List<IdChunk> kept = new ArrayList<>();
        long expected = 0;
        for (Path p : files) {
            IdChunk c = null;
            try {
                c = IdChunk.open(p);
            } catch (IOException e) {
                LOG.warn("dropping event-id chunk {}: {}", p, e.getMessage());
            }
            if (c != null && c.from() <= expected && c.to() >= expected && c.to() < nextPosition) {
                kept.add(c);
                expected = c.to() + 1;
            } else {
                if (c != null) {
                    LOG.info("dropping event-id chunk {} (positions {}..{}; the index continues at {}, the log ends before {})",
                            p.getFileName(), c.from(), c.to(), expected, nextPosition);
                }
                deleted |= Files.deleteIfExists(p);
            }
        }
        if (deleted) {
            // Durably gone before new events take their positions: a chunk that came back after a
            // second crash would describe events that are no longer there.
            io.fsyncDirectory(dir);
        }
        return kept;
    }

    /** Puts the ids of the events from the table's first position to the tail into tables (and chunks). */
    private void scanLog(SegmentSet segments, Index index, Checkpoint tail, int maxFrameBytes) throws IOException {
        long from = live.from();
        if (from >= tail.nextPosition()) {
            return;
        }
        Index.FrameLocation loc = index.frameAtOrBefore(from);
        long segNo = loc != null ? loc.segment() : segments.all().get(0).number();
        long offset = loc != null ? loc.offset() : Segment.HEADER_BYTES;
        long started = System.nanoTime();
        long[] events = {0};
        try {
            SegmentScanner.walk(segments, segNo, offset, tail, maxFrameBytes, (seg, at, end, frame) -> {
                if (frame instanceof Frame.Events ev) {
                    events[0] += addIds(ev, from);
                    if (live.count() >= chunkEvents) {
                        writeChunk(live);
                        live = new IdTable(live.to() + 1, fullTableSize(chunkEvents)); // a big log: full size at once
                    }
                }
            });
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e.getMessage(), e);
        }
        live.coverTo(tail.nextPosition() - 1);
        if (events[0] > 100_000) {
            LOG.info("indexed the ids of {} events from the log in {} ms", events[0], (System.nanoTime() - started) / 1_000_000);
        }
    }

    /** Adds the ids of the frame's events at {@code from} and after to the live table; returns how many. */
    private int addIds(Frame.Events frame, long from) {
        int n = 0;
        String prevStream = null;
        long streamHash = 0;
        for (RecordedEvent e : frame.events()) {
            if (e.position() < from) {
                continue;
            }
            String s = e.stream().value();
            if (!s.equals(prevStream)) {
                prevStream = s;
                streamHash = Keys.streamHash(Keys.utf8(s));
            }
            live.add(KeyFilter.idHash(e.eventId(), streamHash), e.position());
            n++;
        }
        return n;
    }

    /** The first table of a store starts small (a store may stay small); the ones after a chunk start full size. */
    private static int firstTableSize(int chunkEvents) {
        return Math.min(fullTableSize(chunkEvents), 1 << 12);
    }

    /** A chunk's worth and a quarter: the group that fills a table usually ends past a chunk's worth. */
    private static int fullTableSize(int chunkEvents) {
        return chunkEvents + chunkEvents / 4;
    }

    /** The background thread's first task: the filter of the chunks kept at open. */
    private void buildFilter() {
        long started = System.nanoTime();
        built.addAll(chunks);
        try {
            building = ChunkFilter.of(built, 0, chunkEvents);
            done.add(new Built(building));
        } catch (RuntimeException | OutOfMemoryError e) {
            LOG.warn("could not build the filter of the event ids; every id is looked up in the chunk files", e);
            building = null;
            done.add(new Built(null));
        }
        filterBuilt = true; // the writer takes it after its next write
        long keys = building != null ? building.count : 0;
        if (keys > 100_000) {
            LOG.info("loaded {} event ids into a filter in {} ms", keys, (System.nanoTime() - started) / 1_000_000);
        }
    }

    /** Background thread: adds a chunk just written to the filter (a larger one when it is full). */
    private ChunkFilter addToFilter(IdChunk c) {
        built.add(c);
        try {
            if (building == null) {
                building = ChunkFilter.of(built, 0, chunkEvents); // it could not be built before: try again
            } else if (building.count + c.count() > building.capacity) {
                building = ChunkFilter.of(built, building.count + c.count(), chunkEvents);
            } else {
                building.add(c);
            }
        } catch (RuntimeException | OutOfMemoryError e) {
            LOG.warn("could not grow the filter of the event ids; every id is looked up in the chunk files", e);
            building = null;
        }
        return building;
    }

    /** True once the filter of the chunks kept at open is built (or could not be). */
    boolean filterBuilt() {
        return filterBuilt;
    }

    /**
     * Sets {@code out[i]} where {@code hashes[i]} may be recorded; false is certain. Checks the
     * tables' filters and the chunks' filter over the whole array, one after the other (their
     * cache misses overlap). Writer thread.
     */
    boolean[] markMaybe(long[] hashes) {
        boolean[] out = new boolean[hashes.length];
        live.markMaybe(hashes, out);
        for (IdTable t : frozen) {
            t.markMaybe(hashes, out);
        }
        if (!chunks.isEmpty()) {
            if (filter == null) {
                java.util.Arrays.fill(out, true);
            } else {
                filter.markMaybe(hashes, out);
            }
        }
        return out;
    }

    /** The chunk files, oldest first. Any thread. */
    List<IdChunk> chunks() {
        return chunks;
    }

    /** The live table (the writer's; read-only for others before the writer starts). */
    IdTable live() {
        return live;
    }

    /** Forgets the ids at {@code position} and after: their group was not written. Writer thread. */
    void truncateFrom(long position) {
        live.truncateFrom(position);
    }

    /** Records the event at {@code position}. Writer thread. */
    void add(long hash, long position) {
        live.add(hash, position);
    }

    /**
     * Passes the positions recorded with {@code hash} (candidates), newest first, to {@code match}
     * until it accepts one; returns that position, or -1. Writer thread.
     */
    long find(long hash, LongPredicate match) {
        long p = live.find(hash, match);
        for (int i = frozen.size() - 1; i >= 0 && p < 0; i--) {
            p = frozen.get(i).find(hash, match);
        }
        List<IdChunk> cs = chunks;
        for (int i = cs.size() - 1; i >= 0 && p < 0; i--) {
            p = cs.get(i).find(hash, match);
        }
        return p;
    }

    /**
     * Called by the writer after a group is written, with the next position: takes finished
     * chunks, and freezes the live table into a new chunk when it is full.
     */
    void maybeFreeze(long nextPosition) {
        takeDone();
        live.coverTo(nextPosition - 1);
        if (live.count() < chunkEvents) {
            return;
        }
        for (IdTable t : failed) {
            submit(t); // tried again, in order, before the new one
        }
        failed.clear();
        IdTable full = live;
        frozen.add(full);
        live = new IdTable(nextPosition, fullTableSize(chunkEvents));
        submit(full);
    }

    private void submit(IdTable t) {
        background.execute(() -> {
            IdChunk c;
            try {
                c = write(t, false);
            } catch (IOException | RuntimeException e) {
                // Not written (the disk is full?): the table stays in memory and answers for its
                // positions; it is tried again at the next chunk and at a clean close.
                done.add(t);
                LOG.warn("could not write the event-id chunk of positions {}..{} to {} (kept in memory): {}",
                        t.from(), t.to(), dir, e.toString());
                return;
            }
            done.add(new Written(c, addToFilter(c)));
        });
    }

    /** Moves chunks the background thread finished from {@link #frozen} to {@link #chunks}. Writer thread. */
    private void takeDone() {
        Object o;
        while ((o = done.poll()) != null) {
            if (o instanceof Written w) {
                IdChunk c = w.chunk();
                frozen.removeIf(t -> t.from() == c.from());
                List<IdChunk> cs = new ArrayList<>(chunks);
                cs.add(c);
                chunks = List.copyOf(cs);
                filter = w.filter(); // covers c and every chunk before it (null: could not)
            } else if (o instanceof Built b) {
                filter = b.filter();
            } else if (o instanceof IdTable t) {
                failed.add(t); // still in frozen: it answers for its positions meanwhile
            }
        }
    }

    /** Writes a chunk durably (at open and close: the next open should not have to rebuild it). */
    private void writeChunk(IdTable t) throws IOException {
        IdChunk c = write(t, true);
        List<IdChunk> cs = new ArrayList<>(chunks);
        cs.add(c);
        chunks = List.copyOf(cs);
    }

    /**
     * Writes a chunk file. While the store runs, without fsync ({@code durable} false): a chunk is
     * derived from the log and checked when opened, one lost or torn by a power failure is dropped
     * and rebuilt, and its fsyncs (two journal commits each) would hold up the log's.
     */
    private IdChunk write(IdTable t, boolean durable) throws IOException {
        Path file = dir.resolve(IdChunk.fileName(t.from(), t.to()));
        if (durable) {
            io.writeAtomically(file, IdChunk.encode(t));
        } else {
            io.writeDerived(file, IdChunk.encode(t));
            unsynced.add(file);
        }
        return IdChunk.open(file);
    }

    /**
     * Writes what is in memory as chunks, so the next open scans nothing. Call with the log
     * synced to the live table's last position, after the writer has stopped.
     */
    void closeCleanly() {
        background.shutdown();
        try {
            if (!background.awaitTermination(1, TimeUnit.MINUTES)) {
                LOG.warn("event-id chunks are still being written after a minute; the next open rescans the log");
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        takeDone();
        try {
            // The chunks written while the store ran are made durable now: after a clean close
            // even a power failure leaves nothing to rebuild.
            for (Path p : unsynced) {
                try (FileIO.LogChannel ch = io.open(p, false)) {
                    ch.force();
                }
            }
            if (!unsynced.isEmpty()) {
                io.fsyncDirectory(dir);
                unsynced.clear();
            }
            for (IdTable t : List.copyOf(frozen)) {
                writeChunk(t); // a background write that failed: try once more
                frozen.remove(t);
            }
            if (live.count() > 0) {
                writeChunk(live);
                live = new IdTable(live.to() + 1, firstTableSize(chunkEvents));
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not write the last event-id chunk to {} ({}); the next open rescans the log", dir, e.toString());
        }
    }

    @Override
    public void close() {
        background.shutdownNow();
    }

    /** Deletes every chunk file in {@code dir} (and the directory). */
    static void destroy(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * One split-block Bloom filter ({@link KeyFilter.Bloom}) of the hashes of many chunk files.
     * Written by the background thread only; the writer reads it while chunks are added: bits are
     * only ever set, and the writer relies only on the chunks handed to it after they were added.
     */
    static final class ChunkFilter {
        final int[] words;
        final long capacity;
        long count;

        private ChunkFilter(long capacity) {
            this.capacity = capacity;
            this.words = KeyFilter.Bloom.words(capacity);
        }

        /** A filter of {@code chunks}, with room for twice {@code atLeast} keys (and at least four chunks' worth). */
        static ChunkFilter of(List<IdChunk> chunks, long atLeast, int chunkEvents) {
            long keys = Math.max(atLeast, chunks.stream().mapToLong(IdChunk::count).sum());
            ChunkFilter f = new ChunkFilter(Math.max(2 * keys, 4L * chunkEvents));
            for (IdChunk c : chunks) {
                f.add(c);
            }
            return f;
        }

        /** Adds a chunk's hashes: in hash order, so the filter is written front to back. */
        void add(IdChunk c) {
            int[] w = words;
            c.forEachHash(h -> KeyFilter.Bloom.add(w, h));
            count += c.count();
        }

        void markMaybe(long[] hashes, boolean[] out) {
            int[] w = words;
            for (int i = 0; i < hashes.length; i++) {
                if (!out[i]) {
                    long h = hashes[i] == 0 ? 1 : hashes[i];
                    out[i] = KeyFilter.Bloom.mightContain(w, h);
                }
            }
        }
    }
}
