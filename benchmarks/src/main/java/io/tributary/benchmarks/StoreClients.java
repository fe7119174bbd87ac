package io.tributary.benchmarks;

import io.tributary.core.StreamName;
import io.tributary.store.Durability;
import io.tributary.store.EmbeddedEventStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Concurrent single-event appends to the store with fsync durability: each client owns a
 * stream ({@code client-<i>}), appends one event with an exact expected version, waits for
 * the future, and repeats. Counterpart of {@link PostgresClients}.
 */
final class StoreClients {
    private StoreClients() {
    }

    /** Runs {@code clients} clients against a new store in {@code dir}. */
    static Map<String, Object> run(Path dir, int clients, double warmupSeconds, double measureSeconds, Events events,
                                   long segmentBytes) throws InterruptedException {
        Map<String, Object> result = new LinkedHashMap<>();
        try (EmbeddedEventStore store = StoreSide.open(dir, Durability.fsync(), segmentBytes)) {
            List<ClientLoad.Client> list = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                list.add(new Client(store, StreamName.of("client", i), events.split()));
            }
            ClientLoad.Outcome outcome = ClientLoad.run(list, warmupSeconds, measureSeconds);
            ClientLoad.addTo(result, outcome);
            StoreSide.addStats(result, store);
        }
        return result;
    }

    /** One client: appends to its own stream, one event at a time. */
    private static final class Client implements ClientLoad.Client {
        private final EmbeddedEventStore store;
        private final StreamName stream;
        private final Events events;
        private long lastVersion = -1;

        Client(EmbeddedEventStore store, StreamName stream, Events events) {
            this.store = store;
            this.stream = stream;
            this.events = events;
        }

        @Override
        public void callOnce() {
            lastVersion = store.append(stream, StoreSide.after(lastVersion), List.of(events.next())).join().lastVersion();
        }
    }
}
