package io.tributary.store.internal;

import java.util.Arrays;
import java.util.function.LongConsumer;
import java.util.function.LongPredicate;

/**
 * The newest part of the event-id index, in memory: event-id hashes ({@link KeyFilter#idHash})
 * and the positions of their events, for the positions from {@link #from()} on that are not in an
 * {@link IdChunk} file yet. An open-addressing table of two parallel long arrays (a hash may occur
 * more than once: a repeated id in another stream hashes differently, but two ids may collide).
 * Not thread-safe: the writer thread owns the live table; a frozen one is only read.
 */
final class IdTable {
    private final long from;
    private long[] hashes;
    private long[] positions;
    private int count;
    private long to;

    /** An empty table for the positions from {@code from}, with room for {@code expected} entries (it doubles when full). */
    IdTable(long from, int expected) {
        this.from = from;
        this.to = from - 1;
        int capacity = Integer.highestOneBit(Math.max(16, expected) * 2 - 1) * 2;
        hashes = new long[capacity];
        positions = new long[capacity];
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
        // Up to three quarters full: a full chunk's table plus a large group fits without doubling.
        if (4L * (count + 1) > 3L * hashes.length) {
            grow();
        }
        long h = hash == 0 ? 1 : hash;
        int mask = hashes.length - 1;
        int i = slot(h, mask);
        while (hashes[i] != 0) {
            i = (i + 1) & mask;
        }
        hashes[i] = h;
        positions[i] = position;
        count++;
        to = Math.max(to, position);
    }

    /**
     * Forgets the entries at {@code position} and after (a group whose write failed): rebuilds the
     * table from the entries before it. Rare, so simple.
     */
    void truncateFrom(long position) {
        long[] oldHashes = hashes;
        long[] oldPositions = positions;
        hashes = new long[oldHashes.length];
        positions = new long[oldHashes.length];
        count = 0;
        to = from - 1;
        for (int j = 0; j < oldHashes.length; j++) {
            if (oldHashes[j] != 0 && oldPositions[j] < position) {
                add(oldHashes[j], oldPositions[j]);
            }
        }
        to = Math.max(from - 1, position - 1);
    }

    /** Marks the positions up to {@code position} as covered (events without ids, e.g. none at all). */
    void coverTo(long position) {
        to = Math.max(to, position);
    }

    /**
     * Passes the positions recorded with {@code hash} to {@code match} until it accepts one;
     * returns that position, or -1.
     */
    long find(long hash, LongPredicate match) {
        long h = hash == 0 ? 1 : hash;
        int mask = hashes.length - 1;
        for (int i = slot(h, mask); ; i = (i + 1) & mask) {
            long v = hashes[i];
            if (v == 0) {
                return -1;
            }
            if (v == h && match.test(positions[i])) {
                return positions[i];
            }
        }
    }

    /** Passes every hash to {@code out}. */
    void forEachHash(LongConsumer out) {
        for (long v : hashes) {
            if (v != 0) {
                out.accept(v);
            }
        }
    }

    /** The entries sorted by hash (then position): {@code [hashes, positions]}. */
    long[][] sorted() {
        long[] hs = new long[count];
        int n = 0;
        for (long v : hashes) {
            if (v != 0) {
                hs[n++] = v;
            }
        }
        Arrays.sort(hs);
        long[] ps = new long[count];
        // Each run of equal hashes takes its positions from the table, in ascending order.
        int[] k = new int[1];
        for (int i = 0; i < count; ) {
            int start = i;
            long h = hs[i];
            while (i < count && hs[i] == h) {
                i++;
            }
            k[0] = start;
            find(h, p -> {
                ps[k[0]++] = p;
                return false; // all of them
            });
            Arrays.sort(ps, start, i);
        }
        return new long[][] {hs, ps};
    }

    private void grow() {
        long[] oldHashes = hashes;
        long[] oldPositions = positions;
        hashes = new long[oldHashes.length * 2];
        positions = new long[oldHashes.length * 2];
        int mask = hashes.length - 1;
        for (int j = 0; j < oldHashes.length; j++) {
            long h = oldHashes[j];
            if (h != 0) {
                int i = slot(h, mask);
                while (hashes[i] != 0) {
                    i = (i + 1) & mask;
                }
                hashes[i] = h;
                positions[i] = oldPositions[j];
            }
        }
    }

    private static int slot(long h, int mask) {
        return (int) (h ^ (h >>> 29)) & mask;
    }
}
