package io.tributary.testkit;

import io.tributary.core.InvalidRequestException;
import io.tributary.core.ReadFilter;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StoreClosedException;
import io.tributary.core.StreamDeletedException;
import io.tributary.core.StreamName;
import io.tributary.core.Subscription;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A subscription of an {@link InMemoryEventStore}: a cursor into the shared log. Catch-up and
 * live are the same loop (read from the cursor under the log's lock, else wait for a change), so
 * there is no switch at which an event could be missed or delivered twice.
 */
abstract class InMemorySubscription implements Subscription {
    private final InMemoryEventStore store;
    private final InMemoryLog log;
    private volatile long cursor;
    private volatile boolean closed;

    InMemorySubscription(InMemoryEventStore store, InMemoryLog log, long from) {
        this.store = store;
        this.log = log;
        this.cursor = from;
    }

    @Override
    public List<RecordedEvent> poll(int maxEvents, Duration timeout) throws InterruptedException {
        if (maxEvents < 1) {
            throw new InvalidRequestException("maxEvents must be at least 1, got " + maxEvents);
        }
        if (timeout == null || timeout.isNegative()) {
            throw new InvalidRequestException("timeout must be zero or positive, got " + timeout);
        }
        long deadline = System.nanoTime() + saturatedNanos(timeout);
        log.lock.lock();
        try {
            while (true) {
                if (closed) {
                    throw new StoreClosedException("the subscription was closed");
                }
                if (store.isClosed()) {
                    throw new StoreClosedException("the store was closed");
                }
                List<RecordedEvent> batch = new ArrayList<>();
                cursor = fetch(log, cursor, maxEvents, batch);
                if (!batch.isEmpty()) {
                    return batch;
                }
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return List.of();
                }
                log.changed.awaitNanos(remaining);
            }
        } finally {
            log.lock.unlock();
        }
    }

    private static long saturatedNanos(Duration timeout) {
        // A day is "forever" for a poll, and keeps deadline arithmetic far from overflow.
        return timeout.compareTo(Duration.ofDays(1)) > 0 ? Duration.ofDays(1).toNanos() : timeout.toNanos();
    }

    /**
     * Adds up to {@code max} events from {@code from} to {@code out} and returns the new cursor.
     * Called with the log's lock held.
     */
    abstract long fetch(InMemoryLog log, long from, int max, List<RecordedEvent> out);

    @Override
    public long nextCursor() {
        return cursor;
    }

    @Override
    public void close() {
        closed = true;
        log.lock.lock();
        try {
            log.changed.signalAll();
        } finally {
            log.lock.unlock();
        }
    }

    /** Follows the global log, optionally filtered; the cursor is a position. */
    static final class ToAll extends InMemorySubscription {
        private final ReadFilter filter;

        ToAll(InMemoryEventStore store, InMemoryLog log, long fromPosition, ReadFilter filter) {
            super(store, log, fromPosition);
            this.filter = filter;
        }

        @Override
        long fetch(InMemoryLog log, long from, int max, List<RecordedEvent> out) {
            long p = from;
            for (; p < log.all.size() && out.size() < max; p++) {
                RecordedEvent event = log.all.get(Math.toIntExact(p));
                if (filter.matches(event)) {
                    out.add(event);
                }
            }
            return p;
        }
    }

    /** Follows one stream; the cursor is a version. */
    static final class ToStream extends InMemorySubscription {
        private final StreamName stream;
        private final Clock clock;

        ToStream(InMemoryEventStore store, InMemoryLog log, StreamName stream, long fromVersion,
                 Clock clock) {
            super(store, log, fromVersion);
            this.stream = stream;
            this.clock = clock;
        }

        @Override
        long fetch(InMemoryLog log, long from, int max, List<RecordedEvent> out) {
            InMemoryLog.StreamState state = log.stream(stream);
            if (state == null) {
                return from;
            }
            if (state.tombstoned) {
                throw new StreamDeletedException(stream);
            }
            if (!state.live()) {
                return from;
            }
            Instant now = clock.instant();
            long v = Math.max(from, state.firstVisibleVersion());
            for (; v <= state.lastVersion() && out.size() < max; v++) {
                if (state.visible(v, now)) {
                    out.add(state.event(v));
                }
            }
            return Math.max(from, v);
        }
    }
}
