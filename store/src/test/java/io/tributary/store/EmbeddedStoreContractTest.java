package io.tributary.store;

import io.tributary.core.EventStore;
import io.tributary.testkit.EventStoreContract;
import io.tributary.testkit.StoreLimits;
import java.nio.file.Path;

/** The embedded store passes the contract every backend must pass. */
class EmbeddedStoreContractTest extends EventStoreContract {
    private static final int MAX_EVENT = 64 << 10;
    private static final int MAX_REQUEST = 1 << 20;

    @Override
    protected EventStore openStore(Path directory) {
        return Tributary.open(StoreConfig.builder(directory)
                .segmentSizeBytes(8L << 20)
                .maxEventBytes(MAX_EVENT)
                .maxRequestBytes(MAX_REQUEST)
                .build());
    }

    @Override
    protected StoreLimits limits() {
        return new StoreLimits(MAX_EVENT, MAX_REQUEST);
    }

    @Override
    protected int concurrentSubscribers() {
        return 500;
    }
}
