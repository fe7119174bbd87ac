package io.tributary.benchmarks;

import io.tributary.core.ExpectedVersion;
import io.tributary.core.StreamAppend;
import io.tributary.core.StreamName;
import io.tributary.store.Durability;
import io.tributary.store.EmbeddedEventStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Builds the shared log for the read and recovery benchmarks: {@code events} events in batches
 * of {@code batchSize}, each batch to one of {@value #LOAD_STREAMS} {@code load-<n>} streams,
 * and the {@value #TARGET_EVENTS}-event stream {@link #TARGET} written a few events at a time
 * spread evenly over the whole log (so reading it touches the whole log, as reading an old
 * aggregate does). Batches are pipelined ({@value #IN_FLIGHT} in flight).
 */
final class LogBuilder {
    /** The stream the stream-read benchmark reads. */
    static final StreamName TARGET = StreamName.of("target", 0);
    /** Events of {@link #TARGET}. */
    static final int TARGET_EVENTS = 1_000;
    private static final int LOAD_STREAMS = 10_000;
    private static final int IN_FLIGHT = 8;

    private LogBuilder() {
    }

    /** Builds the log in {@code dir} (which must be empty or absent). */
    static Map<String, Object> run(Path dir, long events, int batchSize, Durability durability, long segmentBytes, Events gen)
            throws InterruptedException {
        long batches = Math.max(1, (events + batchSize - 1) / batchSize);
        Semaphore inFlight = new Semaphore(IN_FLIGHT);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Map<String, Object> result = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        try (EmbeddedEventStore store = StoreSide.open(dir, durability, segmentBytes)) {
            for (long b = 0; b < batches && failure.get() == null; b++) {
                int target = (int) ((b + 1) * TARGET_EVENTS / batches - b * TARGET_EVENTS / batches);
                int load = batchSize - Math.min(target, batchSize);
                List<StreamAppend> parts = new ArrayList<>(2);
                if (load > 0) {
                    parts.add(new StreamAppend(StreamName.of("load", b % LOAD_STREAMS), ExpectedVersion.any(),
                            StoreSide.batch(gen, load)));
                }
                if (target > 0) {
                    parts.add(new StreamAppend(TARGET, ExpectedVersion.any(), StoreSide.batch(gen, target)));
                }
                inFlight.acquire();
                CompletableFuture<?> done = parts.size() == 1
                        ? store.append(parts.get(0).stream(), parts.get(0).expected(), parts.get(0).events())
                        : store.appendAll(parts);
                done.whenComplete((r, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                    inFlight.release();
                });
            }
            if (!inFlight.tryAcquire(IN_FLIGHT, 10, TimeUnit.MINUTES)) {
                throw new IllegalStateException("appends did not complete within 10 minutes");
            }
            if (failure.get() != null) {
                throw new IllegalStateException("building the log failed: " + failure.get(), failure.get());
            }
            StoreSide.addStats(result, store);
            int targetRead = store.readStream(TARGET, 0, TARGET_EVENTS + 1, io.tributary.core.Direction.FORWARD).events().size();
            if (targetRead != TARGET_EVENTS) {
                throw new IllegalStateException("stream " + TARGET + " has " + targetRead + " events after the build, expected "
                        + TARGET_EVENTS);
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        result.put("events", batches * batchSize);
        result.put("seconds", seconds);
        result.put("eventsPerSec", batches * batchSize / seconds);
        return result;
    }
}
