package io.tributary.store.internal;

import io.tributary.core.RecordedEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One group commit, handed from the writer to the indexer: the frames written with one write
 * call, the streams they changed, and the futures to complete once indexed.
 */
final class Group {
    /** An events frame and where it was written. */
    record WrittenFrame(long segment, long offset, List<RecordedEvent> events) {
    }

    final List<WrittenFrame> frames = new ArrayList<>();
    /** The streams the group changed (the writer hands over its overlay map: no copy). */
    Map<String, StreamRecord> streams = new HashMap<>();
    final List<Runnable> completions = new ArrayList<>();
    /** Every request completed by this group (failed with it if the group fails). */
    final List<Request> requests = new ArrayList<>();
    Checkpoint end;
    long lastPosition;
    long seq;
    /** Appends written by this group (not counting refusals and repeats). */
    long appends;
    long events;
    long bytes;
    /**
     * The group's index batch, built on another thread while the writer writes and syncs the group (large
     * groups only, see {@link Indexer#prebuild}); null when the indexer builds it.
     */
    java.util.concurrent.CompletableFuture<Index.Batch> prebuilt;

    boolean hasIndexWork() {
        return !frames.isEmpty() || !streams.isEmpty();
    }
}
