package io.tributary.server.internal;

import io.tributary.core.ReadFilter;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StoreClosedException;
import io.tributary.core.StreamDeletedException;
import io.tributary.core.Subscription;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * One Server-Sent-Events connection: pulls from a store {@link Subscription} (catch-up, then
 * live, without gap or duplicate — the subscription guarantees it) and writes each event as
 * {@code id: <position>} / {@code event: event} / {@code data: <json>}, with a heartbeat comment
 * whenever nothing was written for the heartbeat interval. Runs on the request's thread until
 * the client goes away, the subscription is closed or the server stops.
 */
final class SseStream {
    private static final int BATCH = 500;
    private final Subscription subscription;
    private final SseFrameCache frames;
    private final ReadFilter filter;
    private final long skipThroughPosition;
    private final long heartbeatNanos;
    private volatile long lastSeenPosition;

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

    /** Closes the subscription; the loop in {@link #run} ends soon after. */
    void close() {
        subscription.close();
    }

    /** Streams until the client disconnects or the subscription closes. */
    void run(OutputStream out, LongSupplier head) {
        try (subscription) {
            write(out, ": subscribed\n\n");
            long lastWrite = System.nanoTime();
            Duration pollTimeout = Duration.ofNanos(Math.min(heartbeatNanos, Duration.ofSeconds(1).toNanos()));
            while (true) {
                long headBefore = head.getAsLong();
                List<RecordedEvent> batch = subscription.poll(BATCH, pollTimeout);
                if (batch.isEmpty()) {
                    lastSeenPosition = Math.max(lastSeenPosition, headBefore);
                } else {
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
                    lastSeenPosition = batch.get(batch.size() - 1).position();
                    if (buffer != null) {
                        buffer.writeTo(out);
                        out.flush();
                        lastWrite = System.nanoTime();
                    }
                }
                if (System.nanoTime() - lastWrite >= heartbeatNanos) {
                    write(out, ": heartbeat\n\n");
                    lastWrite = System.nanoTime();
                }
            }
        } catch (IOException | StoreClosedException e) {
            // The client went away, or the subscription or server was closed: the stream just ends.
        } catch (StreamDeletedException e) {
            try {
                write(out, "event: deleted\ndata: " + new String(Json.error(ErrorResponses.toApi(e)),
                        StandardCharsets.UTF_8) + "\n\n");
            } catch (IOException ignored) {
                // the client is gone as well
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
