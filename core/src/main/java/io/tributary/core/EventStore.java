package io.tributary.core;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The event store: a durable, append-only log of events grouped into streams. Every backend
 * (embedded, PostgreSQL, Kafka) implements this interface and passes the same contract suite.
 *
 * <h2>Model</h2>
 * Each recorded event has a per-stream {@code version} (0, 1, 2, ...) and a global
 * {@code position} (0, 1, 2, ... across all streams, strictly increasing in commit order with
 * no gap when written). Positions of removed events (deleted, truncated, expired, once
 * scavenged) leave gaps; positions and versions of surviving events never change.
 *
 * <h2>Appends</h2>
 * An append is atomic: all its events, across all its streams, become visible together or
 * not at all. The returned future completes once the events are durable (as configured) and
 * readable. It completes exceptionally with {@link WrongExpectedVersionException},
 * {@link StreamDeletedException}, {@link DuplicateEventException}, {@link StoreBusyException},
 * {@link StorageException} — and nothing of the request is written — or with
 * {@link StoreFailedException}: the store stopped (a failed fsync) and the request's outcome is
 * unknown; after a reopen it is either entirely recorded or entirely absent. Invalid input is rejected
 * by throwing {@link InvalidRequestException} (or {@link PayloadTooLargeException}) at once.
 * Callbacks attached to the future may run on the store's I/O thread: do not block in them
 * (use the {@code *Async} variants for slow work).
 *
 * <p><b>Idempotency.</b> Event ids are unique within a stream. Re-sending events whose ids are
 * already recorded — all of them, in the same order, at the same place — returns the original
 * result and writes nothing. With {@code exact(n)} the place is version {@code n + 1}; with
 * {@code any}, {@code streamExists} or {@code noStream} it is wherever they were recorded. Any
 * other reuse of a recorded id in the same stream (a partial repeat, another order, another
 * place) fails with {@link DuplicateEventException}; the same id twice in one request is an
 * {@link InvalidRequestException}. The same id may be used in different streams.
 *
 * <h2>Deletes</h2>
 * A soft delete hides the stream (reads throw {@link StreamNotFoundException}); appending with
 * {@code any} or {@code noStream} recreates it, and versions continue after the old last
 * version. A hard delete writes a tombstone: reads and appends throw
 * {@link StreamDeletedException} forever. Events of deleted streams stay in the global log
 * until a scavenge reclaims them.
 */
public interface EventStore extends AutoCloseable {

    /**
     * Appends events to one stream.
     *
     * @throws InvalidRequestException when the request is malformed; nothing is written
     */
    CompletableFuture<AppendResult> append(StreamName stream, ExpectedVersion expected, List<EventData> events);

    /**
     * Appends events to one stream; see {@link #append(StreamName, ExpectedVersion, List)}.
     *
     * @throws InvalidRequestException when {@code events} is null or contains null; nothing is written
     */
    default CompletableFuture<AppendResult> append(StreamName stream, ExpectedVersion expected, EventData... events) {
        // List.of would throw NullPointerException; invalid input must surface as InvalidRequestException.
        if (events == null) {
            throw new InvalidRequestException("the events of an append to '" + stream + "' must not be null");
        }
        for (EventData event : events) {
            if (event == null) {
                throw new InvalidRequestException("an append to '" + stream + "' contains a null event");
            }
        }
        return append(stream, expected, java.util.Arrays.asList(events));
    }

    /**
     * Appends to several streams atomically, each with its own version check. If any check
     * fails, nothing is written and the exception names that stream. A stream may appear only
     * once per request.
     */
    CompletableFuture<MultiAppendResult> appendAll(List<StreamAppend> appends);

    /**
     * Reads a stream from {@code fromVersion} (inclusive) in {@code direction}, at most
     * {@code maxCount} events. Backward from {@link Long#MAX_VALUE} starts at the last event.
     * Events hidden by the stream's metadata are skipped.
     *
     * @throws StreamNotFoundException if the stream never existed or is soft-deleted
     * @throws StreamDeletedException  if the stream is tombstoned
     */
    ReadSlice readStream(StreamName stream, long fromVersion, int maxCount, Direction direction);

    /**
     * Reads the global log from {@code fromPosition} (inclusive), at most {@code maxCount}
     * events that match {@code filter}. Backward from {@link Long#MAX_VALUE} starts at the head.
     * A filtered read may return fewer events than asked while {@link ReadSlice#next()} is
     * present: it examined a bounded part of the log; continue from {@code next}.
     */
    ReadSlice readAll(long fromPosition, int maxCount, Direction direction, ReadFilter filter);

    /** Reads the events of a category in global order (an indexed read, not a scan). */
    default ReadSlice readCategory(String category, long fromPosition, int maxCount, Direction direction) {
        return readAll(fromPosition, maxCount, direction, ReadFilter.categories(category));
    }

    /**
     * Subscribes to the global log: catch-up from {@code fromPosition} (inclusive), then live.
     * Use {@code headPosition() + 1} to receive only new events.
     */
    Subscription subscribeToAll(long fromPosition, ReadFilter filter);

    /** Subscribes to one category; see {@link #subscribeToAll}. */
    default Subscription subscribeToCategory(String category, long fromPosition) {
        return subscribeToAll(fromPosition, ReadFilter.categories(category));
    }

    /**
     * Subscribes to one stream from {@code fromVersion} (inclusive), then live. The stream need
     * not exist yet.
     */
    Subscription subscribeToStream(StreamName stream, long fromVersion);

    /** The stream's metadata, {@link StreamMetadata#none()} if never set. */
    StreamMetadata getStreamMetadata(StreamName stream);

    /** Replaces the stream's metadata; durable when the future completes. */
    CompletableFuture<Void> setStreamMetadata(StreamName stream, StreamMetadata metadata);

    /**
     * Deletes a stream: softly (recreatable) or hard (a tombstone, forever).
     *
     * @param expected checked like an append's expected version
     */
    CompletableFuture<Void> deleteStream(StreamName stream, ExpectedVersion expected, boolean hard);

    /** The stream's last version and position, empty if it does not exist (or is deleted). */
    Optional<StreamInfo> streamInfo(StreamName stream);

    /** Lists live streams in name order. */
    List<StreamInfo> listStreams(ListStreamsRequest request);

    /** The position of the newest readable event, {@code -1} when the log is empty. */
    long headPosition();

    /** Stops accepting appends, completes those in flight, and releases the store's resources. */
    @Override
    void close();
}
