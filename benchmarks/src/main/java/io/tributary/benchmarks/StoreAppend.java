package io.tributary.benchmarks;

import io.tributary.core.AppendResult;
import io.tributary.core.StreamName;
import io.tributary.store.Durability;
import io.tributary.store.EmbeddedEventStore;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Durable batched append: one writer appends batches of {@code batchSize} events with fsync
 * durability, waiting for each batch before sending the next, rotating over
 * {@value #STREAMS} streams with exact expected versions. Counterpart of {@link RawAppendPeer}.
 */
final class StoreAppend {
    private static final int STREAMS = 100;

    private StoreAppend() {
    }

    /** Appends {@code warmupBatches} then {@code batches} timed batches into a new store in {@code dir}. */
    static Map<String, Object> run(Path dir, int batches, int warmupBatches, int batchSize, Events events, long segmentBytes) {
        Map<String, Object> result = new LinkedHashMap<>();
        Histogram batchMicros = new Histogram(3);
        long[] lastVersions = new long[STREAMS];
        java.util.Arrays.fill(lastVersions, -1);
        StreamName[] streams = new StreamName[STREAMS];
        for (int s = 0; s < STREAMS; s++) {
            streams[s] = StreamName.of("append", s);
        }
        long t0 = 0;
        try (EmbeddedEventStore store = StoreSide.open(dir, Durability.fsync(), segmentBytes)) {
            for (int b = 0; b < warmupBatches + batches; b++) {
                long start = System.nanoTime();
                if (b == warmupBatches) {
                    t0 = start;
                }
                int s = b % STREAMS;
                AppendResult appended = store.append(streams[s], StoreSide.after(lastVersions[s]),
                        StoreSide.batch(events, batchSize)).join();
                lastVersions[s] = appended.lastVersion();
                if (b >= warmupBatches) {
                    batchMicros.recordValue(Math.max(1, (System.nanoTime() - start) / 1_000));
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            result.put("events", (long) batches * batchSize);
            result.put("seconds", seconds);
            result.put("eventsPerSec", batches * (double) batchSize / seconds);
            result.put("batchP50Micros", batchMicros.getValueAtPercentile(50));
            result.put("batchP99Micros", batchMicros.getValueAtPercentile(99));
            StoreSide.addStats(result, store);
        }
        return result;
    }
}
