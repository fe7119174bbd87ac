package io.tributary.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Peer of the {@code $all} read: reads the log's segment files sequentially with
 * {@link FileChannel#read} into a 1 MiB direct buffer, up to {@code logBytes} bytes in all
 * (the used part of the log; segments are preallocated). No decoding: the ceiling of a
 * sequential scan of these files on this machine.
 *
 * <p>The store's internals are not visible here, so segment files are recognised from the
 * outside: every regular file under the data directory whose size is exactly
 * {@code segmentBytes} (segments are preallocated to that size) or whose name starts with
 * {@code segment} (a segment not yet preallocated), read in path order. With
 * {@code segmentBytes <= 0} every regular file is read.
 */
final class RawReadPeer {
    private RawReadPeer() {
    }

    /**
     * Reads the segment files of {@code dir} from start to end, again and again until at least
     * {@code minSeconds} have passed (one pass of a page-cached log takes milliseconds, too short
     * to time on a noisy machine).
     */
    static Map<String, Object> run(Path dir, long segmentBytes, long logBytes, double minSeconds) throws IOException {
        List<Path> files = segmentFiles(dir, segmentBytes);
        if (files.isEmpty()) {
            throw new IllegalStateException("no segment files of " + segmentBytes + " bytes under " + dir
                    + "; does the store preallocate segments to segmentSizeBytes?");
        }
        ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
        long read = 0;
        long checksum = 0;
        int passes = 0;
        long t0 = System.nanoTime();
        long deadline = t0 + (long) (minSeconds * 1e9);
        do {
            long[] pass = onePass(files, logBytes, buffer);
            read += pass[0];
            checksum += pass[1];
            passes++;
        } while (System.nanoTime() < deadline);
        double seconds = (System.nanoTime() - t0) / 1e9;
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("files", files.size());
        result.put("passes", passes);
        result.put("bytes", read);
        result.put("seconds", seconds);
        result.put("bytesPerSec", read / seconds);
        result.put("checksum", checksum);
        return result;
    }

    /** One sequential pass over {@code files}, at most {@code logBytes} bytes; returns bytes read and a checksum. */
    private static long[] onePass(List<Path> files, long logBytes, ByteBuffer buffer) throws IOException {
        long limit = logBytes > 0 ? logBytes : Long.MAX_VALUE;
        long read = 0;
        long checksum = 0;
        for (Path file : files) {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                while (read < limit) {
                    buffer.clear();
                    if (limit - read < buffer.capacity()) {
                        buffer.limit((int) (limit - read));
                    }
                    int n = channel.read(buffer);
                    if (n < 0) {
                        break;
                    }
                    read += n;
                    checksum += buffer.get(0); // one byte per MiB: the data must arrive, not be decoded
                }
            }
            if (read >= limit) {
                break;
            }
        }
        return new long[] {read, checksum};
    }

    /** The segment files under {@code dir}, in path order. */
    static List<Path> segmentFiles(Path dir, long segmentBytes) throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.filter(Files::isRegularFile).sorted().forEach(path -> {
                try {
                    if (segmentBytes <= 0 || Files.size(path) == segmentBytes
                            || path.getFileName().toString().startsWith("segment")) {
                        files.add(path);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        return files;
    }

    /**
     * Writes a synthetic log of {@code events} {@link RawFrames} into {@code dir}/synthetic.log,
     * synced once at the end: stands in for the store's segments when only the peers run.
     */
    static Map<String, Object> writeSynthetic(Path dir, long events, Events gen) throws IOException {
        Files.createDirectories(dir);
        RawFrames frames = new RawFrames(gen);
        int perBuffer = 4096;
        ByteBuffer buffer = frames.newBuffer(perBuffer);
        long position = 0;
        long at = 0;
        try (FileChannel channel = FileChannel.open(dir.resolve("synthetic.log"), StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            while (position < events) {
                buffer.clear();
                int n = (int) Math.min(perBuffer, events - position);
                for (int i = 0; i < n; i++) {
                    frames.put(buffer, position + i, position + i, 0);
                }
                buffer.flip();
                int bytes = buffer.remaining();
                RawFrames.writeFully(channel, buffer, at);
                at += bytes;
                position += n;
            }
            channel.force(false);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("events", events);
        result.put("bytes", at);
        result.put("bytesPerEvent", frames.frameBytes());
        return result;
    }
}
