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
        double seconds = (System.nanoTime() - t0) / 1e9;
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
