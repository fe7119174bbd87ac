package io.tributary.store.internal;

import io.tributary.core.Direction;
import io.tributary.core.EventStore;
import io.tributary.core.ReadFilter;
import io.tributary.core.ReadSlice;
import io.tributary.core.RecordedEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Test helpers that look at a data directory's files the way a crash or an operator would. */
final class LogFiles {
    private LogFiles() {
    }

    /** Where one frame lies in a segment file: [start, end). */
    record FrameSpan(long start, long end) {
        int length() {
            return (int) (end - start);
        }
    }

    /** The frames of a segment image, found by their length fields (no checksum check). */
    static List<FrameSpan> frames(byte[] segment) {
        List<FrameSpan> out = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(segment);
        int off = Segment.HEADER_BYTES;
        while (off + FrameCodec.HEADER_BYTES <= segment.length) {
            int length = b.getInt(off);
            if (length <= 0) {
                break;
            }
            out.add(new FrameSpan(off, off + FrameCodec.HEADER_BYTES + length));
            off += FrameCodec.HEADER_BYTES + length;
        }
        return out;
    }

    /** The file of segment {@code number} in {@code dataDir}. */
    static Path segment(Path dataDir, long number) {
        return dataDir.resolve("log").resolve(Segment.fileName(number));
    }

    /** Every event of the global log, oldest first, paging through {@code readAll}. */
    static List<RecordedEvent> readAll(EventStore store) {
        List<RecordedEvent> out = new ArrayList<>();
        long from = 0;
        while (true) {
            ReadSlice s = store.readAll(from, 1000, Direction.FORWARD, ReadFilter.all());
            out.addAll(s.events());
            if (s.isEnd()) {
                return out;
            }
            from = s.next().getAsLong();
        }
    }

    /** Copies a directory tree. */
    static void copyTree(Path from, Path to) {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes a directory tree if it exists. */
    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a file, unchecked. */
    static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes a file, replacing it, unchecked. */
    static void write(Path file, byte[] bytes) {
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
