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
import java.util.ArrayList;
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
        List<RecordedEvent> events = new ArrayList<>(Math.min(Math.max(maxEvents, 1), 1024));
        await(maxEvents, timeout, stream == null
                ? () -> readAll(maxEvents, e -> events.add(e.toRecordedEvent()))
                : () -> pollStream(maxEvents, events));
        return events.isEmpty() ? List.of() : events;
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
        return await(maxEvents, timeout, () -> readAll(maxEvents, handler));
    }

    /**
     * Reads with {@code read} until it hands over events (it returns how many), waiting for new ones
     * while it finds the head (it returns 0), until the timeout; it returns -1 when a bounded scan
     * examined part of the log without a match (read on at once). Returns the events handed over.
     */
    private int await(int maxEvents, Duration timeout, java.util.function.IntSupplier read) throws InterruptedException {
        if (maxEvents < 1) {
            throw new InvalidRequestException("maxEvents must be at least 1, got " + maxEvents);
        }
        long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
        while (true) {
            checkOpen();
            long seen = notifier.version();
            int n = read.getAsInt();
            if (n > 0) {
                return n;
            }
            if (n < 0) {
                continue;
            }
            if (System.nanoTime() >= deadline) {
                return 0;
            }
            notifier.await(seen, deadline);
        }
    }

    /** One read of the global log from the cursor, as {@link #await} counts it. */
    private int readAll(int max, EventView.Handler handler) {
        LogReader.ViewRead r = reader.forwardViews(cursor, max, filter, handler);
        cursor = r.next();
        return r.count() > 0 ? r.count() : r.end() ? 0 : -1;
    }

    /** One read of the stream from the cursor into {@code out}, as {@link #await} counts it (never -1). */
    private int pollStream(int max, List<RecordedEvent> out) {
        StreamRecord rec;
        try {
            rec = reader.readableStream(stream);
        } catch (StreamNotFoundException e) {
            return 0; // not there (yet, or again): wait for it
        }
        long from = Math.max(cursor, rec.firstVisibleVersion());
        if (from > rec.lastVersion()) {
            return 0;
        }
        List<RecordedEvent> events = reader.readStream(stream, from, max, io.tributary.core.Direction.FORWARD).events();
        if (!events.isEmpty()) {
            cursor = events.get(events.size() - 1).version() + 1;
        } else {
            // Everything from 'from' is hidden (expired): skip past it.
            cursor = rec.lastVersion() + 1;
        }
        out.addAll(events);
        return events.size();
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
