package io.tributary.store.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which stream names the index may hold: a Bloom filter the writer asks before it looks a stream
 * up (a stream the filter has never seen is new without a RocksDB read: CDC appends a new stream
 * per inserted row). Also the hashes of event ids and the split-block {@link Bloom} layout the
 * event-id index ({@link IdIndex}) uses for its own filters.
 *
 * <p>Two parts: the keys the writer records from now on (added as it writes them, writer thread
 * only), and the keys already in the index when the store opened, loaded by a background thread
 * from the column family. Until that load is done every answer is "maybe". Keys removed from the
 * index (scavenge, deletes) stay in the filter: a false "maybe" costs only the exact look-up.
 *
 * <p>Each part is a series of split-block Bloom filters (all of a key's bits in one 32-byte block:
 * one cache line per filter) whose capacity grows eightfold, so it grows with the store without
 * rehashing: 16 bits per key, about half a percent of false "maybe"s at 5 million keys.
 */
final class KeyFilter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KeyFilter.class);
    private static final int FIRST_CAPACITY = 1 << 16;
    private static final int BITS_PER_KEY = 16;
    /** Eightfold: few levels (one cache miss each) in a big store, small ones (cached) in a small one. */
    private static final int GROWTH = 8;

    private final Bloom live = new Bloom();
    private volatile Bloom loaded;
    private volatile boolean stop;
    private final Thread loader;

    /** Feeds the keys present at open to a filter (in the background), checking {@code stop} now and then. */
    private interface Source {
        void feed(LongConsumer add, BooleanSupplier stop) throws RocksDBException;
    }

    private KeyFilter(String what, Source source) {
        loader = new Thread(() -> load(what, source), "tributary-filter-" + what.replace(' ', '-'));
        loader.setDaemon(true);
    }

    /** A filter of the stream names, those in the index loaded in the background. */
    static KeyFilter streams(Index index) {
        return start(new KeyFilter("streams", (add, stop) -> {
            try (RocksIterator it = index.iterator(index.streams)) {
                long n = 0;
                for (it.seekToFirst(); it.isValid(); it.next()) {
                    add.accept(streamHash(it.key()));
                    if ((++n & 0xFFF) == 0 && stop.getAsBoolean()) {
                        return;
                    }
                }
                // isValid() is also false after a read error: only a complete pass may answer "new".
                it.status();
            }
        }));
    }

    private static KeyFilter start(KeyFilter f) {
        f.loader.start();
        return f;
    }

    /** True once the keys that were in the index at open are loaded (until then every answer is "maybe"). */
    boolean loaded() {
        return loaded != null;
    }

    /** The hash of an event id in the stream whose name hashes to {@code streamHash} ({@link Keys#streamHash}). */
    static long idHash(UUID id, long streamHash) {
        long h = idHash(id.getMostSignificantBits(), id.getLeastSignificantBits(), streamHash);
        return h == 0 ? 1 : h; // never 0: the id index's tables use 0 for an empty slot
    }

    /** The hash of a stream name (its UTF-8 bytes). */
    static long streamHash(byte[] name) {
        return mix(Keys.streamHash(name));
    }

    /** {@link #streamHash(byte[])} from {@link Keys#streamHash} of the name, already computed. */
    static long streamHashOfRaw(long rawHash) {
        return mix(rawHash);
    }

    /** Records that the key of {@code hash} is being written. Writer thread only. */
    void add(long hash) {
        live.add(hash);
    }

    /** Like {@link #add}, unless the live part already answers "maybe" for it (a key looked up again). */
    void addIfAbsent(long hash) {
        if (!live.mightContain(hash)) {
            live.add(hash);
        }
    }

    /** False only if the key of {@code hash} certainly is not in the index. Writer thread only. */
    boolean mightContain(long hash) {
        Bloom base = loaded;
        if (base == null) {
            return true;
        }
        return live.mightContain(hash) || (base.count() > 0 && base.mightContain(hash));
    }

    private void load(String what, Source source) {
        long started = System.nanoTime();
        Bloom b = new Bloom(FIRST_CAPACITY);
        long[] n = new long[1];
        try {
            source.feed(h -> {
                b.add(h);
                n[0]++;
            }, () -> stop);
            if (stop) {
                return;
            }
            loaded = b;
            if (n[0] > 100_000) {
                LOG.info("loaded {} {} into a filter in {} ms", n[0], what, (System.nanoTime() - started) / 1_000_000);
            }
        } catch (RuntimeException | RocksDBException e) {
            // Without the filter every key takes the exact look-up: slower, still correct.
            LOG.warn("loading the filter of {} failed; they are looked up in the index only", what, e);
        }
    }

    /** Stops the loader (before the index closes). */
    @Override
    public void close() {
        stop = true;
        // The loader holds an iterator of the index: the index must not close before it ends,
        // so wait for it even when interrupted (it stops within a few thousand keys).
        boolean interrupted = false;
        while (loader.isAlive()) {
            try {
                loader.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static long idHash(long msb, long lsb, long streamHash) {
        return mix(msb * 0x9E3779B97F4A7C15L ^ Long.rotateLeft(lsb * 0xC2B2AE3D27D4EB4FL, 29) ^ streamHash * 0x165667B19E3779F9L);
    }

    private static long mix(long x) {
        long h = x;
        h ^= h >>> 32;
        h *= 0xD6E8FEB86659FD93L;
        h ^= h >>> 32;
        return h;
    }

    /**
     * A series of split-block Bloom filters (a 256-bit block per key, one bit set in each of its
     * eight 32-bit words) of growing capacity. Not thread-safe.
     */
    static final class Bloom {
        private static final int[] SALT = {0x47b6137b, 0x44974d91, 0x8824ad5b, 0xa2b7289d, 0x705495c7, 0x2df1424b,
                0x9efc4947, 0x5c6bfb31};
        private final List<int[]> levels = new ArrayList<>();
        private int[] last;
        private long lastCapacity;
        private long lastCount;
        private long count;

        Bloom() {
            this(FIRST_CAPACITY);
        }

        /** A filter whose first level takes {@code capacity} keys (more keys add levels). */
        Bloom(long capacity) {
            grow(Math.max(1, capacity));
        }

        long count() {
            return count;
        }

        private void grow(long capacity) {
            last = words(capacity);
            levels.add(last);
            lastCapacity = capacity;
            lastCount = 0;
        }

        void add(long h) {
            if (lastCount >= lastCapacity) {
                grow(lastCapacity * GROWTH);
            }
            add(last, h);
            lastCount++;
            count++;
        }

        boolean mightContain(long h) {
            for (int l = levels.size() - 1; l >= 0; l--) {
                if (mightContain(levels.get(l), h)) {
                    return true;
                }
            }
            return false;
        }

        /** The words of one fixed-size filter for {@code capacity} keys. */
        static int[] words(long capacity) {
            long blocks = Math.max(1, capacity * BITS_PER_KEY / 256);
            return new int[(int) Math.min(blocks * 8, Integer.MAX_VALUE - 15)];
        }

        /** Adds a key to one fixed-size filter. */
        static void add(int[] words, long h) {
            int b = block(h, words.length);
            int x = (int) h;
            for (int i = 0; i < 8; i++) {
                words[b + i] |= 1 << ((x * SALT[i]) >>> 27);
            }
        }

        /** False only if the key was never added to the fixed-size filter {@code words}. */
        static boolean mightContain(int[] words, long h) {
            int x = (int) h;
            int b = block(h, words.length);
            for (int i = 0; i < 8; i++) {
                if ((words[b + i] & bit(x, i)) == 0) {
                    return false;
                }
            }
            return true;
        }

        /** The bit of word {@code i} of its block that a key whose hash's low half is {@code x} sets. */
        static int bit(int x, int i) {
            return 1 << ((x * SALT[i]) >>> 27);
        }

        /** The first word of the key's block: the high half of the hash picks the block. */
        static int block(long h, int length) {
            return (int) (((h >>> 32) * (length >>> 3)) >>> 32) << 3;
        }
    }
}
