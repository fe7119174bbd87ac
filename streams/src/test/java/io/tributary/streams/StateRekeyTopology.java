package io.tributary.streams;

import io.tributary.core.RecordedEvent;
import io.tributary.store.EmbeddedEventStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A topology whose state reads streams re-keyed <em>after</em> other state, so a partitioned run must
 * repartition records through the log: over the clicks of {@link RekeyedTopology} (users
 * {@code u0..u49}, their event times), a count per user re-keyed by its value modulo 4 and counted
 * again ({@code count → toStream → selectKey → groupByKey → count}); the per-user counts regrouped by
 * the user's group and counted in tumbling 10-second windows, final results
 * ({@code count → toStream → groupBy → windowedBy → count}: the watermark must reach the second stage);
 * the highest per-user count per group ({@code count → toStream → groupBy → reduce}); and a chain of
 * two repartitions (the count of counts re-keyed by its value's parity and counted); and the per-user
 * count table regrouped ({@code KTable.groupBy}): users by count modulo 3, and clicks per group. Every output's
 * data starts with its key and {@code |}.
 */
final class StateRekeyTopology {
    private StateRekeyTopology() {
    }

    static Topology build(String out) {
        StreamsBuilder b = new StreamsBuilder();
        KStream<String, Long> clicks = b.stream(Consumed.category("click", e -> Long.parseLong(e.dataAsString()))
                .withTimestamps((e, v) -> v).withMaxOutOfOrderness(Duration.ofSeconds(3)));
        b.stream(Consumed.category("tick", e -> Long.parseLong(e.dataAsString())).withTimestamps((e, v) -> v));
        KTable<String, Long> perUserTable = clicks.groupByKey(Grouped.with(Serdes.string(), Serdes.longs()))
                .count(Materialized.as("perUser"));
        KStream<String, Long> perUser = perUserTable.toStream();
        // a table from state regrouped: rows move between groups with every click
        perUserTable.groupBy((user, n) -> KeyValue.pair("m" + n % 3, user), Grouped.with(Serdes.string(), Serdes.string()))
                .count(Materialized.as("usersByCountMod3"));
        perUserTable.groupBy((user, n) -> KeyValue.pair(RekeyedTopology.group(user), n), Grouped.with(Serdes.string(), Serdes.longs()))
                .reduce(Long::sum, (a, x) -> a - x, Materialized.as("clicksPerGroup"));
        KTable<String, Long> countOfCounts = perUser.selectKey((user, n) -> "c" + n % 4)
                .groupByKey(Grouped.with(Serdes.string(), Serdes.longs())).count(Materialized.as("countOfCounts"));
        countOfCounts.toStream().to(Produced.with((k, n) -> out + "-cc", "Count", (k, n) -> RekeyedTopology.utf8(k + "|" + n)));
        perUser.groupBy((user, n) -> RekeyedTopology.group(user), Grouped.with(Serdes.string(), Serdes.longs()))
                .windowedBy(Windows.tumbling(Duration.ofSeconds(10)).withGrace(Duration.ofSeconds(1)))
                .emit(Emit.ON_WINDOW_CLOSE).count(Materialized.as("updatesPerTen"))
                .toStream().to(Produced.with((w, n) -> out + "-window", "Count",
                        (w, n) -> RekeyedTopology.utf8(w.key() + "|" + w.window() + "=" + n)));
        perUser.groupBy((user, n) -> RekeyedTopology.group(user), Grouped.with(Serdes.string(), Serdes.longs()))
                .reduce(Math::max, Materialized.<String, Long>as("maxPerGroup").withSerdes(Serdes.string(), Serdes.longs()));
        countOfCounts.toStream().groupBy((k, n) -> n % 2 == 0 ? "even" : "odd", Grouped.with(Serdes.string(), Serdes.longs()))
                .count(Materialized.as("parity"))
                .toStream().to(Produced.with((k, n) -> out + "-parity", "Count", (k, n) -> RekeyedTopology.utf8(k + "|" + n)));
        return b.build();
    }

    /** The outputs of {@code out} in the log, as {@link RekeyedTopology#outputsByKey}. */
    static List<String> outputsByKey(EmbeddedEventStore store, String out) {
        return RekeyedTopology.outputsByKey(store, out);
    }

    /** What the test driver outputs over the inputs in the log (named {@code out}), as {@link #outputsByKey}. */
    static List<String> driverByKey(EmbeddedEventStore store, String out) {
        List<String> all = new ArrayList<>();
        try (TopologyTestDriver d = new TopologyTestDriver(build(out), "driver")) {
            for (RecordedEvent e : RekeyedTopology.inputs(store)) {
                d.pipe(e);
            }
            for (OutputEvent o : d.outputs()) {
                all.add(o.stream() + " " + o.event().type() + " " + o.dataAsString());
            }
        }
        return RekeyedTopology.byKey(all);
    }
}
