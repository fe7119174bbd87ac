package io.tributary.examples.cdc;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.core.EventStore;
import io.tributary.core.InvalidRequestException;
import io.tributary.core.RecordedEvent;
import java.util.List;
import java.util.Optional;

/**
 * Cache invalidation: follows the {@code users} change events from right after the cache's
 * checkpoint and invalidates the entry of every changed row (all entries on a truncate), then moves
 * the checkpoint. One invalidator per cache at a time.
 */
public final class CacheInvalidator implements AutoCloseable {
    private final ObjectMapper json = new ObjectMapper();
    private final UserCache cache;
    private final ChangeFollower follower;

    private CacheInvalidator(EventStore store, UserCache cache) {
        this.cache = cache;
        this.follower = ChangeFollower.start(store, SearchIndexSync.CATEGORY, cache.appliedPosition(), 1000,
                "cache-invalidator", this::apply);
    }

    /** Starts invalidating {@code cache}'s entries from its checkpoint on. */
    public static CacheInvalidator start(EventStore store, UserCache cache) {
        if (store == null || cache == null) {
            throw new InvalidRequestException("CacheInvalidator needs a store and a cache");
        }
        return new CacheInvalidator(store, cache);
    }

    private void apply(List<RecordedEvent> batch) {
        for (RecordedEvent event : batch) {
            Optional<UserChange> change = UserChange.parse(event, json);
            if (change.isEmpty()) {
                continue;
            }
            if (change.get() instanceof UserChange.Upsert upsert) {
                cache.invalidate(upsert.user().id());
            } else if (change.get() instanceof UserChange.Delete delete) {
                cache.invalidate(delete.id());
            } else {
                cache.invalidateAll();
            }
        }
        cache.applied(batch.get(batch.size() - 1).position());
    }

    /** The log position of the last change applied to the cache. */
    public long position() {
        return cache.appliedPosition();
    }

    /** Why it stopped, if it failed. */
    public Optional<String> lastError() {
        return follower.lastError();
    }

    /** Stops invalidating; the cache keeps its entries (which may now go stale) and its checkpoint. */
    @Override
    public void close() {
        follower.close();
    }
}
