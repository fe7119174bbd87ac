package io.tributary.store.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.LongConsumer;
import java.util.function.LongPredicate;
import java.util.zip.CRC32C;

/**
 * One immutable file of the event-id index: the id hashes of the events at positions
 * {@code [from, to]}, sorted, with their positions, and a Bloom filter of the hashes. Written once
 * (atomically) when the writer's in-memory {@link IdTable} fills up or the store closes; read
 * through a memory map. An entry is a hint, not a fact: the writer confirms a match by reading the
 * event at the position, so entries of events a scavenge removed do no harm.
 *
 * <pre>
 * magic "TRIDCHK2" | from long | to long | count int | filterWords int | crc32c int (of the 28 bytes before it and all that follows)
 * filter int[filterWords] | hashes long[count] (ascending) | positions long[count]
 * </pre>
 * The checksum is checked when the store opens: a damaged chunk is dropped and rebuilt from the log.
 */
final class IdChunk {
    private static final byte[] MAGIC = {'T', 'R', 'I', 'D', 'C', 'H', 'K', '2'};
    private static final int HEADER_BYTES = 8 + 8 + 8 + 4 + 4 + 4;
    static final String SUFFIX = ".ids";

    private final Path path;
    private final long from;
    private final long to;
    private final int count;
    private final int filterWords;
    private final MappedByteBuffer map;
    private final int hashesAt;
    private final int positionsAt;
    private final int crc;

    private IdChunk(Path path, long from, long to, int count, int filterWords, MappedByteBuffer map, int crc) {
        this.path = path;
        this.from = from;
        this.to = to;
        this.count = count;
        this.filterWords = filterWords;
        this.map = map;
        this.crc = crc;
        this.hashesAt = HEADER_BYTES + filterWords * 4;
        this.positionsAt = hashesAt + count * 8;
    }

    /** The file name of the chunk for positions {@code [from, to]}: sorts by {@code from}. */
    static String fileName(long from, long to) {
        return String.format("%020d-%020d%s", from, to, SUFFIX);
    }

    /** The bytes of a chunk file for the table's entries. */
    static byte[] encode(IdTable table) {
        long[][] sorted = table.sorted();
        long[] hashes = sorted[0];
        long[] positions = sorted[1];
        int[] filter = KeyFilter.Bloom.words(Math.max(1, hashes.length));
        for (long h : hashes) {
            KeyFilter.Bloom.add(filter, h);
        }
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES + filter.length * 4 + hashes.length * 16).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).putLong(table.from()).putLong(table.to()).putInt(hashes.length).putInt(filter.length).putInt(0);
        b.asIntBuffer().put(filter);
        b.position(HEADER_BYTES + filter.length * 4);
        b.asLongBuffer().put(hashes);
        b.position(b.position() + hashes.length * 8);
        b.asLongBuffer().put(positions);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), MAGIC.length, HEADER_BYTES - 4 - MAGIC.length);
        crc.update(b.array(), HEADER_BYTES, b.capacity() - HEADER_BYTES);
        b.putInt(HEADER_BYTES - 4, (int) crc.getValue());
        return b.array();
    }

    /** Maps a chunk file and checks its header, length and checksum. */
    static IdChunk open(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < HEADER_BYTES || size > Integer.MAX_VALUE) {
                throw new IOException(path + " is not an event-id chunk (" + size + " bytes)");
            }
            MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
            map.order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < MAGIC.length; i++) {
                if (map.get(i) != MAGIC[i]) {
                    throw new IOException(path + " is not an event-id chunk (bad magic)");
                }
            }
            long from = map.getLong(8);
            long to = map.getLong(16);
            int count = map.getInt(24);
            int words = map.getInt(28);
            int crc = map.getInt(32);
            if (count < 0 || words <= 0 || words % 8 != 0 || from < 0 || to < from - 1
                    || size != HEADER_BYTES + (long) words * 4 + (long) count * 16) {
                throw new IOException(path + " is not a complete event-id chunk (header " + from + ".." + to + ", "
                        + count + " entries, " + words + " filter words, " + size + " bytes)");
            }
            IdChunk c = new IdChunk(path, from, to, count, words, map, crc);
            if (!c.checksumMatches()) {
                throw new IOException(path + " is damaged (checksum mismatch)");
            }
            return c;
        }
    }

    Path path() {
        return path;
    }

    long from() {
        return from;
    }

    long to() {
        return to;
    }

    int count() {
        return count;
    }

    /**
     * Passes the positions recorded with {@code hash} to {@code match} until it accepts one;
     * returns that position, or -1. Thread-safe.
     */
    long find(long hash, LongPredicate match) {
        long h = hash == 0 ? 1 : hash;
        if (count == 0 || !filterMightContain(h)) {
            return -1;
        }
        int lo = 0;
        int hi = count;
        while (lo < hi) { // the first entry >= h
            int mid = (lo + hi) >>> 1;
            if (hashAt(mid) < h) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        for (int i = lo; i < count && hashAt(i) == h; i++) {
            long p = map.getLong(positionsAt + i * 8);
            if (match.test(p)) {
                return p;
            }
        }
        return -1;
    }

    /** Passes every hash to {@code out}. Thread-safe. */
    void forEachHash(LongConsumer out) {
        for (int i = 0; i < count; i++) {
            out.accept(hashAt(i));
        }
    }

    /** Passes every entry to {@code out}. Thread-safe. */
    void forEach(EntryConsumer out) {
        for (int i = 0; i < count; i++) {
            out.accept(hashAt(i), map.getLong(positionsAt + i * 8));
        }
    }

    /** Receives one entry. */
    interface EntryConsumer {
        void accept(long hash, long position);
    }

    /** The chunk's filter, read in place (the same split-block layout as {@link KeyFilter.Bloom#mightContain}). */
    private boolean filterMightContain(long h) {
        int b = KeyFilter.Bloom.block(h, filterWords);
        int x = (int) h;
        for (int i = 0; i < 8; i++) {
            if ((map.getInt(HEADER_BYTES + (b + i) * 4) & KeyFilter.Bloom.bit(x, i)) == 0) {
                return false;
            }
        }
        return true;
    }

    private boolean checksumMatches() {
        CRC32C c = new CRC32C();
        ByteBuffer all = map.duplicate();
        all.position(MAGIC.length).limit(HEADER_BYTES - 4);
        c.update(all);
        all.limit(all.capacity()).position(HEADER_BYTES);
        c.update(all);
        return (int) c.getValue() == crc;
    }

    /** Null if the chunk matches its checksum, is sorted and within range; else what is wrong. */
    String verify() {
        if (!checksumMatches()) {
            return "checksum mismatch";
        }
        for (int i = 0; i < count; i++) {
            long p = map.getLong(positionsAt + i * 8);
            if (p < from || p > to) {
                return "entry " + i + " has position " + p + " outside " + from + ".." + to;
            }
            if (i > 0 && hashAt(i - 1) > hashAt(i)) {
                return "entries " + (i - 1) + " and " + i + " are out of order";
            }
        }
        return null;
    }

    private long hashAt(int i) {
        return map.getLong(hashesAt + i * 8);
    }
}
