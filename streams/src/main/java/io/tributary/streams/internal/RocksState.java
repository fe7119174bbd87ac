package io.tributary.streams.internal;

import io.tributary.core.StorageException;
import io.tributary.streams.Serde;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.CompressionType;
import org.rocksdb.FlushOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * A task's state in one RocksDB. Keys: {@code 0x01 storeName 0x00 keyBytes} for store entries
 * and {@code 0x00 "checkpoint"} for the checkpoint. Changes are buffered per store and written,
 * with the checkpoint, in one {@link WriteBatch}. The write-ahead log is off: a batch lands in one
 * memtable atomically and memtables are flushed whole, so after a crash the state is that of some
 * earlier commit together with its own checkpoint — never a mix — and the processor replays the log
 * from there (closing flushes everything). A small state may never fill a memtable, so the
 * memtables are also flushed once a flush interval has passed or a number of commits were made
 * since the last flush: that bounds how much of the log a crash makes the processor replay.
 */
public final class RocksState implements StateFactory {
    static {
        RocksDB.loadLibrary();
    }

    private static final byte[] CHECKPOINT_KEY = {0, 'c', 'h', 'e', 'c', 'k', 'p', 'o', 'i', 'n', 't'};
    private static final Object DELETED = new Object();
    /** Committed values each store keeps decoded in memory. */
    private static final int CACHE_ENTRIES = 100_000;

    private final Options options;
    private final RocksDB db;
    private final WriteOptions writeOptions = new WriteOptions().setDisableWAL(true);
    private final List<Store<?, ?>> stores = new ArrayList<>();
    private final Set<String> names = new HashSet<>();
    private final FlushOptions flushOptions = new FlushOptions().setWaitForFlush(false);
    private final Clock clock;
    private final long flushIntervalMs;
    private final int flushCommits;
    private long lastFlushMs;
    private int commitsSinceFlush;
    /** The position of the last commit; of the last commit before a flush not yet known to be done (-1: none). */
    private long lastCommitted = -1;
    private long flushing = -1;
    private volatile long durablePosition = -1;

    /** Opens (or creates) the state in {@code directory}, flushed every 10 s or 1,000 commits. */
    public RocksState(Path directory) {
        this(directory, Clock.systemUTC(), Duration.ofSeconds(10), 1_000);
    }

    /**
     * Opens (or creates) the state in {@code directory}; memtables are flushed at a commit or when
     * idle once {@code flushInterval} (by {@code clock}) has passed or {@code flushCommits} commits
     * were made since the last flush.
     */
    public RocksState(Path directory, Clock clock, Duration flushInterval, int flushCommits) {
        this.clock = clock;
        this.flushIntervalMs = flushInterval.toMillis();
        this.flushCommits = flushCommits;
        this.lastFlushMs = clock.millis();
        try {
            Files.createDirectories(directory);
            // State is small, hot and rewritten often: no compression (CPU), and small memtables:
            // every put is a skip-list insert, and a 4 MiB skip list stays in the CPU cache where a
            // 128 MiB one does not — the windowed-count benchmark ran 2-3x faster with 4 MiB than
            // with 128 MiB (16 MiB in between), the extra flushes and compactions notwithstanding.
            options = new Options().setCreateIfMissing(true)
                    .setCompressionType(CompressionType.NO_COMPRESSION)
                    .setWriteBufferSize(4L * 1024 * 1024)
                    .setMaxWriteBufferNumber(3)
                    .setLevel0SlowdownWritesTrigger(40)
                    .setLevel0StopWritesTrigger(60)
                    // Most reads of a new window miss: a Bloom filter answers them without touching files.
                    .setTableFormatConfig(new BlockBasedTableConfig().setFilterPolicy(new BloomFilter(10)));
            db = RocksDB.open(options, directory.toString());
            durablePosition = load().position(); // what a crash now would come back to
        } catch (IOException | RocksDBException e) {
            throw new StorageException("cannot open the processor state in " + directory + ": " + e.getMessage(), e);
        }
    }

    @Override
    public <K, V> KvStore<K, V> keyValue(String name, Optional<Serde<K>> keySerde, Optional<Serde<V>> valueSerde) {
        if (keySerde.isEmpty() || valueSerde.isEmpty()) {
            throw new IllegalStateException("store '" + name + "' needs a key and a value serde for RocksDB state: "
                    + "give them with Materialized.with(...) or Grouped.with(...)");
        }
        if (!names.add(name)) {
            throw new IllegalStateException("two stores are named '" + name + "'");
        }
        Store<K, V> store = new Store<>(prefix(name), keySerde.get(), valueSerde.get());
        stores.add(store);
        return store;
    }

    private static byte[] prefix(String name) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        byte[] p = new byte[n.length + 2];
        p[0] = 1;
        System.arraycopy(n, 0, p, 1, n.length);
        return p;
    }

    private static long[] longs(ByteBuffer buf) {
        long[] a = new long[buf.getInt()];
        for (int i = 0; i < a.length; i++) {
            a[i] = buf.getLong();
        }
        return a;
    }

    private static void putLongs(ByteBuffer buf, long[] a) {
        buf.putInt(a.length);
        for (long v : a) {
            buf.putLong(v);
        }
    }

    @Override
    public Checkpoint load() {
        try {
            byte[] b = db.get(CHECKPOINT_KEY);
            if (b == null) {
                return Checkpoint.EMPTY;
            }
            ByteBuffer buf = ByteBuffer.wrap(b);
            long position = buf.getLong();
            long watermark = buf.getLong();
            long late = buf.getLong();
            long source = buf.getLong();
            if (!buf.hasRemaining()) {
                return new Checkpoint(position, watermark, late, source);
            }
            // partitioned runs with repartition streams: the stages' and upstream partitions' watermarks
            return new Checkpoint(position, watermark, late, source, longs(buf), longs(buf));
        } catch (RocksDBException e) {
            throw new StorageException("cannot read the processor checkpoint: " + e.getMessage(), e);
        }
    }

    @Override
    public void commit(Checkpoint checkpoint) {
        try (WriteBatch batch = new WriteBatch()) {
            for (Store<?, ?> s : stores) {
                s.flushInto(batch);
            }
            long[] stages = checkpoint.stageWatermarksMs();
            long[] upstream = checkpoint.upstreamWatermarksMs();
            int extra = stages.length + upstream.length == 0 ? 0 : 8 + 8 * (stages.length + upstream.length);
            ByteBuffer buf = ByteBuffer.allocate(32 + extra).putLong(checkpoint.position())
                    .putLong(checkpoint.watermarkMs()).putLong(checkpoint.lateEvents())
                    .putLong(checkpoint.sourceWatermarkMs());
            if (extra > 0) {
                putLongs(buf, stages);
                putLongs(buf, upstream);
            }
            batch.put(CHECKPOINT_KEY, buf.array());
            db.write(writeOptions, batch);
            for (Store<?, ?> s : stores) {
                s.committed();
            }
        } catch (RocksDBException e) {
            throw new StorageException("cannot commit the processor state: " + e.getMessage(), e);
        }
        commitsSinceFlush++;
        lastCommitted = checkpoint.position();
        flushIfDue();
    }

    @Override
    public void idle() {
        flushIfDue();
    }

    @Override
    public long durablePosition() {
        return durablePosition;
    }

    /**
     * Moves {@link #durablePosition} to the commit before the last flush once no memtable waits to
     * be flushed: that flush took the memtable holding the commit, so it is on disk.
     */
    private void noteFlushed() {
        if (flushing < 0) {
            return;
        }
        try {
            if (db.getLongProperty("rocksdb.num-immutable-mem-table") == 0) {
                durablePosition = Math.max(durablePosition, flushing);
                flushing = -1;
            }
        } catch (RocksDBException e) {
            // unknown for now: asked again at the next commit
        }
    }

    /**
     * Flushes the memtables when the last flush is old enough. The flush runs in the background;
     * it persists whole memtables, and every commit is one write batch in one memtable, so what is
     * on disk is always some commit's state with its own checkpoint.
     */
    private void flushIfDue() {
        noteFlushed();
        if (commitsSinceFlush == 0) {
            return;
        }
        long now = clock.millis();
        if (commitsSinceFlush < flushCommits && now - lastFlushMs < flushIntervalMs) {
            return;
        }
        try {
            db.flush(flushOptions);
        } catch (RocksDBException e) {
            throw new StorageException("cannot flush the processor state: " + e.getMessage(), e);
        }
        commitsSinceFlush = 0;
        lastFlushMs = now;
        flushing = lastCommitted;
        noteFlushed(); // a small memtable may be flushed already
    }

    @Override
    public boolean durable() {
        return true;
    }

    @Override
    public void close() {
        db.close();
        options.close();
        writeOptions.close();
        flushOptions.close();
    }

    /** One store: a key prefix in the shared RocksDB plus the changes of the current batch. */
    private final class Store<K, V> implements KvStore<K, V> {
        private final byte[] prefix;
        private final Serde<K> keys;
        private final Serde<V> values;
        /** Changes since the last commit: a value or {@link #DELETED}; read by queries from other threads. */
        private final ConcurrentHashMap<K, Object> dirty = new ConcurrentHashMap<>();
        /**
         * Keys the task's thread read as absent from RocksDB since the last commit: deleting them
         * again needs no tombstone. Only the writing thread records them (a query's read could
         * straddle a commit).
         */
        private final Set<K> absent = new HashSet<>();
        private volatile Thread writer;
        /**
         * Committed values recently used (a read cache, like Kafka Streams' record cache): a hit
         * saves a RocksDB read and a deserialization. Bounded; guarded by itself.
         */
        private final Map<K, V> cache = new LinkedHashMap<>(1024, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > CACHE_ENTRIES;
            }
        };

        Store(byte[] prefix, Serde<K> keys, Serde<V> values) {
            this.prefix = prefix;
            this.keys = keys;
            this.values = values;
        }

        private byte[] rawKey(K key) {
            byte[] k = keys.serialize(key);
            byte[] raw = Arrays.copyOf(prefix, prefix.length + k.length);
            System.arraycopy(k, 0, raw, prefix.length, k.length);
            return raw;
        }

        @Override
        @SuppressWarnings("unchecked")
        public V get(K key) {
            Object d = dirty.get(key);
            if (d != null) {
                return d == DELETED ? null : (V) d;
            }
            synchronized (cache) {
                V cached = cache.get(key);
                if (cached != null) {
                    return cached;
                }
            }
            try {
                byte[] b = db.get(rawKey(key));
                if (b == null) {
                    if (Thread.currentThread() == writer) {
                        absent.add(key);
                    }
                    return null;
                }
                V v = values.deserialize(b);
                synchronized (cache) {
                    cache.put(key, v);
                }
                return v;
            } catch (RocksDBException e) {
                throw new StorageException("cannot read processor state: " + e.getMessage(), e);
            }
        }

        @Override
        public void put(K key, V value) {
            if (writer == null) {
                writer = Thread.currentThread(); // the task's thread: the only one that writes
            }
            dirty.put(key, value);
        }

        @Override
        public void delete(K key) {
            if (writer == null) {
                writer = Thread.currentThread(); // the task's thread: the only one that writes
            }
            dirty.put(key, DELETED);
        }

        @Override
        @SuppressWarnings("unchecked")
        public void forEach(BiConsumer<K, V> action) {
            Set<K> seen = new HashSet<>();
            try (RocksIterator it = db.newIterator()) {
                for (it.seek(prefix); it.isValid() && startsWith(it.key(), prefix); it.next()) {
                    byte[] raw = it.key();
                    K key = keys.deserialize(Arrays.copyOfRange(raw, prefix.length, raw.length));
                    seen.add(key);
                    Object d = dirty.get(key);
                    if (d == null) {
                        action.accept(key, values.deserialize(it.value()));
                    } else if (d != DELETED) {
                        action.accept(key, (V) d);
                    }
                }
            }
            dirty.forEach((k, d) -> {
                if (!seen.contains(k) && d != DELETED) {
                    action.accept(k, (V) d);
                }
            });
        }

        /** Moves the committed changes into the read cache. */
        @SuppressWarnings("unchecked")
        void committed() {
            synchronized (cache) {
                for (var e : dirty.entrySet()) {
                    if (e.getValue() == DELETED) {
                        cache.remove(e.getKey());
                    } else {
                        cache.put(e.getKey(), (V) e.getValue());
                    }
                }
            }
            dirty.clear();
            absent.clear();
        }

        void flushInto(WriteBatch batch) throws RocksDBException {
            for (var e : dirty.entrySet()) {
                if (e.getValue() == DELETED) {
                    if (!absent.contains(e.getKey())) {
                        batch.delete(rawKey(e.getKey()));
                    }
                } else {
                    @SuppressWarnings("unchecked")
                    V v = (V) e.getValue();
                    batch.put(rawKey(e.getKey()), values.serialize(v));
                }
            }
        }
    }

    private static boolean startsWith(byte[] a, byte[] prefix) {
        if (a.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (a[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
