package io.tributary.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Peer of the durable-append benchmark: one thread encodes a batch of frames
 * ({@link RawFrames}), writes it with {@link FileChannel#write} into a preallocated file and
 * calls {@link FileChannel#force force(false)} (fdatasync), batch after batch. The ceiling a
 * log on this disk can reach with one fsync per batch.
 */
final class RawAppendPeer {
    private RawAppendPeer() {
    }

    /** How many zero bytes the segmented peer's preparation writes between fsyncs: the store's default. */
    private static final long ZERO_SYNC_BYTES = 2L << 20;

    /**
     * The same loop writing into segment files that are prepared as a log that keeps everything must:
     * the first segment is written with zeros before the timer (as the store does when it creates its
     * first segment), and from half full the next one is written with zeros (fsynced every 2 MiB, then
     * whole) by a background thread while the loop goes on; a batch that does not fit moves to the next
     * segment, waiting for it if it is not ready. Nothing else: no checks, no index, no completion. On a
     * disk whose fsync is cheapest over already-written blocks, this is the ceiling of a sustained log
     * that preallocates its space, which the loop above (one file written with zeros before its timer)
     * is not.
     */
    static Map<String, Object> runSegmented(Path dir, int batches, int warmupBatches, int batchSize, Events events,
                                            long segmentBytes) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        RawFrames frames = new RawFrames(events);
        long batchBytes = (long) batchSize * frames.frameBytes();
        if (batchBytes * 2 > segmentBytes) {
            throw new IllegalArgumentException("segmentBytes " + segmentBytes + " is less than two batches of " + batchBytes + " bytes");
        }
        int total = warmupBatches + batches;
        Histogram batchMicros = new Histogram(3);
        long waitedNanos = 0;
        int current = 0;
        int prepared = 0;
        long t0 = 0;
        try {
            prepareSegment(dir, 0, segmentBytes);
            FileChannel channel = FileChannel.open(segmentFile(dir, 0), StandardOpenOption.READ, StandardOpenOption.WRITE);
            Thread preparing = null;
            IOException[] prepareFailure = new IOException[1];
            ByteBuffer buffer = frames.newBuffer(batchSize);
            long position = 0;
            long offset = 0;
            for (int b = 0; b < total; b++) {
                long start = System.nanoTime();
                if (b == warmupBatches) {
                    t0 = start;
                }
                if (preparing == null && offset >= segmentBytes / 2 && prepared == current) {
                    int next = ++prepared;
                    preparing = new Thread(() -> {
                        try {
                            prepareSegment(dir, next, segmentBytes);
                        } catch (IOException e) {
                            prepareFailure[0] = e;
                        }
                    }, "raw-segment-preparer");
                    preparing.start();
                }
                if (offset + batchBytes > segmentBytes) {
                    long waitStart = System.nanoTime();
                    preparing.join();
                    waitedNanos += System.nanoTime() - waitStart;
                    if (prepareFailure[0] != null) {
                        throw prepareFailure[0];
                    }
                    preparing = null;
                    channel.close();
                    current++;
                    channel = FileChannel.open(segmentFile(dir, current), StandardOpenOption.READ, StandardOpenOption.WRITE);
                    offset = 0;
                }
                buffer.clear();
                long now = System.currentTimeMillis();
                for (int i = 0; i < batchSize; i++) {
                    frames.put(buffer, position + i, position + i, now);
                }
                buffer.flip();
                RawFrames.writeFully(channel, buffer, offset);
                channel.force(false);
                position += batchSize;
                offset += batchBytes;
                if (b >= warmupBatches) {
                    batchMicros.recordValue(Math.max(1, (System.nanoTime() - start) / 1_000));
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (preparing != null) {
                preparing.join();
            }
            channel.close();
            Map<String, Object> result = result(batches, batchSize, seconds, frames, batchMicros);
            result.put("segments", prepared + 1);
            result.put("waitedForSegmentMillis", waitedNanos / 1_000_000);
            return result;
        } finally {
            Files2.deleteRecursively(dir);
        }
    }

    private static Path segmentFile(Path dir, int number) {
        return dir.resolve(String.format("raw-%06d.seg", number));
    }

    /** Zeros for the whole segment, fsynced every {@link #ZERO_SYNC_BYTES} and at the end. */
    private static void prepareSegment(Path dir, int number, long segmentBytes) throws IOException {
        try (FileChannel ch = FileChannel.open(segmentFile(dir, number), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
            for (long off = 0; off < segmentBytes; ) {
                zeros.clear();
                zeros.limit((int) Math.min(zeros.capacity(), segmentBytes - off));
                RawFrames.writeFully(ch, zeros, off);
                off += zeros.limit();
                if (off % ZERO_SYNC_BYTES == 0) {
                    ch.force(false);
                }
            }
            ch.force(true);
        }
    }

    /** Writes {@code warmupBatches} then {@code batches} timed batches of {@code batchSize} events. */
    static Map<String, Object> run(Path dir, int batches, int warmupBatches, int batchSize, Events events) throws IOException {
        Files.createDirectories(dir);
        RawFrames frames = new RawFrames(events);
        long batchBytes = (long) batchSize * frames.frameBytes();
        int total = warmupBatches + batches;
        Path file = dir.resolve("raw-append.log");
        Histogram batchMicros = new Histogram(3);
        long t0 = 0;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            RawFrames.preallocate(channel, batchBytes * total);
            ByteBuffer buffer = frames.newBuffer(batchSize);
            long position = 0;
            for (int b = 0; b < total; b++) {
                long start = System.nanoTime();
                if (b == warmupBatches) {
                    t0 = start;
                }
                buffer.clear();
                long now = System.currentTimeMillis();
                for (int i = 0; i < batchSize; i++) {
                    frames.put(buffer, position + i, position + i, now);
                }
                buffer.flip();
                RawFrames.writeFully(channel, buffer, b * batchBytes);
                channel.force(false);
                position += batchSize;
                if (b >= warmupBatches) {
                    batchMicros.recordValue(Math.max(1, (System.nanoTime() - start) / 1_000));
                }
            }
        } finally {
            Files.deleteIfExists(file);
        }
        return result(batches, batchSize, (System.nanoTime() - t0) / 1e9, frames, batchMicros);
    }

    private static Map<String, Object> result(int batches, int batchSize, double seconds, RawFrames frames, Histogram batchMicros) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("events", (long) batches * batchSize);
        result.put("seconds", seconds);
        result.put("eventsPerSec", batches * (double) batchSize / seconds);
        result.put("bytesPerEvent", frames.frameBytes());
        result.put("batchP50Micros", batchMicros.getValueAtPercentile(50));
        result.put("batchP99Micros", batchMicros.getValueAtPercentile(99));
        return result;
    }
}
