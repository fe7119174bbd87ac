package io.tributary.store.internal;

import io.tributary.core.ExpectedVersion;
import io.tributary.core.MultiAppendResult;
import io.tributary.core.StreamAppend;
import io.tributary.core.StreamMetadata;
import io.tributary.core.StreamName;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Work for the writer thread. Validated by the caller before it is queued. */
sealed interface Request {
    /** Completes the request's future exceptionally. */
    void fail(Throwable t);

    /** Encoded frame size, for batching. */
    int frameBytes();

    /**
     * Appends, possibly to several streams.
     *
     * @param parts      one per stream, each stream at most once
     * @param names      the parts' stream names, UTF-8
     * @param future     completed with the result once durable and indexed
     * @param plan       how the request is cut into frames (usually one)
     * @param events     number of events in all parts
     */
    record Append(List<StreamAppend> parts, List<byte[]> names, CompletableFuture<MultiAppendResult> future,
                  FrameCodec.Plan plan, int events) implements Request {
        @Override
        public int frameBytes() {
            return plan.bytes();
        }

        @Override
        public void fail(Throwable t) {
            future.completeExceptionally(t);
        }
    }

    /**
     * Replaces a stream's metadata.
     *
     * @param stream     the stream
     * @param metadata   the new metadata
     * @param future     completed once durable
     * @param frameBytes the encoded frame size
     */
    record SetMetadata(StreamName stream, StreamMetadata metadata, CompletableFuture<Void> future, int frameBytes)
            implements Request {
        @Override
        public void fail(Throwable t) {
            future.completeExceptionally(t);
        }
    }

    /**
     * Deletes a stream.
     *
     * @param stream     the stream
     * @param expected   the version check
     * @param hard       tombstone instead of soft delete
     * @param future     completed once durable
     * @param frameBytes the encoded frame size
     */
    record Delete(StreamName stream, ExpectedVersion expected, boolean hard, CompletableFuture<Void> future,
                  int frameBytes) implements Request {
        @Override
        public void fail(Throwable t) {
            future.completeExceptionally(t);
        }
    }

    /** Wakes the writer (on close) so it need not wait for its idle tick. */
    record Wake() implements Request {
        @Override
        public void fail(Throwable t) {
            // nothing waits on a wake-up
        }

        @Override
        public int frameBytes() {
            return 0;
        }
    }
}
