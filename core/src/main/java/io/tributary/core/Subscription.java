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
     * Where the next poll continues: a global position for {@code $all}/category subscriptions,
     * a version for stream subscriptions.
     */
    long nextCursor();

    /** Stops the subscription; a blocked {@link #poll} returns with {@link StoreClosedException}. */
    @Override
    void close();
}
