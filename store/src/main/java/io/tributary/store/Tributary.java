package io.tributary.store;

import io.tributary.store.internal.LogStore;
import java.nio.file.Path;

/** Opens embedded event stores. */
public final class Tributary {
    private Tributary() {
    }

    /**
     * Opens (creating if needed) the store in {@code dataDirectory} with default settings:
     * fsync durability, 256 MiB segments. Recovers after a crash: a torn tail is truncated,
     * the index is brought up to date from the log.
     *
     * @throws DataDirectoryLockedException if another store has the directory open
     * @throws io.tributary.core.CorruptedLogException if durable data fails its checksum
     */
    public static EmbeddedEventStore open(Path dataDirectory) {
        return open(StoreConfig.defaults(dataDirectory));
    }

    /** Opens the store described by {@code config}; see {@link #open(Path)}. */
    public static EmbeddedEventStore open(StoreConfig config) {
        return LogStore.open(config);
    }
}
