package io.tributary.store.internal;

/**
 * The hashes of event ids written but maybe not yet in the id index: a set of 64-bit hashes in
 * two open-addressing tables. New hashes go into the current table; when it fills up and every
 * group in the previous one is in the id index, the previous table is cleared and the two swap —
 * so ids leave in bulk, with no per-id removal. A hash found here sends the writer to the exact
 * (slow, rare) check. Writer thread only.
 */
final class InflightIds {
    private static final int FIRST_CAPACITY = 1 << 12;

    private long[] current = new long[FIRST_CAPACITY];
    private int currentCount;
    /** The greatest group sequence number whose ids are in the current table. */
    private long currentMaxSeq;
    private long[] previous = new long[FIRST_CAPACITY];
    private int previousCount;
    private long previousMaxSeq;

    /**
     * Adds the hash of an id written by group {@code seq}; {@code indexedSeq} is the last group
     * whose ids the id index has.
     */
    void add(long hash, long seq, long indexedSeq) {
        if (2 * (currentCount + 1) > current.length) {
            if (previousCount == 0 || previousMaxSeq <= indexedSeq) {
                long[] cleared = previous.length == current.length ? previous : new long[current.length];
                if (previousCount > 0 && cleared == previous) {
                    java.util.Arrays.fill(cleared, 0);
                }
                previous = current;
                previousCount = currentCount;
                previousMaxSeq = currentMaxSeq;
                current = cleared;
                currentCount = 0;
                currentMaxSeq = 0;
            } else {
                current = rehash(current, current.length * 2);
            }
        }
        insert(current, hash == 0 ? 1 : hash);
        currentCount++;
        currentMaxSeq = Math.max(currentMaxSeq, seq);
    }

    /** True if the hash was added and may still be in flight. */
    boolean contains(long hash) {
        long h = hash == 0 ? 1 : hash;
        return contains(current, h) || (previousCount > 0 && contains(previous, h));
    }

    private static boolean contains(long[] table, long h) {
        int mask = table.length - 1;
        for (int i = slot(h, mask); ; i = (i + 1) & mask) {
            long v = table[i];
            if (v == h) {
                return true;
            }
            if (v == 0) {
                return false;
            }
        }
    }

    private static void insert(long[] table, long h) {
        int mask = table.length - 1;
        int i = slot(h, mask);
        while (table[i] != 0 && table[i] != h) {
            i = (i + 1) & mask;
        }
        table[i] = h;
    }

    private static long[] rehash(long[] table, int capacity) {
        long[] bigger = new long[capacity];
        for (long v : table) {
            if (v != 0) {
                insert(bigger, v);
            }
        }
        return bigger;
    }

    private static int slot(long h, int mask) {
        return (int) (h ^ (h >>> 29)) & mask;
    }
}
