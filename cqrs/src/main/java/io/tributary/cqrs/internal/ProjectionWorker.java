package io.tributary.cqrs.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.core.Direction;
import io.tributary.core.EventData;
import io.tributary.core.EventStore;
import io.tributary.core.ExpectedVersion;
import io.tributary.core.ReadFilter;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StreamName;
import io.tributary.core.Subscription;
import io.tributary.cqrs.FailurePolicy;
import io.tributary.cqrs.Projection;
import io.tributary.cqrs.ProjectionOptions;
import io.tributary.cqrs.ProjectionStatus;
import io.tributary.cqrs.ReadModelStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one projection into one slot, a batch at a time, on the caller's thread. Each batch is
 * one read-model transaction that ends with the checkpoint, so the read model holds exactly the
 * effect of the events up to the checkpoint. After a failure or a bounded run the subscription is
 * dropped and reopened from the committed checkpoint, which makes the next batch re-read exactly
 * what was not committed.
 *
 * <p>{@link #step} is called by one thread at a time; the getters and
 * {@link #closeSubscription()} may be called from any thread.
 */
public final class ProjectionWorker<W> {
    /** The category of dead-letter streams; its events are never projected. */
    public static final String PARKED_CATEGORY = "tributary.parked";
    private static final Logger LOG = LoggerFactory.getLogger(ProjectionWorker.class);

    /** Waits for a backoff; returns early when the runner stops. */
    @FunctionalInterface
    public interface Sleeper {
        /** Waits up to {@code duration}. */
        void sleep(Duration duration) throws InterruptedException;
    }

    /** An exception thrown by the projection's own code, with the event it failed on. */
    private static final class ApplyFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient RecordedEvent event;

        ApplyFailure(RecordedEvent event, RuntimeException cause) {
            super(cause);
            this.event = event;
        }
    }

    private final EventStore store;
    private final Projection<W> projection;
    private final ReadModelStore<W> readModels;
    private final String slot;
    private final ProjectionOptions options;
    private final Sleeper sleeper;
    private final RateMeter rate;

    private volatile Subscription subscription;
    private volatile long committed = -1;
    private volatile long processed = -1;
    private volatile boolean started;
    private volatile ProjectionStatus.State state = ProjectionStatus.State.CATCHING_UP;
    private volatile Optional<String> lastError = Optional.empty();
    private volatile long applied;
    private volatile long parked;
    private int retries;

    /** A worker for {@code projection} writing into {@code slot} of {@code readModels}. */
    public ProjectionWorker(EventStore store, Projection<W> projection, ReadModelStore<W> readModels, String slot,
                            ProjectionOptions options, Sleeper sleeper) {
        this.store = store;
        this.projection = projection;
        this.readModels = readModels;
        this.slot = slot;
        this.options = options;
        this.sleeper = sleeper;
        this.rate = new RateMeter(options.clock());
    }

    /**
     * Applies at most one batch of events at positions up to {@code upTo} (inclusive).
     *
     * @return false when the worker has stopped (see {@link #lastError()})
     */
    public boolean step(long upTo) throws InterruptedException {
        if (state == ProjectionStatus.State.STOPPED) {
            return false;
        }
        if (started && processed >= upTo) {
            return true;
        }
        Subscription sub = subscription;
        if (sub == null) {
            committed = readModels.checkpoint(slot);
            if (committed < 0) {
                // A fresh slot: create the read model's structure (JDBC tables) before any event,
                // in a transaction of its own, so readers find it even before the first event.
                try {
                    readModels.commit(slot, -1, projection::setup);
                } catch (RuntimeException e) {
                    return onFailure("setting up the read model in slot '" + slot + "'", null, e, List.of());
                }
            }
            processed = Math.max(processed, committed);
            started = true;
            sub = store.subscribeToAll(committed + 1, projection.filter());
            subscription = sub;
        }
        List<RecordedEvent> polled = sub.poll(options.maxBatchEvents(), options.pollTimeout());
        List<RecordedEvent> batch = new ArrayList<>(polled.size());
        boolean truncated = false;
        for (RecordedEvent e : polled) {
            if (e.position() > upTo) {
                truncated = true;
                break;
            }
            if (!PARKED_CATEGORY.equals(e.stream().category())) {
                batch.add(e);
            }
        }
        if (!batch.isEmpty()) {
            try {
                commit(batch);
            } catch (ApplyFailure f) {
                RecordedEvent e = f.event;
                return onFailure("applying " + e.type() + " at position " + e.position() + " (" + e.stream() + "@"
                        + e.version() + ")", e, (RuntimeException) f.getCause(), batch);
            } catch (RuntimeException e) {
                return onFailure("committing the batch ending at position " + batch.get(batch.size() - 1).position(),
                        null, e, batch);
            }
            retries = 0;
        }
        if (truncated) {
            processed = upTo;
            closeSubscription(); // it has read past upTo: reopen from the checkpoint next time
        } else {
            processed = Math.max(processed, Math.min(sub.nextCursor() - 1, upTo));
        }
        state = polled.isEmpty() || processed >= store.headPosition()
                ? ProjectionStatus.State.LIVE : ProjectionStatus.State.CATCHING_UP;
        return true;
    }

    private void commit(List<RecordedEvent> batch) {
        RecordedEvent last = batch.get(batch.size() - 1);
        readModels.commit(slot, last.position(), writer -> {
            for (RecordedEvent e : batch) {
                try {
                    projection.apply(e, writer);
                } catch (BatchingSqlWriter.SqlFailure ex) {
                    throw ex; // the database failed, not the projection: never park the event for it
                } catch (RuntimeException ex) {
                    throw new ApplyFailure(e, ex);
                }
            }
        });
        committed = last.position();
        applied += batch.size();
        rate.record(batch.size());
    }

    private boolean onFailure(String where, RecordedEvent event, RuntimeException cause, List<RecordedEvent> batch)
            throws InterruptedException {
        closeSubscription(); // the batch was rolled back: re-read from the checkpoint
        lastError = Optional.of(where + ": " + cause);
        LOG.warn("projection '{}' failed {}", projection.name(), where, cause);
        FailurePolicy policy = options.failurePolicy();
        if (policy instanceof FailurePolicy.Retry r) {
            retries++;
            if (retries > r.maxRetries()) {
                lastError = Optional.of(lastError.get() + " (gave up after " + r.maxRetries() + " retries)");
                state = ProjectionStatus.State.STOPPED;
                return false;
            }
            state = ProjectionStatus.State.RETRYING;
            sleeper.sleep(r.backoff(retries));
            return true;
        }
        if (policy instanceof FailurePolicy.DeadLetter && event != null) {
            try {
                List<RecordedEvent> before = batch.subList(0, batch.indexOf(event));
                if (!before.isEmpty()) {
                    commit(before);
                }
                park(event, cause);
                readModels.commit(slot, event.position(), writer -> { });
                committed = event.position();
                processed = Math.max(processed, event.position());
                parked++;
                return true;
            } catch (RuntimeException e) {
                lastError = Optional.of(lastError.get() + "; then parking failed: " + e);
            }
        }
        state = ProjectionStatus.State.STOPPED;
        return false;
    }

    // Idempotent: the id is derived from projection and position, so a park repeated after a crash
    // (before the checkpoint moved past the event) returns the first append and writes nothing.
    private void park(RecordedEvent event, RuntimeException cause) {
        ObjectNode meta = Documents.MAPPER.createObjectNode()
                .put("projection", projection.name())
                .put("stream", event.stream().value())
                .put("version", event.version())
                .put("position", event.position())
                .put("eventId", event.eventId().toString())
                .put("error", String.valueOf(cause))
                .put("originalMetadata", event.metadataAsString());
        UUID id = UUID.nameUUIDFromBytes(("parked:" + projection.name() + ":" + event.position()).getBytes(StandardCharsets.UTF_8));
        EventData copy = new EventData(id, event.type(), event.data(), Documents.bytes(meta));
        try {
            store.append(parkedStream(projection.name()), ExpectedVersion.any(), List.of(copy)).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /** The dead-letter stream of a projection. */
    public static StreamName parkedStream(String projection) {
        return StreamName.of(PARKED_CATEGORY + "-" + projection);
    }

    /** Records a failure from outside a batch (the log failed); the worker stops. */
    public void fail(RuntimeException e) {
        lastError = Optional.of("reading the log: " + e);
        state = ProjectionStatus.State.STOPPED;
    }

    /** Marks the worker stopped because its runner was closed. */
    public void stopped() {
        state = ProjectionStatus.State.STOPPED;
    }

    /** Closes the subscription, waking a blocked poll; the next step reopens it from the checkpoint. */
    public void closeSubscription() {
        Subscription s = subscription;
        subscription = null;
        if (s != null) {
            s.close();
        }
    }

    /** The slot written. */
    public String slot() {
        return slot;
    }

    /** The projection run. */
    public Projection<W> projection() {
        return projection;
    }

    /** The last position processed (applied or skipped by the filter), -1 before any. */
    public long processed() {
        return processed;
    }

    /** True once the worker has set up its slot and opened its first subscription. */
    public boolean isStarted() {
        return started;
    }

    /** True once the worker has stopped. */
    public boolean isStopped() {
        return state == ProjectionStatus.State.STOPPED;
    }

    /** The last error. */
    public Optional<String> lastError() {
        return lastError;
    }

    /** Events applied by this worker. */
    public long applied() {
        return applied;
    }

    /** The status of this worker, with {@code state} reported instead of its own when present. */
    public ProjectionStatus status(Optional<ProjectionStatus.State> override) {
        long head = store.headPosition();
        long position = processed;
        long lagEvents = Math.max(0, head - position);
        long lagMs = 0;
        if (lagEvents > 0) {
            List<RecordedEvent> next = store.readAll(position + 1, 1, Direction.FORWARD, ReadFilter.all()).events();
            if (!next.isEmpty()) {
                lagMs = Math.max(0, options.clock().millis() - next.get(0).timestamp().toEpochMilli());
            }
        }
        return new ProjectionStatus(projection.name(), slot, override.orElse(state), position, committed, head,
                lagEvents, lagMs, rate.perSecond(), applied, parked, options.failurePolicy(), lastError);
    }

    /** Events per second over a sliding window of a few seconds. */
    private static final class RateMeter {
        private static final long WINDOW_MS = 5_000;
        private final java.time.Clock clock;
        private final java.util.ArrayDeque<long[]> samples = new java.util.ArrayDeque<>();
        private long total;

        RateMeter(java.time.Clock clock) {
            this.clock = clock;
        }

        synchronized void record(int events) {
            long now = clock.millis();
            total += events;
            samples.addLast(new long[] {now, total});
            while (samples.size() > 1 && now - samples.peekFirst()[0] > WINDOW_MS) {
                samples.removeFirst();
            }
        }

        synchronized double perSecond() {
            if (samples.size() < 2) {
                return 0;
            }
            long now = clock.millis();
            long[] first = samples.peekFirst();
            long[] last = samples.peekLast();
            if (now - last[0] > WINDOW_MS) {
                return 0;
            }
            long ms = Math.max(1, now - first[0]);
            return (last[1] - first[1]) * 1000.0 / ms;
        }
    }
}
