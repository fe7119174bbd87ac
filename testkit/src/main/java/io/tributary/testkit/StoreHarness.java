package io.tributary.testkit;

import io.tributary.core.EventStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens, reopens and closes the store under test for one contract test, so that every store a
 * test opened is closed exactly once by the harness even when the test fails.
 */
final class StoreHarness {
    private final EventStoreContract contract;
    private final List<EventStore> open = new ArrayList<>();
    private Path directory;
    private EventStore store;

    StoreHarness(EventStoreContract contract) {
        this.contract = contract;
    }

    void open(Path dataDirectory) {
        this.directory = dataDirectory;
        this.store = openTracked();
    }

    /** The store the current test works on. */
    EventStore store() {
        if (store == null) {
            throw new IllegalStateException("no store is open");
        }
        return store;
    }

    /** Closes the current store and opens the same directory again, as after a restart. */
    EventStore reopen() {
        closeStore();
        store = openTracked();
        return store;
    }

    /** Closes the current store (once); later {@link #store()} calls return the closed instance. */
    void closeStore() {
        if (open.remove(store)) {
            store.close();
        }
    }

    StoreLimits limits() {
        return contract.limits();
    }

    boolean supportsReopen() {
        return contract.supportsReopen();
    }

    int concurrentSubscribers() {
        return contract.concurrentSubscribers();
    }

    /** Closes every store still open, newest first. */
    void closeAll() {
        while (!open.isEmpty()) {
            open.remove(open.size() - 1).close();
        }
    }

    private EventStore openTracked() {
        EventStore opened = contract.openStore(directory);
        if (opened == null) {
            throw new IllegalStateException(contract.getClass().getName() + ".openStore returned null");
        }
        open.add(opened);
        return opened;
    }
}
