package io.tributary.cqrs;

import io.tributary.core.EventStore;
import io.tributary.cqrs.internal.ProjectionWorker;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The state of a read model as of a past log position, computed by replaying its projection
 * into a separate store, without touching the live read model or its checkpoint.
 *
 * <p>Cost: a replay of the projection's events from the start of the log up to the position.
 */
public final class TimeTravel {
    private TimeTravel() {
    }

    /**
     * Replays {@code projection} into {@code into} (the slot named after the projection, which
     * should be empty) with every event at or before {@code position}, on the calling thread.
     *
     * @return the position the replay reached: {@code position}, or the log's head when lower
     * @throws ProjectionTimeoutException when the replay fails or does not finish within {@code timeout}
     */
    public static <W> long replayUpTo(EventStore store, Projection<W> projection, ReadModelStore<W> into,
                                      long position, Duration timeout) {
        long target = Math.min(position, store.headPosition());
        long deadline = System.nanoTime() + timeout.toNanos();
        ProjectionWorker<W> worker = new ProjectionWorker<>(store, projection, into, projection.name(),
                ProjectionOptions.defaults(), d -> TimeUnit.NANOSECONDS.sleep(d.toNanos()));
        try {
            while (worker.processed() < target) {
                if (System.nanoTime() > deadline) {
                    throw new ProjectionTimeoutException(projection.name(), target, worker.processed(),
                            "time-travel replay did not finish within " + timeout);
                }
                if (!worker.step(target)) {
                    throw new ProjectionTimeoutException(projection.name(), target, worker.processed(),
                            "time-travel replay failed: " + worker.lastError().orElse("unknown error"));
                }
            }
            return target;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProjectionTimeoutException(projection.name(), target, worker.processed(), "interrupted");
        } finally {
            worker.closeSubscription();
        }
    }

    /**
     * The documents {@code projection} had produced as of {@code position}, in a new in-memory
     * store; query it with the projection's name. Close it when done.
     */
    public static DocumentStore documentsAsOf(EventStore store, Projection<DocumentWriter> projection, long position,
                                              Duration timeout, IndexDefinition... indexes) {
        DocumentStore scratch = DocumentStore.inMemory(indexes);
        try {
            replayUpTo(store, projection, scratch, position, timeout);
            return scratch;
        } catch (RuntimeException e) {
            scratch.close();
            throw e;
        }
    }
}
