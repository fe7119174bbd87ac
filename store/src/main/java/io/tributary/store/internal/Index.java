package io.tributary.store.internal;

import io.tributary.core.RecordedEvent;
import io.tributary.core.StorageException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The stream, category, type, event-id and position indexes, in RocksDB. Derived data: the
 * log is the source of truth, and the index records (in the same write batch as each change)
 * the log place it has indexed up to, so after a crash it is brought up to date from there.
 *
 * <p>Column families:
 * <pre>
 * streams    name                      → {@link StreamRecord}
 * versions   name 0x00 firstVersion    → firstPosition, count   (a run: consecutive versions at consecutive positions)
 * categories category 0x00 firstPosition → count              (a run of consecutive positions in the category)
 * types      type 0x00 firstPosition   → count                (a run of consecutive positions of the type)
 * positions  firstPosition of a frame  → segment, offset, lastPosition
 * default    "checkpoint"              → {@link Checkpoint}
 * </pre>
 * Runs are computed per frame, so a batch of 1,000 events to one stream costs three run
 * entries instead of 3,000 keys. Event ids are not here: see {@link IdIndex} (files in ids/).
 */
final class Index implements AutoCloseable {
    static {
        RocksDB.loadLibrary();
    }

    private static final byte[] CHECKPOINT_KEY = "checkpoint".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FORMAT_KEY = "format".getBytes(StandardCharsets.US_ASCII);
    /** Bumped whenever the layout of any column family changes; another value means rebuild. */
    static final byte[] FORMAT = "tributary-index-7".getBytes(StandardCharsets.US_ASCII);
    private static final long MEMTABLE_BYTES = 4L << 20;
    /** The event-id index's directory ({@link IdIndex}), inside the index directory. */
    static final String ID_DIR = "ids";

    private final Path dir;
    private final RocksDB db;
    private final List<ColumnFamilyHandle> handles;
    private final ColumnFamilyHandle meta;
    final ColumnFamilyHandle streams;
    final ColumnFamilyHandle versions;
    final ColumnFamilyHandle categories;
    final ColumnFamilyHandle types;
    final ColumnFamilyHandle positions;
    private final DBOptions dbOptions;
    private final List<ColumnFamilyOptions> cfOptions = new ArrayList<>();
    private final WriteOptions writeOptions;

    private Index(Path dir, boolean readOnly) throws RocksDBException {
        this.dir = dir;
        dbOptions = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true)
                .setAtomicFlush(true).setMaxBackgroundJobs(2).setKeepLogFileNum(2);
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        for (String name : List.of("default", "streams", "versions", "categories", "types", "positions")) {
            descriptors.add(new ColumnFamilyDescriptor(name.getBytes(StandardCharsets.US_ASCII), cfOptions(name)));
        }
        handles = new ArrayList<>();
        db = readOnly
                ? RocksDB.openReadOnly(dbOptions, dir.toString(), descriptors, handles)
                : RocksDB.open(dbOptions, dir.toString(), descriptors, handles);
        meta = handles.get(0);
        streams = handles.get(1);
        versions = handles.get(2);
        categories = handles.get(3);
        types = handles.get(4);
        positions = handles.get(5);
        // No WAL: the index is derived from the log. Atomic flush keeps every column family and
        // the checkpoint at the same point, so after a crash the index resumes from its last
        // flush and the store replays the log from there.
        writeOptions = new WriteOptions().setSync(false).setDisableWAL(true);
    }

    private ColumnFamilyOptions cfOptions(String name) {
        // Small memtables: a skip list of a few MiB stays in the CPU caches; at RocksDB's default
        // 64 MiB an insert of a random key (a stream name, an event id) walks cache-missing levels,
        // and the index's inserts sit on the append path.
        ColumnFamilyOptions o = new ColumnFamilyOptions().setCompressionType(CompressionType.LZ4_COMPRESSION)
                .setWriteBufferSize(MEMTABLE_BYTES);
        if (name.equals("streams")) {
            // Point lookups on appends: bloom filters in SST files and in the memtable make the
            // common case (a known stream) cheap.
            o.setTableFormatConfig(new BlockBasedTableConfig().setFilterPolicy(new BloomFilter(10)));
            o.setMemtablePrefixBloomSizeRatio(0.1).setMemtableWholeKeyFiltering(true);
        }
        cfOptions.add(o);
        return o;
    }

    /** Opens (or creates) the index in {@code dir}. */
    static Index open(Path dir) {
        try {
            Files.createDirectories(dir);
            return new Index(dir, false);
        } catch (Exception e) {
            throw new StorageException("cannot open the index in " + dir + ": " + e.getMessage()
                    + "; the index is derived data: delete the directory and it is rebuilt from the log", e);
        }
    }

    /** Opens an existing index read-only (for the verifier). */
    static Index openReadOnly(Path dir) throws RocksDBException {
        return new Index(dir, true);
    }

    Path directory() {
        return dir;
    }

    /** The log place indexed so far, or null for an empty index. */
    Checkpoint checkpoint() {
        return Checkpoint.fromBytes(get(meta, CHECKPOINT_KEY));
    }

    /** True when the index was written in the current format (or is empty). */
    boolean hasCurrentFormat() {
        byte[] f = get(meta, FORMAT_KEY);
        return f == null ? checkpoint() == null : java.util.Arrays.equals(f, FORMAT);
    }

    /** True if {@code key} is present in {@code cf}. */
    boolean has(ColumnFamilyHandle cf, byte[] key) {
        return get(cf, key) != null;
    }

    StreamRecord stream(String name) {
        byte[] v = get(streams, Keys.utf8(name));
        return v == null ? null : StreamRecord.fromBytes(v);
    }

    /** Where an event id was recorded. */
    record EventIdEntry(long version, long position, String stream) {
    }

    /** The position of {@code stream}'s event at {@code version}, or null if it has none. */
    VersionEntry version(String stream, long version) {
        byte[] name = Keys.utf8(stream);
        try (BoundedIterator bi = prefixIterator(versions, name)) {
            bi.it.seekForPrev(Keys.prefixed(name, version));
            if (!bi.it.isValid()) {
                return null;
            }
            long first = Keys.suffixNumber(bi.it.key());
            byte[] v = bi.it.value();
            long count = Keys.getInt(v, 8);
            if (version >= first + count) {
                return null;
            }
            return new VersionEntry(version, Keys.getLong(v, 0) + (version - first));
        }
    }

    /** An event of a stream, found in the versions index. */
    record VersionEntry(long version, long position) {
    }

    /** True if {@code position} lies in a run of {@code key} in the category or type index. */
    boolean hasPosting(ColumnFamilyHandle cf, byte[] key, long position) {
        try (BoundedIterator bi = prefixIterator(cf, key)) {
            bi.it.seekForPrev(Keys.prefixed(key, position));
            return bi.it.isValid() && position < Keys.suffixNumber(bi.it.key()) + Keys.getInt(bi.it.value(), 0);
        }
    }

    /** Where the frame holding {@code position} is: the frame with the greatest first position at or below it. */
    FrameLocation frameAtOrBefore(long position) {
        try (RocksIterator it = db.newIterator(positions)) {
            it.seekForPrev(Keys.longKey(position));
            return it.isValid() ? location(it) : null;
        }
    }

    /** The first frame whose first position is at or after {@code position}. */
    FrameLocation frameAtOrAfter(long position) {
        try (RocksIterator it = db.newIterator(positions)) {
            it.seek(Keys.longKey(position));
            return it.isValid() ? location(it) : null;
        }
    }

    private static FrameLocation location(RocksIterator it) {
        byte[] v = it.value();
        return new FrameLocation(Keys.getLong(it.key(), 0), Keys.getLong(v, 0), Keys.getLong(v, 8), Keys.getLong(v, 16));
    }

    /** Where a frame of events is in the log. */
    record FrameLocation(long firstPosition, long segment, long offset, long lastPosition) {
    }

    RocksIterator iterator(ColumnFamilyHandle cf) {
        return db.newIterator(cf);
    }

    /** An iterator bounded to the keys of one prefix (versions, categories, types). */
    BoundedIterator prefixIterator(ColumnFamilyHandle cf, byte[] prefix) {
        Slice lower = new Slice(Keys.prefixStart(prefix));
        Slice upper = new Slice(Keys.prefixEnd(prefix));
        ReadOptions ro = new ReadOptions().setIterateLowerBound(lower).setIterateUpperBound(upper);
        return new BoundedIterator(db.newIterator(cf, ro), ro, lower, upper);
    }

    /** A RocksDB iterator with its bounds, all closed together. */
    static final class BoundedIterator implements AutoCloseable {
        final RocksIterator it;
        private final ReadOptions ro;
        private final Slice lower;
        private final Slice upper;

        BoundedIterator(RocksIterator it, ReadOptions ro, Slice lower, Slice upper) {
            this.it = it;
            this.ro = ro;
            this.lower = lower;
            this.upper = upper;
        }

        @Override
        public void close() {
            it.close();
            ro.close();
            lower.close();
            upper.close();
        }
    }

    /** A write batch of index changes, applied atomically by {@link #write}. */
    final class Batch implements AutoCloseable, Run.Visitor {
        final WriteBatch wb = new WriteBatch();
        /**
         * Reused for the keys and values of version runs and stream records, the puts of which there is one per
         * new stream (a CDC transaction: one per row): a put copies them into the batch, so no array is allocated
         * per put and none is copied again on the way to RocksDB.
         */
        private final Buffers buffers = takeBuffers();

        /** {@link #key} cleared, holding {@code name}'s UTF-8 bytes, with room for {@code extra} more. */
        private ByteBuffer nameKey(String name, int extra) {
            int n = name.length();
            if (buffers.key.capacity() < 3 * n + extra) {
                buffers.key = ByteBuffer.allocateDirect(Math.max(2 * buffers.key.capacity(), 3 * n + extra));
            }
            ByteBuffer k = buffers.key;
            k.clear();
            for (int i = 0; i < n; i++) {
                char c = name.charAt(i);
                if (c >= 0x80) {
                    k.clear();
                    k.put(name.getBytes(StandardCharsets.UTF_8));
                    return k;
                }
                k.put((byte) c);
            }
            return k;
        }

        /**
         * Indexes a frame at {@code segment}/{@code offset}: its place, and its version, category
         * and type runs.
         */
        void addEvents(List<RecordedEvent> events, long segment, long offset) throws RocksDBException {
            long first = events.get(0).position();
            long last = events.get(events.size() - 1).position();
            putFrame(first, last, segment, offset);
            putRuns(events);
        }

        /** Writes the version, category and type runs of a frame's events. */
        void putRuns(List<RecordedEvent> events) throws RocksDBException {
            Run.visit(events, this);
        }

        /** Puts a version run: {@code stream 0x00 firstVersion → firstPosition, count}. */
        @Override
        public void version(RecordedEvent first, int count) throws RocksDBException {
            // The layout of Keys.prefixed (name 0x00 version) and of the value (position, count), big-endian.
            ByteBuffer k = nameKey(first.stream().value(), 9).put((byte) 0).putLong(first.version()).flip();
            ByteBuffer v = buffers.value.clear().putLong(first.position()).putInt(count).flip();
            wb.put(versions, k, v);
        }

        /** Puts a category run: {@code category 0x00 firstPosition → count}. */
        @Override
        public void category(RecordedEvent first, int count) throws RocksDBException {
            byte[] v = new byte[4];
            Keys.putInt(v, 0, count);
            wb.put(categories, Keys.prefixed(Keys.utf8(first.stream().category()), first.position()), v);
        }

        /** Puts a type run: {@code type 0x00 firstPosition → count}. */
        @Override
        public void type(RecordedEvent first, int count) throws RocksDBException {
            byte[] v = new byte[4];
            Keys.putInt(v, 0, count);
            wb.put(types, Keys.prefixed(Keys.utf8(first.type()), first.position()), v);
        }

        /** Deletes the version, category and type runs of a frame's events (before {@link #putRuns} of what is kept). */
        void deleteRuns(List<RecordedEvent> events) throws RocksDBException {
            for (Run r : Run.of(events)) {
                wb.delete(versions, Keys.prefixed(Keys.utf8(r.first().stream().value()), r.first().version()));
            }
            for (Run r : Run.ofCategories(events)) {
                wb.delete(categories, Keys.prefixed(Keys.utf8(r.first().stream().category()), r.first().position()));
            }
            for (Run r : Run.ofTypes(events)) {
                wb.delete(types, Keys.prefixed(Keys.utf8(r.first().type()), r.first().position()));
            }
        }

        /** Removes a frame's entry from the position index. */
        void removeFrame(long firstPosition) throws RocksDBException {
            wb.delete(positions, Keys.longKey(firstPosition));
        }

        /** Records a frame's place in the position index. */
        void putFrame(long firstPosition, long lastPosition, long segment, long offset) throws RocksDBException {
            byte[] loc = new byte[24];
            Keys.putLong(loc, 0, segment);
            Keys.putLong(loc, 8, offset);
            Keys.putLong(loc, 16, lastPosition);
            wb.put(positions, Keys.longKey(firstPosition), loc);
        }

        void putStream(String name, StreamRecord record) throws RocksDBException {
            int size = record.encodedBytes();
            if (buffers.value.capacity() < size) {
                buffers.value = ByteBuffer.allocateDirect(Math.max(2 * buffers.value.capacity(), size));
            }
            ByteBuffer v = buffers.value.clear();
            record.writeTo(v);
            wb.put(streams, nameKey(name, 0).flip(), v.flip());
        }

        void setCheckpoint(Checkpoint cp) throws RocksDBException {
            wb.put(meta, FORMAT_KEY, FORMAT);
            wb.put(meta, CHECKPOINT_KEY, cp.toBytes());
        }

        int count() {
            return wb.count();
        }

        private boolean closed;

        /**
         * Releases the batch; its buffers go back to the spares once only: a second close must not hand them out
         * twice — two batches sharing them, built at once (a large group's prebuild beside another group's), would write
         * into each other's keys and values.
         */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            wb.close();
            spareBuffers.offer(buffers);
        }

        /** Whether this batch and {@code other} share their key/value buffers (they must not). For tests. */
        boolean sharesBuffersWith(Batch other) {
            return buffers == other.buffers;
        }
    }

    /** A batch's direct key and value buffers (replaced by larger ones as needed). */
    private static final class Buffers {
        ByteBuffer key = ByteBuffer.allocateDirect(256);
        ByteBuffer value = ByteBuffer.allocateDirect(128);
    }

    /**
     * Buffers of closed batches, taken by new ones: a batch per group (often of one small append) would otherwise
     * allocate direct memory each time. Batches are built by the indexer or the writer, a catch-up and a scavenge:
     * a few at once at most, so this holds a few.
     */
    private final java.util.concurrent.ConcurrentLinkedQueue<Buffers> spareBuffers = new java.util.concurrent.ConcurrentLinkedQueue<>();

    private Buffers takeBuffers() {
        Buffers b = spareBuffers.poll();
        return b != null ? b : new Buffers();
    }

    Batch batch() {
        return new Batch();
    }

    void write(Batch batch) {
        try {
            if (batch.wb.count() > 0) {
                db.write(writeOptions, batch.wb);
            }
        } catch (RocksDBException e) {
            throw new StorageException("index write failed: " + e.getMessage(), e);
        }
    }

    /** Flushes memtables so a reopen need not replay the index's own WAL. */
    void flush() {
        try (FlushOptions fo = new FlushOptions().setWaitForFlush(true)) {
            db.flush(fo, handles);
        } catch (RocksDBException e) {
            throw new StorageException("index flush failed: " + e.getMessage(), e);
        }
    }

    private byte[] get(ColumnFamilyHandle cf, byte[] key) {
        try {
            return db.get(cf, key);
        } catch (RocksDBException e) {
            throw new StorageException("index read failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        for (ColumnFamilyHandle h : handles) {
            h.close();
        }
        db.close();
        writeOptions.close();
        dbOptions.close();
        for (ColumnFamilyOptions o : cfOptions) {
            o.close();
        }
    }

    /** Deletes the index directory so it is rebuilt from the log. */
    static void destroy(Path dir) {
        try (org.rocksdb.Options o = new org.rocksdb.Options()) {
            IdIndex.destroy(dir.resolve(ID_DIR)); // event-id chunks (or the RocksDB of an older format)
            RocksDB.destroyDB(dir.toString(), o);
        } catch (RocksDBException | java.io.IOException e) {
            throw new StorageException("cannot delete the index in " + dir + ": " + e.getMessage(), e);
        }
    }
}
