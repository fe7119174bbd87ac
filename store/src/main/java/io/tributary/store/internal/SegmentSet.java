package io.tributary.store.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The segment files of a data directory. Segments are created preallocated (written with
 * zeros) so that an fsync after a write never has to update the file size or allocate blocks.
 * Thread-safe for lookups; creation happens on the writer thread.
 */
final class SegmentSet implements AutoCloseable {
    private static final int ZERO_CHUNK = 1 << 20;
    /** How many zero bytes a preallocation writes between fsyncs. */
    private static final long SYNC_EVERY_BYTES = Math.max(ZERO_CHUNK, Long.getLong("tributary.internal.preallocSyncBytes", 2L << 20));

    private final Path dir;
    private final FileIO io;
    private final long segmentSize;
    private final ConcurrentSkipListMap<Long, Segment> segments = new ConcurrentSkipListMap<>();
    private final List<Segment> retired = new java.util.concurrent.CopyOnWriteArrayList<>();

    private SegmentSet(Path dir, FileIO io, long segmentSize) {
        this.dir = dir;
        this.io = io;
        this.segmentSize = segmentSize;
    }

    /**
     * Opens every segment file in {@code dir}.
     *
     * @throws io.tributary.core.CorruptedLogException if a segment's header is bad
     */
    static SegmentSet open(Path dir, FileIO io, long segmentSize) throws IOException {
        return open(dir, io, segmentSize, true);
    }

    /**
     * Opens every segment file. With {@code repair} false (the verifier) nothing is changed:
     * bad headers are left for the caller to report and stale temporary files stay.
     */
    static SegmentSet open(Path dir, FileIO io, long segmentSize, boolean repair) throws IOException {
        if (repair) {
            Files.createDirectories(dir);
        }
        SegmentSet set = new SegmentSet(dir, io, segmentSize);
        List<Path> stale = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                long n = Segment.parseNumber(name);
                if (n >= 0) {
                    FileIO.LogChannel ch = io.open(f, false);
                    set.segments.put(n, new Segment(n, f, ch));
                    String problem = Segment.checkHeader(ch, n);
                    if (repair && problem != null) {
                        set.close();
                        throw new io.tributary.core.CorruptedLogException(f.toString(), 0, problem);
                    }
                } else if (name.endsWith(".tmp") || name.endsWith(".scavenge")) {
                    stale.add(f);
                }
            }
        }
        if (repair) {
            for (Path f : stale) {
                Files.deleteIfExists(f);
            }
        }
        return set;
    }

    Path directory() {
        return dir;
    }

    long segmentSize() {
        return segmentSize;
    }

    /** All segments in order. */
    List<Segment> all() {
        return new ArrayList<>(segments.values());
    }

    Segment get(long number) {
        return segments.get(number);
    }

    Segment last() {
        Map.Entry<Long, Segment> e = segments.lastEntry();
        return e == null ? null : e.getValue();
    }

    Segment next(long number) {
        Map.Entry<Long, Segment> e = segments.higherEntry(number);
        return e == null ? null : e.getValue();
    }

    int count() {
        return segments.size();
    }

    /**
     * Creates segment {@code number} at once; see {@link #prepare} and {@link #install}.
     * A failure (disk full) leaves no segment behind.
     */
    Segment create(long number) throws IOException {
        return install(number, prepare(number));
    }

    /**
     * Writes segment {@code number} under a temporary name: zeros for its whole size, then its
     * header, then fsync. Safe to call from a background thread; a failure removes the file.
     */
    Path prepare(long number) throws IOException {
        Path tmp = dir.resolve(Segment.fileName(number) + ".tmp");
        FileIO.LogChannel ch = io.open(tmp, true);
        try {
            ch.truncate(0);
            ByteBuffer zeros = ByteBuffer.allocateDirect(ZERO_CHUNK);
            for (long off = 0; off < segmentSize; off += ZERO_CHUNK) {
                zeros.clear();
                zeros.limit((int) Math.min(ZERO_CHUNK, segmentSize - off));
                ch.writeFully(zeros, off);
                if ((off + ZERO_CHUNK) % SYNC_EVERY_BYTES == 0) {
                    // Synced a few MiB at a time: the zeros reach the disk in small writes while the
                    // log is being appended to, instead of one burst of a whole segment at the end
                    // that every fdatasync of the log would wait behind (stalls of up to 90 ms; 6-10 ms with 2 MiB).
                    ch.force();
                }
            }
            ch.writeFully(Segment.header(number), 0);
            ch.force();
            ch.close();
        } catch (IOException | RuntimeException e) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // already failing
            }
            Files.deleteIfExists(tmp);
            throw e;
        }
        return tmp;
    }

    /** Renames a prepared file into place, makes that durable, and opens the segment. */
    Segment install(long number, Path prepared) throws IOException {
        Path path = dir.resolve(Segment.fileName(number));
        Files.move(prepared, path, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        io.fsyncDirectory(dir);
        Segment s = new Segment(number, path, io.open(path, false));
        segments.put(number, s);
        return s;
    }

    /** Removes a segment file (used by recovery for segments past the end). */
    void delete(long number) throws IOException {
        Segment s = segments.remove(number);
        if (s != null) {
            s.closeQuietly();
            Files.deleteIfExists(s.path());
            io.fsyncDirectory(dir);
        }
    }

    /** Replaces segment {@code number}'s channel after its file was swapped (scavenge). */
    void reopen(long number) throws IOException {
        Segment old = segments.get(number);
        Path path = dir.resolve(Segment.fileName(number));
        segments.put(number, new Segment(number, path, io.open(path, false)));
        if (old != null) {
            // Readers may still hold the old channel; it is closed with the store.
            retired.add(old);
        }
    }

    FileIO io() {
        return io;
    }

    @Override
    public void close() {
        for (Segment s : segments.values()) {
            s.closeQuietly();
        }
        for (Segment s : retired) {
            s.closeQuietly();
        }
    }
}
