package io.tributary.server.internal;

import io.tributary.core.EventStore;
import io.tributary.core.ReadFilter;
import io.tributary.core.StoreClosedException;
import io.tributary.core.Subscription;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives every open SSE connection of a server with a fixed number of threads, however many
 * connections there are: a small pool runs the connections' turns (see {@link SseStream}), and
 * one waker thread follows the log's head with a subscription of its own and asks every
 * connection for a turn when the log grows — and at least every tick, for heartbeats and for
 * stream subscriptions whose stream was deleted. A connection that has nothing new answers its
 * turn with one non-blocking poll.
 */
final class SseHub implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SseHub.class);
    /** Threads that run turns; writes never block them (non-blocking I/O), reads are the store's. */
    static final int POOL_THREADS = Math.max(2, Math.min(8, Runtime.getRuntime().availableProcessors()));
    private static final Duration MIN_TICK = Duration.ofMillis(10);
    private static final Duration MAX_TICK = Duration.ofMillis(500);

    private final Set<SseStream> streams = ConcurrentHashMap.newKeySet();
    private final ExecutorService pool;
    private final Subscription head;
    private final Thread waker;
    private final Duration tick;
    private volatile boolean closed;

    /** Starts the pool and the waker on {@code store}; heartbeats are due every {@code heartbeatMs}. */
    SseHub(EventStore store, long heartbeatMs) {
        Duration half = Duration.ofMillis(Math.max(1, heartbeatMs / 2));
        this.tick = half.compareTo(MIN_TICK) < 0 ? MIN_TICK : half.compareTo(MAX_TICK) > 0 ? MAX_TICK : half;
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(POOL_THREADS, r -> {
            Thread t = new Thread(r, "tributary-sse-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.head = store.subscribeToAll(store.headPosition() + 1, ReadFilter.all());
        this.waker = new Thread(this::follow, "tributary-sse-waker");
        waker.setDaemon(true);
        waker.start();
    }

    /** The pool connections take their turns on. */
    ExecutorService pool() {
        return pool;
    }

    /** Adds a started connection; it gets turns until it ends. */
    void add(SseStream stream) {
        streams.add(stream);
        stream.finished().whenComplete((ok, e) -> streams.remove(stream));
    }

    /** Open connections (for shutdown and tests). */
    Set<SseStream> streams() {
        return streams;
    }

    private void follow() {
        while (!closed) {
            try {
                head.poll(10_000, tick); // only as a signal: the log grew (or a tick passed)
            } catch (StoreClosedException e) {
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.warn("SSE waker: {}", e.getMessage());
            }
            for (SseStream s : streams) {
                s.wake();
            }
        }
    }

    /**
     * Ends every connection (their subscriptions close, the requests complete), waiting up to
     * {@code waitMs} for them to finish, then stops the threads.
     */
    void close(long waitMs) {
        closed = true;
        for (SseStream s : streams) {
            s.close();
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
        for (SseStream s : streams) {
            try {
                s.finished().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                break; // the rest end when the HTTP server stops
            }
        }
        head.close();
        pool.shutdown();
        waker.interrupt();
    }

    @Override
    public void close() {
        close(2_000);
    }
}
