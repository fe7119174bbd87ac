package io.tributary.streams;

import static io.tributary.streams.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * For any sequence of upserts and deletes on two tables, folding each derived table's changelog
 * gives exactly what a brute-force computation over the two final tables gives — filter, inner,
 * left and outer joins, and a regrouped count and sum — and every delete in a changelog removes a
 * key that was there (no spurious deletes). On heap and RocksDB state.
 */
class TablePropertiesTest {
    private static final String[] VALUES = {"A", "B", "C", "D"};

    @Property(tries = 60)
    void changelogsFoldToTheBruteForceResult(@ForAll @LongRange(min = 0, max = 1_000_000) long seed,
                                             @ForAll @IntRange(min = 1, max = 300) int n,
                                             @ForAll boolean rocksDb) throws IOException {
        StreamsBuilder b = new StreamsBuilder();
        KTable<String, String> left = TablesTest.countries(b, "left", "L");
        KTable<String, String> right = TablesTest.countries(b, "right", "R");
        left.filter((k, v) -> !v.equals("A")).toChangelog().to(TablesTest.changelog("filter"));
        left.join(right, (l, r) -> l + r).toChangelog().to(TablesTest.changelog("inner"));
        left.leftJoin(right, (l, r) -> l + r.orElse("?")).toChangelog().to(TablesTest.changelog("left"));
        left.outerJoin(right, (Optional<String> l, Optional<String> r) -> l.orElse("?") + r.orElse("?"))
                .toChangelog().to(TablesTest.changelog("outer"));
        KGroupedTable<String, Long> byValue = left.groupBy((k, v) -> KeyValue.pair(v, Long.parseLong(k.substring(1))),
                Grouped.with(Serdes.string(), Serdes.longs()));
        byValue.count(Materialized.as("count")).toChangelog().to(TablesTest.changelog("count"));
        byValue.reduce(Long::sum, (a, v) -> a - v, Materialized.as("sum")).toChangelog().to(TablesTest.changelog("sum"));

        Map<String, String> l = new TreeMap<>();
        Map<String, String> r = new TreeMap<>();
        Random random = new Random(seed);
        Path dir = rocksDb ? Files.createTempDirectory("table-props") : null;
        try (TopologyTestDriver d = rocksDb
                ? new TopologyTestDriver(b.build(), "p", StateBackend.rocksDb(dir), 1 + random.nextInt(5))
                : new TopologyTestDriver(b.build())) {
            for (int i = 0; i < n; i++) {
                boolean onLeft = random.nextBoolean();
                String key = "k" + random.nextInt(8);
                Map<String, String> side = onLeft ? l : r;
                String category = onLeft ? "left" : "right";
                if (random.nextInt(3) == 0) {
                    side.remove(key);
                    d.pipe(category + "-" + key, "Deleted", "", T0);
                } else {
                    String v = VALUES[random.nextInt(VALUES.length)];
                    side.put(key, v);
                    d.pipe(category + "-" + key, "Saved", v, T0);
                }
            }
            Map<String, String> filter = new TreeMap<>();
            Map<String, String> inner = new TreeMap<>();
            Map<String, String> leftJoin = new TreeMap<>();
            Map<String, String> outer = new TreeMap<>();
            Map<String, String> count = new TreeMap<>();
            Map<String, String> sum = new TreeMap<>();
            l.forEach((k, v) -> {
                if (!v.equals("A")) {
                    filter.put(k, v);
                }
                leftJoin.put(k, v + r.getOrDefault(k, "?"));
                if (r.containsKey(k)) {
                    inner.put(k, v + r.get(k));
                }
                count.merge(v, "1", (a, x) -> String.valueOf(Long.parseLong(a) + 1));
                sum.merge(v, k.substring(1), (a, x) -> String.valueOf(Long.parseLong(a) + Long.parseLong(x)));
            });
            Stream.concat(l.keySet().stream(), r.keySet().stream()).distinct()
                    .forEach(k -> outer.put(k, l.getOrDefault(k, "?") + r.getOrDefault(k, "?")));
            String why = "seed " + seed + ", n " + n + ", rocksDb " + rocksDb;
            assertThat(fold(d, "filter")).as(why).isEqualTo(filter);
            assertThat(fold(d, "inner")).as(why).isEqualTo(inner);
            assertThat(fold(d, "left")).as(why).isEqualTo(leftJoin);
            assertThat(fold(d, "outer")).as(why).isEqualTo(outer);
            assertThat(fold(d, "count")).as(why).isEqualTo(count);
            assertThat(fold(d, "sum")).as(why).isEqualTo(sum);
            for (String v : VALUES) {
                assertThat(d.query("count", v).map(String::valueOf)).as(why).isEqualTo(Optional.ofNullable(count.get(v)));
            }
        } finally {
            if (dir != null) {
                try (Stream<Path> files = Files.walk(dir)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> {
                        try {
                            Files.delete(p);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
                }
            }
        }
    }

    /** The table a changelog of {@code key=value} / {@code key=-} events describes; a delete must remove a present key. */
    private static Map<String, String> fold(TopologyTestDriver d, String stream) {
        Map<String, String> table = new TreeMap<>();
        List<String> changes = d.outputs(stream).stream().map(OutputEvent::dataAsString).toList();
        for (String c : changes) {
            int eq = c.indexOf('=');
            String k = c.substring(0, eq);
            String v = c.substring(eq + 1);
            if (v.equals("-")) {
                assertThat(table.remove(k)).as("%s: delete of absent key %s in %s", stream, k, changes).isNotNull();
            } else {
                table.put(k, v);
            }
        }
        return table;
    }
}
