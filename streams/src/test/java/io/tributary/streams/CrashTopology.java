package io.tributary.streams;

import io.tributary.core.EventData;
import io.tributary.core.EventStore;
import io.tributary.core.ExpectedVersion;
import io.tributary.core.StreamName;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

/**
 * The topology of the runtime and crash tests: clicks {@code user|eventTimeMs} in category
 * {@code click}; per-user counts (a changelog sink), per-user tumbling 10-second counts (final
 * results), sessions (every update), a stream–stream outer join of each user's clicks at even
 * times with those at odd times within 2 s, and a pattern (three clicks whose times are 0, 1 and
 * 2 modulo 3, within 5 s). Serdes everywhere so it runs on RocksDB state too.
 */
final class CrashTopology {
    private CrashTopology() {
    }

    static Topology build(String out) {
        StreamsBuilder b = new StreamsBuilder();
        KStream<String, Long> clicks = b.stream(Consumed.category("click", e -> Long.parseLong(e.dataAsString()))
                .withTimestamps((e, v) -> v).withMaxOutOfOrderness(Duration.ofSeconds(3)));
        KGroupedStream<String, Long> byUser = clicks.groupByKey(Grouped.with(Serdes.string(), Serdes.longs()));
        byUser.count(Materialized.<String, Long>as("total").withSerdes(Serdes.string(), Serdes.longs()))
                .toStream().to(Produced.with((k, n) -> out + "-total", "Total", (k, n) -> utf8(k + "=" + n)));
        byUser.windowedBy(Windows.tumbling(Duration.ofSeconds(10)).withGrace(Duration.ofSeconds(1)))
                .emit(Emit.ON_WINDOW_CLOSE).count(Materialized.as("perTen"))
                .toStream().to(Produced.with((w, n) -> out + "-tumbling", "Count", (w, n) -> utf8(w + "=" + n)));
        byUser.windowedBy(Windows.session(Duration.ofSeconds(2)))
                .sum(v -> 1, Materialized.as("sessions"))
                .toStream().to(Produced.with((w, n) -> out + "-session", "Session", (w, n) -> utf8(w + "=" + n)));
        List<KStream<String, Long>> parity = clicks.branch(List.of((k, v) -> v % 2 == 0, (k, v) -> true));
        parity.get(0).outerJoin(parity.get(1), (e, o) -> e.map(String::valueOf).orElse("-") + "+" + o.map(String::valueOf).orElse("-"),
                        JoinWindows.of(Duration.ofSeconds(2)).withGrace(Duration.ofMillis(500)),
                        StreamJoined.with(Serdes.string(), Serdes.longs(), Serdes.longs()))
                .to(Produced.with((k, v) -> out + "-join", "Joined", (k, v) -> utf8(k + "=" + v)));
        clicks.detect(Pattern.<Long>begin(v -> v % 3 == 0).then(v -> v % 3 == 1).then(v -> v % 3 == 2).within(Duration.ofSeconds(5)),
                        Materialized.with(Serdes.string(), Serdes.longs()))
                .to(Produced.with((k, v) -> out + "-pattern", "Matched", (k, v) -> utf8(k + "=" + v)));
        return b.build();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Appends {@code n} clicks of 50 users with event times moving forward, up to 3 s out of order. */
    static void appendClicks(EventStore store, long seed, int n) {
        Random r = new Random(seed);
        long base = 1_000_000;
        List<CompletableFuture<?>> pending = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long ts = base + i * 37L - r.nextInt(3_000);
            pending.add(store.append(StreamName.of("click", "u" + r.nextInt(50)), ExpectedVersion.any(),
                    EventData.of("Clicked", utf8(Long.toString(Math.max(base, ts))))));
            if (pending.size() >= 1_000) {
                pending.forEach(CompletableFuture::join);
                pending.clear();
            }
        }
        pending.forEach(CompletableFuture::join);
    }
}
