package io.tributary.testkit;

import io.tributary.core.EventStore;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour every {@link EventStore} backend must have, as an abstract JUnit 5 suite: the
 * specification in {@link EventStore}'s Javadoc turned into tests. A backend passes the contract
 * by extending this class and opening its store:
 *
 * <pre>{@code
 * class EmbeddedEventStoreContractTest extends EventStoreContract {
 *     @Override
 *     protected EventStore openStore(Path directory) {
 *         return Tributary.open(StoreConfig.builder(directory)
 *                 .maxEventBytes(64 << 10).maxRequestBytes(1 << 20).build());
 *     }
 *
 *     @Override
 *     protected StoreLimits limits() {
 *         return new StoreLimits(64 << 10, 1 << 20);
 *     }
 * }
 * }</pre>
 *
 * <p>Each test gets a fresh temporary directory and a store opened on it; the suite closes every
 * store it opened. Tests are grouped by concern in {@link Nested} classes; each group's tests
 * live in a package-private class of this package so no file grows too large. Every test has a
 * time limit, so a hung future or poll fails instead of blocking the build.
 *
 * <p>Where the {@link EventStore} Javadoc leaves a choice open, the suite either tests only what
 * the Javadoc decides or accepts each reasonable outcome, and says so in the test.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class EventStoreContract {

    /** The data directory of the current test, fresh for each test. */
    @TempDir
    Path directory;

    private final StoreHarness harness = new StoreHarness(this);

    /** Creates the suite; subclasses supply {@link #openStore(Path)}. */
    protected EventStoreContract() {
    }

    /**
     * Opens the store under test on {@code directory}: a new, empty store the first time, the
     * existing data when the directory was used before (the reopen tests close the store and
     * call this again with the same directory).
     *
     * @param directory an existing, writable directory that belongs to this test only
     */
    protected abstract EventStore openStore(Path directory);

    /**
     * The size limits the store returned by {@link #openStore(Path)} enforces. Defaults to
     * {@link StoreLimits#DEFAULTS}; configure small limits to keep the payload tests fast.
     */
    protected StoreLimits limits() {
        return StoreLimits.DEFAULTS;
    }

    /**
     * Whether the store keeps its data when closed and opened again on the same directory.
     * Defaults to {@code true}; when {@code false} the reopen tests are skipped.
     */
    protected boolean supportsReopen() {
        return true;
    }

    /** How many subscribers the concurrent-subscribers test runs at once; defaults to 100. */
    protected int concurrentSubscribers() {
        return 100;
    }

    /** Opens a fresh store in the test's temporary directory. */
    @BeforeEach
    protected final void openFreshStore() {
        harness.open(directory);
    }

    /** Closes every store the test opened. */
    @AfterEach
    protected final void closeStores() {
        harness.closeAll();
    }

    @Nested
    class Append extends AppendContract {
        @Override
        StoreHarness harness() {
            return harness;
        }
    }

    @Nested
    class Idempotency extends IdempotencyContract {
        @Override
        StoreHarness harness() {
            return harness;
        }
    }

    @Nested
    class MultiStreamAppend extends MultiStreamAppendContract {
        @Override
        StoreHarness harness() {
            return harness;
        }
    }

    @Nested
    class ReadStream extends ReadStreamContract {
        @Override
        StoreHarness harness() {
            return harness;
        }
    }

    @Nested
    class ReadAll extends ReadAllContract {
        @Override
        StoreHarness harness() {
            return harness;
        }
    }

    @Nested
    class Filters extends FilterContract {
        @Override
        StoreHarness harness() {
            return harness;
        }
    }

    @Nested
    class Subscriptions extends SubscriptionContract {
        @Override
        StoreHarness harness() {
            return harness;
        }
    }

    @Nested
    class Metadata extends MetadataContract {
        @Override
        StoreHarness harness() {
            return harness;
        }
    }

    @Nested
    class Deletes extends DeleteContract {
        @Override
        StoreHarness harness() {
            return harness;
        }
    }

    @Nested
    class ListStreams extends ListStreamsContract {
        @Override
        StoreHarness harness() {
            return harness;
        }
    }

    @Nested
    class BadInput extends BadInputContract {
        @Override
        StoreHarness harness() {
            return harness;
        }
    }

    @Nested
    class Concurrency extends ConcurrencyContract {
        @Override
        StoreHarness harness() {
            return harness;
        }
    }

    @Nested
    class Reopen extends ReopenContract {
        @Override
        StoreHarness harness() {
            return harness;
        }
    }

    @Nested
    class Lifecycle extends LifecycleContract {
        @Override
        StoreHarness harness() {
            return harness;
        }
    }
}
