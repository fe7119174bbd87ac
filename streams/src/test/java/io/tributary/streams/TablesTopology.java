package io.tributary.streams;

import io.tributary.core.EventData;
import io.tributary.core.EventStore;
import io.tributary.core.ExpectedVersion;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StreamName;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

/**
 * The topology of the tables crash test: users ({@code user-<id>} events {@code Saved} with a
 * country, {@code Deleted}) folded by a projection into a table with deletes; its changelog, a
 * filter's changelog, a regrouped count of users per country and a stream–table join of clicks
 * ({@code click-<id>}) with it, each into its own output stream. Serdes everywhere (RocksDB state).
 */
final class TablesTopology {
    static final String[] COUNTRIES = {"FR", "DE", "IT", "NO", "ES"};

    private TablesTopology() {
    }

    static Topology build(String out) {
        StreamsBuilder b = new StreamsBuilder();
        KTable<String, String> users = b.table(Consumed.category("user", e -> e), (RecordedEvent e, TableUpdates<String, String> t) -> {
            if (e.type().equals("Deleted")) {
                t.delete(e.stream().id());
            } else {
                t.upsert(e.stream().id(), e.dataAsString());
            }
        }, Materialized.<String, String>as("users").withSerdes(Serdes.string(), Serdes.string()));
        users.toChangelog().to(changelog(out + "-users"));
        users.filter((id, c) -> c.equals("FR")).toChangelog().to(changelog(out + "-french"));
        users.groupBy((id, c) -> KeyValue.pair(c, id), Grouped.with(Serdes.string(), Serdes.string()))
                .count(Materialized.as("perCountry")).toChangelog().to(changelog(out + "-countries"));
        b.stream(Consumed.category("click", e -> e.dataAsString()))
                .leftJoin(users, (page, country) -> page + "@" + country.orElse("?"))
                .to(Produced.with((id, v) -> out + "-clicks", "Enriched", (id, v) -> utf8(id + "=" + v)));
        return b.build();
    }

    static <V> Produced<String, Optional<V>> changelog(String stream) {
        return Produced.with((k, v) -> stream, "Change", (k, v) -> utf8(k + "=" + v.map(String::valueOf).orElse("-")));
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Appends {@code n} events over 100 users: saves (moves), deletes, and clicks. */
    static void appendWorkload(EventStore store, long seed, int n) {
        Random r = new Random(seed);
        List<CompletableFuture<?>> pending = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = "u" + r.nextInt(100);
            int kind = r.nextInt(10);
            StreamName stream = StreamName.of(kind < 4 ? "click" : "user", id);
            EventData event = kind < 4 ? EventData.of("Clicked", utf8("p" + r.nextInt(5)))
                    : kind < 6 ? EventData.of("Deleted", new byte[0])
                    : EventData.of("Saved", utf8(COUNTRIES[r.nextInt(COUNTRIES.length)]));
            pending.add(store.append(stream, ExpectedVersion.any(), event));
            if (pending.size() >= 1_000) {
                pending.forEach(CompletableFuture::join);
                pending.clear();
            }
        }
        pending.forEach(CompletableFuture::join);
    }
}
