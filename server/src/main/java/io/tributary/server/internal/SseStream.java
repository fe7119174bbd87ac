package io.tributary.server.internal;

import io.tributary.core.ReadFilter;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StoreClosedException;
import io.tributary.core.StreamDeletedException;
import io.tributary.core.Subscription;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * One Server-Sent-Events connection, written with servlet non-blocking I/O so that an open
 * connection holds no thread. It pulls from a store {@link Subscription} (catch-up, then live,
 * without gap or duplicate — the subscription guarantees it) and writes each event as
 * {@code id: <position>} / {@code event: event} / {@code data: <json>}, with a heartbeat comment
 * whenever nothing was written for the heartbeat interval.
 *
 * <p>Work happens in turns on the {@link SseHub}'s small pool: a turn is asked for when the log
 * grows, on the hub's tick (heartbeats, deleted streams) and when the connection can take more
 * output after a write that did not complete at once. Turns of one connection never overlap, so
 * the subscription and the output stream are used by one thread at a time. A turn polls without
 * waiting, writes at most {@link #ROUNDS} batches and stops early when the client does not take
 * the output (back-pressure: nothing more is read until it does), so one busy or slow subscriber
 * neither starves the others nor buffers without bound.
 */
final class SseStream {
    private static final int BATCH = 500;
    /** Batches written in one turn before the connection goes to the back of the pool's queue. */
    static final int ROUNDS = 4;
    private static final byte[] SUBSCRIBED = ": subscribed\n\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] HEARTBEAT = ": heartbeat\n\n".getBytes(StandardCharsets.UTF_8);
    private static final int IDLE = 0;
    private static final int SCHEDULED = 1;
    private static final int AGAIN = 2;

    private final Subscription subscription;
    private final SseFrameCache frames;
    private final ReadFilter filter;
    private final long skipThroughPosition;
    private final long heartbeatNanos;
    private final CompletableFuture<Void> finished = new CompletableFuture<>();
    private final AtomicInteger turn = new AtomicInteger(IDLE);
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile long lastSeenPosition;
    // Touched only inside turns (which never overlap; the turn counter orders them).
    private ServletOutputStream out;
    private volatile Executor pool;
    private LongSupplier head;
    private Runnable onEnd;
    private boolean started;
    private boolean flushPending;
    private long lastWriteNanos;

    /**
     * @param filter              applied here (stream subscriptions); {@link ReadFilter#all()} when the store filters
     * @param skipThroughPosition events at or before this position are not sent (resume of a stream subscription
     *                            whose resume point could not be mapped to a version); -1 for none
     * @param frames              encoded frames shared by the server's SSE streams
     */
    SseStream(Subscription subscription, SseFrameCache frames, ReadFilter filter, long skipThroughPosition,
              long heartbeatMs, long head) {
        this.subscription = subscription;
        this.frames = frames;
        this.filter = filter;
        this.skipThroughPosition = skipThroughPosition;
        this.heartbeatNanos = Duration.ofMillis(heartbeatMs).toNanos();
        this.lastSeenPosition = head;
    }

    /** How many positions this subscriber is behind {@code head}, as of its last poll. */
    long lag(long head) {
        return Math.max(0, head - lastSeenPosition);
    }

    /** Completes when the stream has ended (client gone, subscription or server closed). */
    CompletableFuture<Void> finished() {
        return finished;
    }

    /**
     * Starts streaming to {@code output} of an async request: registers the write listener, whose
     * first call starts the first turn. {@code onEnd} runs once when the stream ends.
     */
    void start(ServletOutputStream output, Executor turns, LongSupplier headPosition, Runnable whenEnded) {
        this.out = output;
        this.pool = turns;
        this.head = headPosition;
        this.onEnd = whenEnded;
        this.lastWriteNanos = System.nanoTime();
        output.setWriteListener(new WriteListener() {
            @Override
            public void onWritePossible() {
                wake();
            }

            @Override
            public void onError(Throwable t) {
                end();
            }
        });
    }

    /** Asks for a turn (new events, a tick, or the client can take output again); cheap when one is already due. */
    void wake() {
        while (true) {
            int state = turn.get();
            if (state == IDLE) {
                if (turn.compareAndSet(IDLE, SCHEDULED)) {
                    submit();
                    return;
                }
            } else if (state == SCHEDULED) {
                if (turn.compareAndSet(SCHEDULED, AGAIN)) {
                    return;
                }
            } else {
                return;
            }
        }
    }

    private void submit() {
        try {
            pool.execute(this::turns);
        } catch (RejectedExecutionException e) {
            end(); // the hub is shutting down
        }
    }

    private void turns() {
        while (true) {
            boolean more = turnOnce();
            if (more && !ended.get()) {
                turn.set(SCHEDULED);
                submit(); // more to send: go to the back of the queue so other connections get their turn
                return;
            }
            if (turn.compareAndSet(SCHEDULED, IDLE)) {
                return;
            }
            turn.set(SCHEDULED); // woken during the turn: one more
        }
    }

    /** Closes the subscription; the stream ends at its next turn, which this asks for. */
    void close() {
        subscription.close();
        if (pool == null) {
            end(); // never started (refused while the server stops, or its output failed): no turn to run
            return;
        }
        wake();
    }

    /** One turn; true when a full batch was sent and more is likely waiting. */
    private boolean turnOnce() {
        if (ended.get()) {
            return false;
        }
        try {
            if (!out.isReady()) {
                return false; // onWritePossible asks for the next turn
            }
            if (!started) {
                started = true;
                out.write(SUBSCRIBED);
                if (!flush()) {
                    return false;
                }
            } else if (flushPending && !flush()) {
                return false;
            }
            for (int round = 0; round < ROUNDS; round++) {
                long headBefore = head.getAsLong();
                List<RecordedEvent> batch = subscription.poll(BATCH, Duration.ZERO);
                if (batch.isEmpty()) {
                    lastSeenPosition = Math.max(lastSeenPosition, headBefore);
                    break;
                }
                lastSeenPosition = batch.get(batch.size() - 1).position();
                byte[] bytes = encode(batch);
                if (bytes != null) {
                    out.write(bytes);
                    lastWriteNanos = System.nanoTime();
                    if (!flush()) {
                        return false;
                    }
                }
                if (round == ROUNDS - 1 && batch.size() == BATCH) {
                    return true;
                }
            }
            if (System.nanoTime() - lastWriteNanos >= heartbeatNanos) {
                out.write(HEARTBEAT);
                lastWriteNanos = System.nanoTime();
                flush();
            }
            return false;
        } catch (IOException | StoreClosedException | IllegalStateException e) {
            // The client went away, the subscription or server was closed, or the response is already completed.
            end();
        } catch (StreamDeletedException e) {
            try {
                if (out.isReady()) {
                    out.write(("event: deleted\ndata: " + new String(Json.error(ErrorResponses.toApi(e)),
                            StandardCharsets.UTF_8) + "\n\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            } catch (IOException | IllegalStateException ignored) {
                // the client is gone as well
            }
            end();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            end();
        }
        return false;
    }

    /** Flushes when the stream can take it; false when a write is still in progress (the listener calls back). */
    private boolean flush() throws IOException {
        if (!out.isReady()) {
            flushPending = true;
            return false;
        }
        out.flush();
        flushPending = false;
        return out.isReady();
    }

    private byte[] encode(List<RecordedEvent> batch) {
        ByteArrayOutputStream buffer = null;
        for (RecordedEvent e : batch) {
            if (e.position() > skipThroughPosition && filter.matches(e)) {
                byte[] frame = frames.frame(e);
                if (buffer == null) {
                    buffer = new ByteArrayOutputStream((int) Math.min(1 << 16, (long) frame.length * batch.size()));
                }
                buffer.write(frame, 0, frame.length);
            }
        }
        return buffer == null ? null : buffer.toByteArray();
    }

    /** Ends the stream once: closes the subscription, tells the owner, completes the request. */
    private void end() {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        try {
            subscription.close();
            if (onEnd != null) {
                onEnd.run();
            }
        } finally {
            finished.complete(null);
        }
    }
}
