package io.tributary.benchmarks;

import io.tributary.core.EventData;
import io.tributary.core.ExpectedVersion;
import io.tributary.store.Durability;
import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.StoreConfig;
import io.tributary.store.StoreStats;
import io.tributary.store.Tributary;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Opening the store and describing it, shared by the store-side benchmarks. */
final class StoreSide {
    private StoreSide() {
    }

    /** Opens the store in {@code dir} with the given durability and segment size, defaults otherwise. */
    static EmbeddedEventStore open(Path dir, Durability durability, long segmentBytes) {
        return Tributary.open(StoreConfig.builder(dir).durability(durability).segmentSizeBytes(segmentBytes).build());
    }

    /** The expected version that follows a stream's last version ({@code -1}: no stream yet). */
    static ExpectedVersion after(long lastVersion) {
        return lastVersion < 0 ? ExpectedVersion.noStream() : ExpectedVersion.exact(lastVersion);
    }

    /** {@code count} fresh events. */
    static List<EventData> batch(Events events, int count) {
        List<EventData> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            list.add(events.next());
        }
        return list;
    }

    /** Adds the store's counters to a child result, prefixed {@code store.}. */
    static void addStats(Map<String, Object> result, EmbeddedEventStore store) {
        StoreStats stats = store.stats();
        result.put("store.headPosition", stats.headPosition());
        result.put("store.eventsAppended", stats.eventsAppended());
        result.put("store.bytesWritten", stats.bytesWritten());
        result.put("store.fsyncs", stats.fsyncs());
        result.put("store.groupCommits", stats.groupCommits());
        result.put("store.segments", stats.segments());
    }
}
