package io.tributary.streams;

import io.tributary.core.Direction;
import io.tributary.core.EventData;
import io.tributary.core.EventStore;
import io.tributary.core.ExpectedVersion;
import io.tributary.core.ReadFilter;
import io.tributary.core.ReadSlice;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StreamName;
import io.tributary.store.EmbeddedEventStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A topology whose state reads re-keyed streams, for the repartitioning tests: clicks
 * {@code eventTimeMs} of users {@code u0..u49} (category {@code click}) re-keyed to 7 groups
 * ({@code selectKey}) and counted in tumbling 10-second windows (final results), summed per
 * event-time second modulo 5 ({@code groupBy → aggregate}), joined with a table of group names
 * (category {@code groupname}, a stream–table join after a re-key), and a re-keyed stateless sink.
 * Category {@code tick} only moves the watermark. Every output's data starts with its key and
 * {@code |}, so per-key order can be compared.
 */
final class RekeyedTopology {
    static final Set<String> INPUTS = Set.of("click", "groupname", "tick");

    private RekeyedTopology() {
    }

    static String group(String user) {
        return "g" + Integer.parseInt(user.substring(1)) % 7;
    }

    static Topology build(String out) {
        StreamsBuilder b = new StreamsBuilder();
        KStream<String, Long> clicks = b.stream(Consumed.category("click", e -> Long.parseLong(e.dataAsString()))
                .withTimestamps((e, v) -> v).withMaxOutOfOrderness(Duration.ofSeconds(3)));
        b.stream(Consumed.category("tick", e -> Long.parseLong(e.dataAsString())).withTimestamps((e, v) -> v));
        KTable<String, String> names = b.table(Consumed.category("groupname", RecordedEvent::dataAsString),
                Materialized.<String, String>as("names").withSerdes(Serdes.string(), Serdes.string()));
        KStream<String, Long> byGroup = clicks.selectKey((user, ts) -> group(user));
        byGroup.groupByKey(Grouped.with(Serdes.string(), Serdes.longs()))
                .windowedBy(Windows.tumbling(Duration.ofSeconds(10)).withGrace(Duration.ofSeconds(1)))
                .emit(Emit.ON_WINDOW_CLOSE).count(Materialized.as("groupPerTen"))
                .toStream().to(Produced.with((w, n) -> out + "-window", "Count", (w, n) -> utf8(w.key() + "|" + w.window() + "=" + n)));
        clicks.groupBy((user, ts) -> "s" + (ts / 1000 % 5), Grouped.with(Serdes.string(), Serdes.longs()))
                .aggregate(() -> 0L, (k, ts, sum) -> sum + ts % 100,
                        Materialized.<String, Long>as("bySecond").withSerdes(Serdes.string(), Serdes.longs()))
                .toStream().to(Produced.with((k, sum) -> out + "-sum", "Sum", (k, sum) -> utf8(k + "|" + sum)));
        byGroup.join(names, (ts, name) -> name + "@" + ts)
                .to(Produced.with((k, v) -> out + "-joined", "Joined", (k, v) -> utf8(k + "|" + v)));
        clicks.map((user, ts) -> KeyValue.pair(ts % 2 == 0 ? "even" : "odd", user)).filter((k, user) -> user.endsWith("7"))
                .to(Produced.with((k, user) -> out + "-raw", "Raw", (k, user) -> utf8(k + "|" + user)));
        return b.build();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The names of groups g0..g6, then {@code n} clicks with event times moving forward (up to 3 s out of order). */
    static void appendInput(EventStore store, long seed, int n) {
        appendInput(store, seed, n, 0);
    }

    /** As {@link #appendInput(EventStore, long, int)}, every {@code lateEvery}-th click 20 s behind (late); 0: none. */
    static void appendInput(EventStore store, long seed, int n, int lateEvery) {
        Random r = new Random(seed);
        List<CompletableFuture<?>> pending = new ArrayList<>();
        for (int g = 0; g < 7; g++) {
            pending.add(store.append(StreamName.of("groupname", "g" + g), ExpectedVersion.any(), EventData.of("Named", utf8("group " + g))));
        }
        long base = 1_000_000;
        for (int i = 0; i < n; i++) {
            long ts = Math.max(base, base + i * 37L - r.nextInt(3_000) - (lateEvery > 0 && i % lateEvery == lateEvery - 1 ? 20_000 : 0));
            pending.add(store.append(StreamName.of("click", "u" + r.nextInt(50)), ExpectedVersion.any(),
                    EventData.of("Clicked", utf8(Long.toString(ts)))));
            if (pending.size() >= 1_000) {
                pending.forEach(CompletableFuture::join);
                pending.clear();
            }
        }
        pending.forEach(CompletableFuture::join);
    }

    /**
     * Ticks far ahead in event time, more than a partition's watermark lag (256 positions), so every
     * window closes in every partition as in one task.
     */
    static void appendTicks(EventStore store) {
        List<CompletableFuture<?>> pending = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            pending.add(store.append(StreamName.of("tick", "t"), ExpectedVersion.any(), EventData.of("Tick", utf8("9000000000"))));
        }
        pending.forEach(CompletableFuture::join);
    }

    /** Every event of the categories of {@code out}'s outputs, as {@code stream type data}, sorted stably by stream and key. */
    static List<String> outputsByKey(EmbeddedEventStore store, String out) {
        List<String> all = new ArrayList<>();
        long from = 0;
        while (true) {
            ReadSlice s = store.readAll(from, 1000, Direction.FORWARD, ReadFilter.categories(out));
            for (RecordedEvent e : s.events()) {
                all.add(e.stream() + " " + e.type() + " " + e.dataAsString());
            }
            if (s.isEnd() || s.next().isEmpty()) {
                break;
            }
            from = s.next().getAsLong();
        }
        return byKey(all);
    }

    /** The input events in the log, in order. */
    static List<RecordedEvent> inputs(EmbeddedEventStore store) {
        List<RecordedEvent> all = new ArrayList<>();
        long from = 0;
        while (true) {
            ReadSlice s = store.readAll(from, 1000, Direction.FORWARD, ReadFilter.categories(INPUTS.toArray(String[]::new)));
            all.addAll(s.events());
            if (s.isEnd() || s.next().isEmpty()) {
                return all;
            }
            from = s.next().getAsLong();
        }
    }

    /** What the test driver outputs over the inputs in the log, as {@link #outputsByKey}. */
    static List<String> driverByKey(EmbeddedEventStore store, String out) {
        List<String> all = new ArrayList<>();
        try (TopologyTestDriver d = new TopologyTestDriver(build(out), "driver")) {
            inputs(store).forEach(d::pipe);
            for (OutputEvent o : d.outputs()) {
                all.add(o.stream() + " " + o.event().type() + " " + o.dataAsString());
            }
        }
        return byKey(all);
    }

    /** Stable sort by stream and key: each key's outputs keep their order, keys and streams are compared as sets. */
    static List<String> byKey(List<String> outputs) {
        return outputs.stream().sorted(Comparator.comparing((String o) -> o.substring(0, o.indexOf('|')))).toList();
    }
}
