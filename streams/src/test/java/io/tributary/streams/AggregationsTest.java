package io.tributary.streams;

import static io.tributary.streams.Fixtures.T0;
import static io.tributary.streams.Fixtures.sink;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

class AggregationsTest {
    /** Events of category {@code sale}, data {@code item|amount}, keyed by stream id (the shop). */
    private static KStream<String, String[]> sales(StreamsBuilder b) {
        return b.stream(Consumed.category("sale", e -> e.dataAsString().split("\\|")));
    }

    private static TopologyTestDriver run(StreamsBuilder b, String... events) {
        TopologyTestDriver d = new TopologyTestDriver(b.build());
        for (String e : events) {
            String[] f = e.split(" ");
            d.pipe("sale-" + f[0], "Sold", f[1], T0);
        }
        return d;
    }

    @Test
    void countReduceAndAggregateKeepARunningResultPerKeyAndEmitEveryUpdate() {
        StreamsBuilder b = new StreamsBuilder();
        KGroupedStream<String, String[]> byShop = sales(b).groupByKey();
        byShop.count(Materialized.as("count")).toStream().to(sink("count", "C"));
        byShop.reduce((x, y) -> new String[] {x[0] + "+" + y[0], y[1]}, Materialized.as("items"));
        byShop.aggregate(() -> "", (k, v, a) -> a + v[0].charAt(0), Materialized.as("initials"));
        try (TopologyTestDriver d = run(b, "s1 apple|3", "s2 pear|1", "s1 fig|2")) {
            assertThat(d.outputs("count-s1")).extracting(OutputEvent::dataAsString).containsExactly("s1=1", "s1=2");
            assertThat(d.query("count", "s1")).contains(2L);
            assertThat(d.query("count", "nobody")).isEmpty();
            assertThat(((String[]) d.query("items", "s1").orElseThrow())[0]).isEqualTo("apple+fig");
            assertThat(d.query("initials", "s1")).contains("af");
            assertThat(d.query("initials", "s2")).contains("p");
        }
    }

    @Test
    void sumMinMaxAndAverageHelpers() {
        StreamsBuilder b = new StreamsBuilder();
        KGroupedStream<String, Long> amounts = sales(b).mapValues(v -> Long.parseLong(v[1])).groupByKey();
        amounts.sum(v -> v, Materialized.as("sum"));
        amounts.min(Comparator.naturalOrder(), Materialized.as("min"));
        amounts.max(Comparator.naturalOrder(), Materialized.as("max"));
        amounts.average(v -> v, Materialized.as("avg"));
        try (TopologyTestDriver d = run(b, "s1 a|3", "s1 b|10", "s1 c|2")) {
            assertThat(d.query("sum", "s1")).contains(15L);
            assertThat(d.query("min", "s1")).contains(2L);
            assertThat(d.query("max", "s1")).contains(10L);
            assertThat(d.query("avg", "s1")).contains(5.0);
        }
    }

    @Test
    void groupByRekeysBeforeAggregating() {
        StreamsBuilder b = new StreamsBuilder();
        sales(b).groupBy((shop, v) -> v[0]).count(Materialized.as("perItem"));
        try (TopologyTestDriver d = run(b, "s1 apple|1", "s2 apple|1", "s3 pear|1")) {
            assertThat(d.query("perItem", "apple")).contains(2L);
            assertThat(d.query("perItem", "pear")).contains(1L);
        }
    }

    @Test
    void topNKeepsTheLargestValuesPerKeyLargestFirst() {
        StreamsBuilder b = new StreamsBuilder();
        sales(b).mapValues(v -> Long.parseLong(v[1])).groupByKey().topN(2, Comparator.naturalOrder(), Materialized.as("top"));
        try (TopologyTestDriver d = run(b, "s1 a|3", "s1 b|10", "s1 c|2", "s1 d|7")) {
            assertThat(d.query("top", "s1")).contains(List.of(10L, 7L));
        }
    }

    @Test
    void distinctCountCountsEachAttributeOnce() {
        StreamsBuilder b = new StreamsBuilder();
        sales(b).groupByKey().distinctCount(v -> v[0], Materialized.as("distinct"));
        try (TopologyTestDriver d = run(b, "s1 apple|1", "s1 apple|2", "s1 pear|1", "s2 fig|1")) {
            assertThat(d.query("distinct", "s1")).contains(2L);
            assertThat(d.query("distinct", "s2")).contains(1L);
        }
    }

    @Test
    void tablesKeepTheLatestValuePerKeyAndMapValuesIsAQueryableView() {
        StreamsBuilder b = new StreamsBuilder();
        KTable<String, String> latest = b.table(Consumed.category("profile", e -> e.dataAsString()), Materialized.as("profiles"));
        KTable<String, Integer> lengths = latest.mapValues(String::length);
        lengths.toStream().to(sink("len", "L"));
        try (TopologyTestDriver d = new TopologyTestDriver(b.build())) {
            d.pipe("profile-ann", "Set", "Paris", T0);
            d.pipe("profile-ann", "Set", "Rome", T0);
            assertThat(d.query("profiles", "ann")).contains("Rome");
            assertThat(d.query(lengths.storeName(), "ann")).contains(4);
            assertThat(d.outputs("len-ann")).extracting(OutputEvent::dataAsString).containsExactly("ann=5", "ann=4");
        }
    }

    @Test
    void storeNamesMustBeUnique() {
        StreamsBuilder b = new StreamsBuilder();
        sales(b).groupByKey().count(Materialized.as("x"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> sales(b).groupByKey().count(Materialized.as("x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'x'");
    }
}
