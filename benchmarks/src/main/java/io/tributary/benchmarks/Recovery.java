package io.tributary.benchmarks;

import io.tributary.core.ExpectedVersion;
import io.tributary.core.StreamName;
import io.tributary.store.Durability;
import io.tributary.store.EmbeddedEventStore;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Recovery benchmarks. {@link #openAndAppend} times {@code Tributary.open} plus the first
 * successful durable append, in a fresh JVM (so class loading and JIT warm-up are included,
 * as they are when a service restarts). {@link #appendUntilKilled} is the victim of the
 * kill -9 benchmark: it appends continuously and says {@link #ARMED} once enough events are
 * acknowledged; the parent then kills it with {@link Process#destroyForcibly()} while appends
 * are still in flight.
 */
final class Recovery {
    /** The line the victim prints when the parent may kill it. */
    static final String ARMED = "ARMED";
    private static final StreamName PROBE = StreamName.of("recovery", "probe");
    private static final int IN_FLIGHT = 8;
    /** The victim gives up after this long if nobody kills it: bounded, never a stray process. */
    private static final long VICTIM_MAX_MILLIS = TimeUnit.MINUTES.toMillis(10);

    private Recovery() {
    }

    /** Opens the store in {@code dir} and appends one event with fsync; returns the timings. */
    static Map<String, Object> openAndAppend(Path dir, long segmentBytes, Events events) {
        Map<String, Object> result = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        EmbeddedEventStore store = StoreSide.open(dir, Durability.fsync(), segmentBytes);
        long opened = System.nanoTime();
        try {
            store.append(PROBE, ExpectedVersion.any(), List.of(events.next())).join();
            long appended = System.nanoTime();
            result.put("openMillis", (opened - t0) / 1e6);
            result.put("openAndAppendMillis", (appended - t0) / 1e6);
            result.put("headPosition", store.headPosition());
        } finally {
            long closeStart = System.nanoTime();
            store.close();
            result.put("closeMillis", (System.nanoTime() - closeStart) / 1e6);
        }
        return result;
    }

    /**
     * Appends batches of {@code batchSize} events with {@code durability}, {@value #IN_FLIGHT} in
     * flight, printing {@link #ARMED} once {@code armAfterEvents} are acknowledged, until killed.
     */
    static void appendUntilKilled(Path dir, Durability durability, long segmentBytes, long armAfterEvents, int batchSize,
                                  Events events, String runTag, PrintStream out) throws InterruptedException {
        EmbeddedEventStore store = StoreSide.open(dir, durability, segmentBytes);
        Semaphore inFlight = new Semaphore(IN_FLIGHT);
        AtomicLong acknowledged = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        boolean armed = false;
        long deadline = System.currentTimeMillis() + VICTIM_MAX_MILLIS;
        for (long b = 0; failure.get() == null && System.currentTimeMillis() < deadline; b++) {
            inFlight.acquire();
            StreamName stream = StreamName.of("crash" + runTag, b % 100);
            store.append(stream, ExpectedVersion.any(), StoreSide.batch(events, batchSize)).whenComplete((r, e) -> {
                if (e != null) {
                    failure.compareAndSet(null, e);
                } else {
                    acknowledged.addAndGet(batchSize);
                }
                inFlight.release();
            });
            if (!armed && acknowledged.get() >= armAfterEvents) {
                armed = true;
                out.println(ARMED + " " + acknowledged.get());
                out.flush();
            }
        }
        store.close();
        throw new IllegalStateException(failure.get() != null
                ? "the victim's append failed before it was killed: " + failure.get()
                : "the victim was not killed within " + VICTIM_MAX_MILLIS + " ms");
    }
}
