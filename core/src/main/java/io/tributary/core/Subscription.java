package io.tributary.core;

import java.time.Duration;
import java.util.List;

/**
 * A pull-based subscription: it first catches up from its start, then follows new events as
 * they are appended, with no gap and no duplicate at the switch. The consumer pulls at its
 * own pace; a slow consumer holds no resources of the writer and never slows it down.
 *
 * <p>Not thread-safe: one consumer thread polls; {@link #close()} may be called from any thread
 * and wakes a blocked poll.
 */
public interface Subscription extends AutoCloseable {

    /**
     * Returns the next events, at most {@code maxEvents}, waiting up to {@code timeout} for at
     * least one. Returns an empty list on timeout.
     *
     * @throws StoreClosedException if the subscription or the store was closed
     * @throws StreamDeletedException for a stream subscription whose stream was hard-deleted
     */
    List<RecordedEvent> poll(int maxEvents, Duration timeout) throws InterruptedException;

    /**
     * Like {@link #poll}, but hands the events to {@code handler} one by one, in order, and returns
     * how many it handed over (0 on timeout). A backend may hand transient {@link EventView}s over
     * the bytes it read instead of building a {@link RecordedEvent} per event: each is valid only
     * during its {@code accept} call (see {@link EventView}). The default hands over the events of
     * {@link #poll}. If {@code handler} throws, the exception reaches the caller and the cursor
     * ({@link #nextCursor()}) is where the poll started or after the last event handed over
     * (backends differ); a consumer that stops on an error need not care.
     *
     * @throws StoreClosedException if the subscription or the store was closed
     * @throws StreamDeletedException for a stream subscription whose stream was hard-deleted
     */
    default int pollViews(int maxEvents, Duration timeout, EventView.Handler handler) throws InterruptedException {
        List<RecordedEvent> events = poll(maxEvents, timeout);
        for (int i = 0, n = events.size(); i < n; i++) {
            handler.accept(events.get(i));
        }
        return events.size();
    }

    /**
     * Where the next poll continues: a global position for {@code $all}/category subscriptions,
     * a version for stream subscriptions.
     */
    long nextCursor();

    /** Stops the subscription; a blocked {@link #poll} returns with {@link StoreClosedException}. */
    @Override
    void close();
}
