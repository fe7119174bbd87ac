package io.tributary.testkit;

import io.tributary.core.EventStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs the contract suite against {@link InMemoryEventStore}: checks the fake, and checks the
 * suite itself against an implementation that is simple enough to trust.
 */
class InMemoryEventStoreContractTest extends EventStoreContract {
    private static final StoreLimits LIMITS = new StoreLimits(64 << 10, 1 << 20);
    /** The "directory" of an in-memory store is the last instance opened on it. */
    private final Map<Path, InMemoryEventStore> stores = new HashMap<>();

    @Override
    protected EventStore openStore(Path directory) {
        InMemoryEventStore previous = stores.get(directory);
        InMemoryEventStore store = previous == null
                ? InMemoryEventStore.create(Clock.systemUTC(), LIMITS)
                : previous.reopen();
        stores.put(directory, store);
        return store;
    }

    @Override
    protected StoreLimits limits() {
        return LIMITS;
    }

    @Override
    protected int concurrentSubscribers() {
        return 500;
    }
}
