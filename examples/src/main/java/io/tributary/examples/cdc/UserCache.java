package io.tributary.examples.cdc;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import io.tributary.core.EventStore;
import io.tributary.core.InvalidRequestException;
import java.util.Optional;

/**
 * A read-through cache of users (Caffeine): a miss loads the row from the source database, a hit
 * is served from memory. Entries do not expire; they are invalidated by the {@code users} change
 * events, applied by a {@link CacheInvalidator}.
 *
 * <p><b>No stale read after an event is applied.</b> A change is captured only after its
 * transaction committed, so once {@link #appliedPosition()} has reached the change's log position,
 * every later load reads the new row. A load that started before the commit and is still running
 * when the entry is invalidated cannot put the old row back: Caffeine's {@code invalidate} waits for
 * the in-flight load of that key and then removes its result. While no invalidator runs, hits may be
 * stale — that is what the invalidator is for.
 *
 * <p><b>Checkpoint.</b> The cache lives in memory, and so does its checkpoint,
 * {@link #appliedPosition()}: a restarted invalidator resumes right after it, so changes made while
 * it was stopped are applied on restart. A new cache starts empty, so it starts at the log's head
 * when it is created: nothing older can be in it.
 */
public final class UserCache {
    private final LoadingCache<Integer, Optional<User>> cache;
    private volatile long appliedPosition;

    private UserCache(UserLoader loader, long maxEntries, long startPosition) {
        this.cache = Caffeine.newBuilder().maximumSize(maxEntries).recordStats().build(loader::load);
        this.appliedPosition = startPosition;
    }

    /**
     * A cache of at most {@code maxEntries} users (absent users are cached too) that reads through
     * {@code loader}; its checkpoint starts at {@code store}'s head.
     */
    public static UserCache create(EventStore store, UserLoader loader, long maxEntries) {
        if (store == null || loader == null || maxEntries < 1) {
            throw new InvalidRequestException("UserCache needs a store, a loader and maxEntries >= 1");
        }
        return new UserCache(loader, maxEntries, store.headPosition());
    }

    /** The user {@code id}: from the cache, or loaded from the source on a miss (and then cached). */
    public Optional<User> get(int id) {
        return cache.get(id);
    }

    /** The cached entry of {@code id} without loading: empty when not cached. */
    public Optional<Optional<User>> peek(int id) {
        return Optional.ofNullable(cache.getIfPresent(id));
    }

    /** Hits, misses and loads so far. */
    public CacheStats stats() {
        return cache.stats();
    }

    /** The log position of the last change event applied to this cache. */
    public long appliedPosition() {
        return appliedPosition;
    }

    void invalidate(int id) {
        cache.invalidate(id);
    }

    void invalidateAll() {
        cache.invalidateAll();
    }

    void applied(long position) {
        appliedPosition = position;
    }
}
