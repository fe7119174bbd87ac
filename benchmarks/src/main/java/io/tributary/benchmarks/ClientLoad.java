package io.tributary.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;

/**
 * A closed-loop load: each client sends one request, waits for its completion, and repeats,
 * on its own thread, for a warm-up period and then a measured period. Requests that complete
 * inside the measured period count towards throughput and their latency is recorded.
 * The first failure of any client stops the load and is rethrown: a benchmark that got errors
 * reports nothing rather than a wrong figure.
 */
final class ClientLoad {
    private ClientLoad() {
    }

    /** One client: {@link #callOnce()} sends one request and returns when it has completed. */
    interface Client {
        /** Sends one request and waits for its outcome. */
        void callOnce() throws Exception;
    }

    /**
     * What a load measured.
     *
     * @param operations     requests completed in the measured period
     * @param seconds        length of the measured period
     * @param latencyMicros  latency of those requests, in microseconds
     */
    record Outcome(long operations, double seconds, Histogram latencyMicros) {
        /** Requests per second. */
        double perSecond() {
            return operations / seconds;
        }
    }

    /** Runs {@code clients} concurrently; throws if any client fails. */
    static Outcome run(List<Client> clients, double warmupSeconds, double measureSeconds) throws InterruptedException {
        CountDownLatch ready = new CountDownLatch(clients.size());
        CountDownLatch go = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long[] window = new long[2];
        List<Histogram> histograms = new ArrayList<>();
        long[] counts = new long[clients.size()];
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients.size(); i++) {
            Histogram histogram = new Histogram(3);
            histograms.add(histogram);
            int index = i;
            Client client = clients.get(i);
            Thread thread = new Thread(() -> {
                ready.countDown();
                try {
                    go.await();
                    long start = window[0];
                    long end = window[1];
                    long done = 0;
                    while (failure.get() == null) {
                        long t0 = System.nanoTime();
                        if (t0 >= end) {
                            break;
                        }
                        client.callOnce();
                        long t1 = System.nanoTime();
                        if (t1 >= start && t1 < end) {
                            histogram.recordValue(Math.max(1, (t1 - t0) / 1_000));
                            done++;
                        }
                    }
                    counts[index] = done;
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "client-" + i);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
        ready.await();
        long now = System.nanoTime();
        window[0] = now + (long) (warmupSeconds * 1e9);
        window[1] = window[0] + (long) (measureSeconds * 1e9);
        go.countDown(); // publishes window[] to the clients (happens-before via the latch)
        for (Thread thread : threads) {
            thread.join();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("a client failed: " + failure.get(), failure.get());
        }
        Histogram all = new Histogram(3);
        long total = 0;
        for (int i = 0; i < clients.size(); i++) {
            all.add(histograms.get(i));
            total += counts[i];
        }
        return new Outcome(total, measureSeconds, all);
    }

    /** Adds an outcome's throughput and latency percentiles to a child result. */
    static void addTo(java.util.Map<String, Object> result, Outcome outcome) {
        result.put("operations", outcome.operations());
        result.put("opsPerSec", outcome.perSecond());
        Histogram h = outcome.latencyMicros();
        result.put("p50Micros", h.getValueAtPercentile(50));
        result.put("p99Micros", h.getValueAtPercentile(99));
        result.put("p999Micros", h.getValueAtPercentile(99.9));
        result.put("maxMicros", h.getMaxValue());
    }
}
