package io.tributary.examples.cdc;

import io.tributary.core.EventStore;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StoreClosedException;
import io.tributary.core.Subscription;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Follows one category of the log on its own thread, from a given position, and hands each polled
 * batch to a handler; the consumers of this package are built on it. A handler failure stops the
 * follower and is kept as {@link #lastError()}.
 */
final class ChangeFollower implements AutoCloseable {
    /** Applies one batch of events, in log order, and makes its effect and checkpoint durable as the consumer promises. */
    @FunctionalInterface
    interface BatchHandler {
        void apply(List<RecordedEvent> batch) throws Exception;
    }

    private final Subscription subscription;
    private final Thread thread;
    private final int maxBatchEvents;
    private final BatchHandler handler;
    private volatile boolean stopping;
    private volatile String lastError;
    private volatile long position;

    private ChangeFollower(EventStore store, String category, long afterPosition, int maxBatchEvents,
                           String threadName, BatchHandler handler) {
        this.subscription = store.subscribeToCategory(category, afterPosition + 1);
        this.maxBatchEvents = maxBatchEvents;
        this.handler = handler;
        this.position = afterPosition;
        this.thread = new Thread(this::run, threadName);
        this.thread.setDaemon(true);
    }

    /** Starts following {@code category} with the events after {@code afterPosition} ({@code -1}: from the start). */
    static ChangeFollower start(EventStore store, String category, long afterPosition, int maxBatchEvents,
                                String threadName, BatchHandler handler) {
        ChangeFollower follower = new ChangeFollower(store, category, afterPosition, maxBatchEvents, threadName, handler);
        follower.thread.start();
        return follower;
    }

    private void run() {
        try {
            while (!stopping) {
                List<RecordedEvent> batch = subscription.poll(maxBatchEvents, Duration.ofMillis(200));
                if (!batch.isEmpty()) {
                    handler.apply(batch);
                    position = batch.get(batch.size() - 1).position();
                }
            }
        } catch (StoreClosedException e) {
            if (!stopping) {
                lastError = e.getMessage();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            lastError = e.getMessage() == null ? e.toString() : e.getMessage();
        }
    }

    /** The log position of the last event whose batch was applied. */
    long position() {
        return position;
    }

    /** Why the follower stopped, if it failed. */
    Optional<String> lastError() {
        return Optional.ofNullable(lastError);
    }

    /** Whether the thread is still following. */
    boolean running() {
        return thread.isAlive();
    }

    /** Stops following and waits (up to 30 s) for the batch in progress to be applied. */
    @Override
    public void close() {
        stopping = true;
        subscription.close();
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            throw new IllegalStateException(thread.getName() + " did not stop within 30 s");
        }
    }
}
