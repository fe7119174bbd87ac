package io.tributary.store;

import io.tributary.core.EventStore;
import java.nio.file.Path;

/**
 * The embedded event store: an {@link EventStore} on local segment files, plus the operations
 * only a local store has.
 */
public interface EmbeddedEventStore extends EventStore {

    /**
     * Reclaims the space of deleted, truncated and expired events in sealed segments. Surviving
     * events keep their positions and versions. Safe to run while the store serves traffic and
     * safe against crashes at any point. The last event of a live stream is kept (hidden if
     * expired) so the stream's version is never lost.
     */
    ScavengeResult scavenge();

    /** The data directory. */
    Path dataDirectory();

    /** Counters for monitoring; a snapshot, cheap to take. */
    StoreStats stats();
}
