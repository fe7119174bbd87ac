package io.tributary.benchmarks;

import io.tributary.core.Direction;
import io.tributary.core.ReadFilter;
import io.tributary.core.ReadSlice;
import io.tributary.core.RecordedEvent;
import io.tributary.store.Durability;
import io.tributary.store.EmbeddedEventStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** Read benchmarks on the shared log: {@code $all} forward from the start, and one stream. */
final class LogReads {
    private LogReads() {
    }

    /**
     * Opens the store (not timed) and reads {@code $all} forward from position 0 to the head in
     * pages of {@code pageSize}, touching every event's data.
     */
    static Map<String, Object> readAll(Path dir, int pageSize, long segmentBytes) {
        Map<String, Object> result = new LinkedHashMap<>();
        long openStart = System.nanoTime();
        try (EmbeddedEventStore store = StoreSide.open(dir, Durability.fsync(), segmentBytes)) {
            result.put("openMillis", (System.nanoTime() - openStart) / 1e6);
            long head = store.headPosition();
            long t0 = System.nanoTime();
            long events = 0;
            long dataBytes = 0;
            long position = 0;
            long last = -1;
            while (true) {
                ReadSlice slice = store.readAll(position, pageSize, Direction.FORWARD, ReadFilter.all());
                for (RecordedEvent event : slice.events()) {
                    if (event.position() <= last) {
                        throw new IllegalStateException("$all went backwards: " + event.position() + " after " + last);
                    }
                    last = event.position();
                    dataBytes += event.data().length;
                }
                events += slice.events().size();
                if (slice.isEnd()) {
                    break;
                }
                long next = slice.next().getAsLong();
                if (next <= position && slice.events().isEmpty()) {
                    throw new IllegalStateException("$all read made no progress at position " + position);
                }
                position = next;
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (last < head) {
                throw new IllegalStateException("$all read stopped at position " + last + " before the head " + head);
            }
            result.put("events", events);
            result.put("dataBytes", dataBytes);
            result.put("seconds", seconds);
            result.put("eventsPerSec", events / seconds);
        }
        return result;
    }

    /**
     * Opens the store, optionally drops the OS page cache, times the first read of the whole
     * {@link LogBuilder#TARGET} stream (cold), then {@code warmReads} more reads (warm), or as
     * many as fit in {@code warmSeconds} (at least 10).
     */
    static Map<String, Object> readStream(Path dir, int warmReads, double warmSeconds, boolean dropCaches, long segmentBytes) {
        Map<String, Object> result = new LinkedHashMap<>();
        try (EmbeddedEventStore store = StoreSide.open(dir, Durability.fsync(), segmentBytes)) {
            result.put("pageCacheDropped", dropCaches && dropPageCache());
            long t0 = System.nanoTime();
            int cold = readTarget(store);
            result.put("coldMicros", (System.nanoTime() - t0) / 1e3);
            Histogram warm = new Histogram(3);
            long deadline = System.nanoTime() + (long) (warmSeconds * 1e9);
            int done = 0;
            while (done < warmReads && (done < 10 || System.nanoTime() < deadline)) {
                long start = System.nanoTime();
                readTarget(store);
                warm.recordValue(Math.max(1, (System.nanoTime() - start) / 1_000));
                done++;
            }
            result.put("events", cold);
            result.put("warmReads", done);
            result.put("warmP50Micros", warm.getValueAtPercentile(50));
            result.put("warmP99Micros", warm.getValueAtPercentile(99));
        }
        return result;
    }

    private static int readTarget(EmbeddedEventStore store) {
        ReadSlice slice = store.readStream(LogBuilder.TARGET, 0, LogBuilder.TARGET_EVENTS, Direction.FORWARD);
        int n = slice.events().size();
        if (n != LogBuilder.TARGET_EVENTS) {
            throw new IllegalStateException("read " + n + " events of " + LogBuilder.TARGET + ", expected "
                    + LogBuilder.TARGET_EVENTS);
        }
        return n;
    }

    /** Writes back dirty pages and drops the page cache (root only); false when not permitted. */
    static boolean dropPageCache() {
        try {
            Process sync = new ProcessBuilder("sync").inheritIO().start();
            sync.waitFor();
            Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "3");
            return true;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
