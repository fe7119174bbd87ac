package io.tributary.store.internal;

import io.tributary.core.EventView;
import io.tributary.core.InvalidRequestException;
import io.tributary.core.ReadFilter;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StoreClosedException;
import io.tributary.core.StreamName;
import io.tributary.core.StreamNotFoundException;
import io.tributary.core.Subscription;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * A pull subscription. Catch-up and live are the same loop: read from the cursor up to the
 * visible head; if nothing is there, wait for the head to move. The cursor only ever moves
 * past what was returned (or examined and filtered out), so the switch has no gap and no
 * duplicate.
 */
final class LogSubscription implements Subscription {
    /** The reads a subscription makes. */
    interface Source {
        LogReader.AllRead forward(long from, int max, ReadFilter filter);

        LogReader.ViewRead forwardViews(long from, int max, ReadFilter filter, EventView.Handler handler);

        StreamRecord readableStream(StreamName stream);

        io.tributary.core.ReadSlice readStream(StreamName stream, long from, int max, io.tributary.core.Direction direction);
    }

    private final Source reader;
    private final HeadNotifier notifier;
    private final BooleanSupplier storeClosed;
    private final ReadFilter filter;
    private final StreamName stream;
    private long cursor;
    private volatile boolean closed;

    /** A subscription to the global log ({@code stream == null}) or to one stream. */
    LogSubscription(Source reader, HeadNotifier notifier, BooleanSupplier storeClosed, ReadFilter filter,
                    StreamName stream, long from) {
        this.reader = reader;
        this.notifier = notifier;
        this.storeClosed = storeClosed;
        this.filter = filter;
        this.stream = stream;
        this.cursor = from;
    }

    @Override
    public List<RecordedEvent> poll(int maxEvents, Duration timeout) throws InterruptedException {
        if (maxEvents < 1) {
            throw new InvalidRequestException("maxEvents must be at least 1, got " + maxEvents);
        }
        long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
        while (true) {
            checkOpen();
            long seen = notifier.version();
            List<RecordedEvent> events = stream == null ? pollAll(maxEvents) : pollStream(maxEvents);
            if (events == null) {
                continue; // examined part of the log without a match; go on without waiting
            }
            if (!events.isEmpty()) {
                return events;
            }
            if (System.nanoTime() >= deadline) {
                return List.of();
            }
            notifier.await(seen, deadline);
        }
    }

    /**
     * Hands the events to {@code handler} as the log is read: from segments as transient views over
     * the read buffer (no {@link RecordedEvent} built unless the handler asks), the newest events as
     * the records kept in memory. The cursor moves only when the read completes: if the handler
     * throws, the next poll starts where this one did.
     */
    @Override
    public int pollViews(int maxEvents, Duration timeout, EventView.Handler handler) throws InterruptedException {
        if (stream != null) {
            return Subscription.super.pollViews(maxEvents, timeout, handler);
        }
        if (maxEvents < 1) {
            throw new InvalidRequestException("maxEvents must be at least 1, got " + maxEvents);
        }
        long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
        while (true) {
            checkOpen();
            long seen = notifier.version();
            LogReader.ViewRead r = reader.forwardViews(cursor, maxEvents, filter, handler);
            cursor = r.next();
            if (r.count() > 0) {
                return r.count();
            }
            if (!r.end()) {
                continue; // examined part of the log without a match; go on without waiting
            }
            if (System.nanoTime() >= deadline) {
                return 0;
            }
            notifier.await(seen, deadline);
        }
    }

    /** Events, an empty list when at the head, or null when a bounded scan found nothing yet. */
    private List<RecordedEvent> pollAll(int max) {
        LogReader.AllRead r = reader.forward(cursor, max, filter);
        cursor = r.next();
        if (r.events().isEmpty() && !r.end()) {
            return null;
        }
        return r.events();
    }

    private List<RecordedEvent> pollStream(int max) {
        StreamRecord rec;
        try {
            rec = reader.readableStream(stream);
        } catch (StreamNotFoundException e) {
            return List.of(); // not there (yet, or again): wait for it
        }
        long from = Math.max(cursor, rec.firstVisibleVersion());
        if (from > rec.lastVersion()) {
            return List.of();
        }
        List<RecordedEvent> events = reader.readStream(stream, from, max, io.tributary.core.Direction.FORWARD).events();
        if (!events.isEmpty()) {
            cursor = events.get(events.size() - 1).version() + 1;
        } else {
            // Everything from 'from' is hidden (expired): skip past it.
            cursor = rec.lastVersion() + 1;
        }
        return events;
    }

    private void checkOpen() {
        if (closed) {
            throw new StoreClosedException("the subscription was closed");
        }
        if (storeClosed.getAsBoolean()) {
            throw new StoreClosedException("the store was closed");
        }
    }

    @Override
    public long nextCursor() {
        return cursor;
    }

    @Override
    public void close() {
        closed = true;
        notifier.signalAll();
    }
}
