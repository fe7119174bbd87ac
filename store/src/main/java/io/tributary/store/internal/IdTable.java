package io.tributary.store.internal;

import java.util.function.LongConsumer;
import java.util.function.LongPredicate;

/**
 * The newest part of the event-id index, in memory: event-id hashes ({@link KeyFilter#idHash})
 * and the positions of their events, for the positions from {@link #from()} on that are not in an
 * {@link IdChunk} file yet. Not thread-safe: the writer thread owns the live table; a frozen one
 * is only read.
 *
 * <p>Laid out for the writer, which adds every event it writes and asks about every id it is
 * given, and rarely finds one:
 * <ul>
 *   <li>entries are appended to one of a power-of-two number of buckets chosen by the hash's high
 *       bits, about {@value #PER_BUCKET} per bucket: an insert writes at a bucket's end, and the
 *       ends of all buckets stay in the CPU cache (no cache miss per insert, as a hash table
 *       has); within a bucket positions ascend, so a failed group is cut off its end;</li>
 *   <li>a split-block Bloom filter of the table's hashes ({@link KeyFilter.Bloom}, one cache
 *       line per key, small enough to stay in cache) answers "certainly not here" for almost
 *       every new id; only a "maybe" scans a bucket;</li>
 *   <li>buckets ordered by high bits are already in hash order: a chunk file is written by
 *       sorting each small bucket, not the whole table.</li>
 * </ul>
 * A hash may occur more than once (two ids may collide, or one id in two streams).
 */
final class IdTable {
    /** Entries per bucket, at most, when the table holds what it is sized for (past the most buckets, more). */
    static final int PER_BUCKET = 256;
    private static final int MIN_BUCKET_BITS = 4;
    /** At most 1,024 buckets: their ends (a cache line each) stay in the CPU's cache. */
    private static final int MAX_BUCKET_BITS = 10;

    private final long from;
    private int bucketBits;
    /** Per bucket: hash, position, hash, position, ... ({@code null} while empty). */
    private long[][] buckets;
    /** Per bucket: how many longs of it are used. */
    private int[] used;
    /** Longs a bucket is allocated with: its share of the entries the table is sized for, and a fifth more. */
    private int bucketLongs;
    private int[] filter;
    private long capacity;
    private int count;
    private long to;

    /** An empty table for the positions from {@code from}, sized for {@code expected} entries (it grows past that). */
    IdTable(long from, int expected) {
        this.from = from;
        this.to = from - 1;
        size(Math.max(1, expected));
    }

    private void size(long entries) {
        int bits = MIN_BUCKET_BITS;
        while (bits < MAX_BUCKET_BITS && ((long) PER_BUCKET << bits) < entries) {
            bits++;
        }
        bucketBits = bits;
        buckets = new long[1 << bits][];
        used = new int[1 << bits];
        capacity = entries;
        filter = KeyFilter.Bloom.words(capacity);
        bucketLongs = (int) Math.min(1 << 24, 2 * (entries / (1L << bits) + entries / (5L << bits) + 8));
    }

    /** The first position this table covers. */
    long from() {
        return from;
    }

    /** The last position covered so far ({@code from() - 1} when nothing was added). */
    long to() {
        return to;
    }

    int count() {
        return count;
    }

    /** Records the event at {@code position} (at or after every position added so far). */
    void add(long hash, long position) {
        // Half again past its size before it grows: a group that ends past a full chunk's worth
        // should not copy the table (the filter answers "maybe" a little more often meanwhile).
        if (count >= capacity + capacity / 2) {
            grow();
        }
        long h = hash == 0 ? 1 : hash;
        KeyFilter.Bloom.add(filter, h);
        append(h, position);
        count++;
        to = Math.max(to, position);
    }

    private void append(long h, long position) {
        int b = (int) (h >>> (64 - bucketBits));
        long[] bucket = buckets[b];
        int n = used[b];
        if (bucket == null) {
            bucket = new long[bucketLongs]; // allocated whole: no copying as the table fills
            buckets[b] = bucket;
        } else if (n == bucket.length) {
            bucket = java.util.Arrays.copyOf(bucket, n * 2);
            buckets[b] = bucket;
        }
        bucket[n] = h;
        bucket[n + 1] = position;
        used[b] = n + 2;
    }

    /**
     * Sets {@code out[i]} where {@code hashes[i]} may be in this table (leaves the others as they
     * are); false is certain.
     */
    void markMaybe(long[] hashes, boolean[] out) {
        if (count == 0) {
            return;
        }
        int[] f = filter;
        for (int i = 0; i < hashes.length; i++) {
            if (!out[i]) {
                long h = hashes[i] == 0 ? 1 : hashes[i];
                out[i] = KeyFilter.Bloom.mightContain(f, h);
            }
        }
    }

    /**
     * Forgets the entries at {@code position} and after (a group whose write failed). Their
     * filter bits stay: a stale "maybe" only costs a bucket scan.
     */
    void truncateFrom(long position) {
        for (int b = 0; b < buckets.length; b++) {
            long[] bucket = buckets[b];
            int n = used[b];
            while (n > 0 && bucket[n - 1] >= position) {
                n -= 2;
                count--;
            }
            used[b] = n;
        }
        to = Math.max(from - 1, Math.min(to, position - 1));
    }

    /** Marks the positions up to {@code position} as covered (events without ids, e.g. none at all). */
    void coverTo(long position) {
        to = Math.max(to, position);
    }

    /**
     * Passes the positions recorded with {@code hash}, newest first, to {@code match} until it
     * accepts one; returns that position, or -1.
     */
    long find(long hash, LongPredicate match) {
        long h = hash == 0 ? 1 : hash;
        if (count == 0 || !KeyFilter.Bloom.mightContain(filter, h)) {
            return -1;
        }
        int b = (int) (h >>> (64 - bucketBits));
        long[] bucket = buckets[b];
        for (int i = used[b] - 2; i >= 0; i -= 2) {
            if (bucket[i] == h && match.test(bucket[i + 1])) {
                return bucket[i + 1];
            }
        }
        return -1;
    }

    /** Passes every hash to {@code out}. */
    void forEachHash(LongConsumer out) {
        for (int b = 0; b < buckets.length; b++) {
            long[] bucket = buckets[b];
            for (int i = 0; i < used[b]; i += 2) {
                out.accept(bucket[i]);
            }
        }
    }

    /** The entries sorted by hash (signed, as {@link IdChunk} orders them), then position: {@code [hashes, positions]}. */
    long[][] sorted() {
        long[] hs = new long[count];
        long[] ps = new long[count];
        int n = 0;
        int half = buckets.length / 2;
        // High bit set (negative hashes) first: signed order.
        for (int k = 0; k < buckets.length; k++) {
            int b = (k + half) & (buckets.length - 1);
            int start = n;
            long[] bucket = buckets[b];
            for (int i = 0; i < used[b]; i += 2) {
                hs[n] = bucket[i];
                ps[n] = bucket[i + 1];
                n++;
            }
            sortPairs(hs, ps, start, n);
        }
        return new long[][] {hs, ps};
    }

    /**
     * Sorts {@code [from, to)} of the parallel arrays by hash, keeping equal hashes in their
     * order (their positions ascend already): insertion sort, as buckets are small; a bucket
     * grown large (a table far past its size) takes a merge sort.
     */
    static void sortPairs(long[] hs, long[] ps, int from, int to) {
        if (to - from > 64) {
            mergeSort(hs, ps, from, to);
            return;
        }
        for (int i = from + 1; i < to; i++) {
            long h = hs[i];
            long p = ps[i];
            int j = i - 1;
            while (j >= from && hs[j] > h) {
                hs[j + 1] = hs[j];
                ps[j + 1] = ps[j];
                j--;
            }
            hs[j + 1] = h;
            ps[j + 1] = p;
        }
    }

    private static void mergeSort(long[] hs, long[] ps, int from, int to) {
        if (to - from <= 64) {
            sortPairs(hs, ps, from, to);
            return;
        }
        int mid = (from + to) >>> 1;
        mergeSort(hs, ps, from, mid);
        mergeSort(hs, ps, mid, to);
        long[] lh = java.util.Arrays.copyOfRange(hs, from, mid);
        long[] lp = java.util.Arrays.copyOfRange(ps, from, mid);
        int i = 0;
        int j = mid;
        int k = from;
        while (i < lh.length && j < to) {
            if (hs[j] < lh[i]) { // strictly less: equal hashes keep the left (earlier) first
                hs[k] = hs[j];
                ps[k++] = ps[j++];
            } else {
                hs[k] = lh[i];
                ps[k++] = lp[i++];
            }
        }
        while (i < lh.length) {
            hs[k] = lh[i];
            ps[k++] = lp[i++];
        }
    }

    /** Fourfold: more buckets (each old bucket splits into some, order kept) and a larger filter. */
    private void grow() {
        long[][] oldBuckets = buckets;
        int[] oldUsed = used;
        size(capacity * 4);
        for (int b = 0; b < oldBuckets.length; b++) {
            long[] bucket = oldBuckets[b];
            for (int i = 0; i < oldUsed[b]; i += 2) {
                KeyFilter.Bloom.add(filter, bucket[i]);
                append(bucket[i], bucket[i + 1]);
            }
        }
    }
}
