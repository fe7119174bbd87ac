package io.tributary.streams;

import static io.tributary.streams.Fixtures.at;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JoinsTest {
    private static KStream<String, String> timed(StreamsBuilder b, String category) {
        return b.stream(Consumed.category(category, e -> e.dataAsString())
                .withTimestamps((e, v) -> Fixtures.ms(Long.parseLong(v.split(":")[0])))
                .withMaxOutOfOrderness(Duration.ofSeconds(100)));
    }

    private static void send(TopologyTestDriver d, String stream, long ms, String payload) {
        d.pipe(stream, "E", ms + ":" + payload, at(ms));
    }

    private static Produced<String, String> out() {
        return Produced.with((k, v) -> "out", "Joined", (k, v) -> Fixtures.utf8(k + "=" + v));
    }

    private static List<String> data(TopologyTestDriver d) {
        return d.readOutputs().stream().map(OutputEvent::dataAsString).toList();
    }

    private static String payload(String v) {
        return v.split(":")[1];
    }

    @Nested
    class StreamStream {
        @Test
        void innerJoinPairsRecordsOfTheSameKeyWithinTheWindowBothWays() {
            StreamsBuilder b = new StreamsBuilder();
            KStream<String, String> views = timed(b, "view");
            KStream<String, String> clicks = timed(b, "click");
            views.join(clicks, (v, c) -> payload(v) + "+" + payload(c), JoinWindows.of(Duration.ofSeconds(10))).to(out());
            try (TopologyTestDriver d = new TopologyTestDriver(b.build())) {
                send(d, "view-a", 1_000, "v1");
                send(d, "click-a", 5_000, "c1");   // 4 s after v1: joins
                send(d, "click-b", 5_000, "cb");   // other key
                send(d, "click-a", 12_000, "c2");  // 11 s after v1: no
                send(d, "view-a", 14_000, "v2");   // joins c1 (9 s) and c2 (2 s)
                assertThat(data(d)).containsExactly("a=v1+c1", "a=v2+c1", "a=v2+c2");
            }
        }

        @Test
        void leftAndOuterJoinsEmitUnmatchedRecordsWhenTheirWindowCloses() {
            StreamsBuilder b = new StreamsBuilder();
            KStream<String, String> views = timed(b, "view");
            KStream<String, String> clicks = timed(b, "click");
            views.leftJoin(clicks, (v, c) -> payload(v) + "+" + c.map(JoinsTest::payload).orElse("-"),
                    JoinWindows.of(Duration.ofSeconds(10))).to(Produced.with((k, v) -> "left", "L", (k, v) -> Fixtures.utf8(v)));
            views.outerJoin(clicks, (v, c) -> v.map(JoinsTest::payload).orElse("-") + "+" + c.map(JoinsTest::payload).orElse("-"),
                    JoinWindows.of(Duration.ofSeconds(10))).to(Produced.with((k, v) -> "outer", "O", (k, v) -> Fixtures.utf8(v)));
            try (TopologyTestDriver d = new TopologyTestDriver(b.build())) {
                send(d, "view-a", 1_000, "v1");
                send(d, "click-a", 50_000, "c1");
                assertThat(d.outputs("left")).isEmpty();
                d.advanceWatermark(at(11_000)); // a click at 11 s could still join v1
                assertThat(d.outputs("left")).isEmpty();
                d.advanceWatermark(at(11_001)); // v1's window [-9 s, 11 s] is over
                assertThat(d.outputs("left")).extracting(OutputEvent::dataAsString).containsExactly("v1+-");
                d.advanceWatermark(at(60_001)); // c1's range ends at 60 s
                assertThat(d.outputs("outer")).extracting(OutputEvent::dataAsString).containsExactly("v1+-", "-+c1");
            }
        }
    }

    @Nested
    class AtTheWatermark {
        @Test
        void recordsInTheSameMillisecondAsTheWatermarkStillJoinWithNoOutOfOrderness() {
            StreamsBuilder b = new StreamsBuilder();
            KStream<String, String> auctions = b.stream(Consumed.category("auction", e -> e.dataAsString())
                    .withTimestamps((e, v) -> Fixtures.ms(Long.parseLong(v.split(":")[0]))).withMaxOutOfOrderness(Duration.ZERO));
            KStream<String, String> bids = b.stream(Consumed.category("bid", e -> e.dataAsString())
                    .withTimestamps((e, v) -> Fixtures.ms(Long.parseLong(v.split(":")[0]))).withMaxOutOfOrderness(Duration.ZERO));
            auctions.join(bids, (a, x) -> payload(a) + "+" + payload(x), JoinWindows.of(Duration.ofMillis(10))).to(out());
            try (TopologyTestDriver d = new TopologyTestDriver(b.build())) {
                send(d, "auction-1", 1_000, "a");
                send(d, "bid-1", 1_000, "b1");  // the same millisecond as the watermark: on time
                send(d, "bid-1", 1_005, "b2");
                send(d, "bid-1", 1_005, "b3");
                assertThat(data(d)).containsExactly("1=a+b1", "1=a+b2", "1=a+b3");
                assertThat(d.lateEvents()).isZero();
            }
        }
    }

    @Nested
    class OnRocksDbState {
        @TempDir
        Path dir;

        private Topology topology() {
            StreamsBuilder b = new StreamsBuilder();
            KStream<String, String> views = timed(b, "view");
            KStream<String, String> clicks = timed(b, "click");
            StreamJoined<String, String, String> serdes = StreamJoined.with(Serdes.string(), Serdes.string(), Serdes.string());
            JoinWindows window = new JoinWindows(3_000, 1_000, 0).withGrace(Duration.ofSeconds(1));
            views.join(clicks, (v, c) -> payload(v) + "+" + payload(c), window, serdes.withName("inner"))
                    .to(Produced.with((k, v) -> "inner", "I", (k, v) -> Fixtures.utf8(k + "=" + v)));
            views.leftJoin(clicks, (v, c) -> payload(v) + "+" + c.map(JoinsTest::payload).orElse("-"), window, serdes.withName("left"))
                    .to(Produced.with((k, v) -> "left", "L", (k, v) -> Fixtures.utf8(k + "=" + v)));
            views.outerJoin(clicks, (v, c) -> v.map(JoinsTest::payload).orElse("-") + "+" + c.map(JoinsTest::payload).orElse("-"),
                    window, serdes).to(Produced.with((k, v) -> "outer", "O", (k, v) -> Fixtures.utf8(k + "=" + v)));
            return b.build();
        }

        @Test
        void innerLeftAndOuterJoinsGiveTheHeapResultsAcrossRestarts() {
            StateEquivalence.Log log = new StateEquivalence.Log();
            SplittableRandom random = new SplittableRandom(11);
            long t = 0;
            for (int i = 0; i < 4_000; i++) {
                t += random.nextInt(40);
                // out of order within the 100 s bound; one in 100 far behind (late once the watermark passed it)
                long ts = Math.max(0, t - (random.nextInt(100) == 0 ? 200_000 : random.nextInt(5_000)));
                String category = random.nextBoolean() ? "view" : "click";
                log.add(category + "-k" + random.nextInt(30), "E", ts + ":" + category.charAt(0) + i, at(ts));
            }
            List<String> heap = StateEquivalence.onHeap(this::topology, log.events(), at(t + 1_000_000));
            List<String> rocks = StateEquivalence.onRocksDb(this::topology, log.events(), at(t + 1_000_000), dir, 37,
                    List.of(500, 1_333, 2_900));
            assertThat(heap).hasSizeGreaterThan(3_000).isEqualTo(rocks);
            assertThat(heap).anyMatch(o -> o.startsWith("left ") && o.endsWith("+-"))
                    .anyMatch(o -> o.startsWith("outer ") && o.contains("=-+"))
                    .anyMatch(o -> o.startsWith("inner "));
        }

        @Test
        void aJoinWithoutSerdesIsRefusedNamingItsStore() {
            StreamsBuilder b = new StreamsBuilder();
            timed(b, "view").join(timed(b, "click"), (v, c) -> v + c, JoinWindows.of(Duration.ofSeconds(1)),
                    StreamJoined.<String, String, String>defaults().withName("viewsAndClicks")).to(out());
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new TopologyTestDriver(b.build(), "p", StateBackend.rocksDb(dir), 1))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("'viewsAndClicks'")
                    .hasMessageContaining("StreamJoined.with");
        }
    }

    @Nested
    class WithTables {
        @Test
        void streamTableJoinUsesTheTablesValueAtTheTimeOfTheRecord() {
            StreamsBuilder b = new StreamsBuilder();
            KTable<String, String> profiles = b.table(Consumed.category("profile", e -> e.dataAsString()), Materialized.as("profiles"));
            KStream<String, String> clicks = b.stream(Consumed.category("click", e -> e.dataAsString()));
            clicks.join(profiles, (c, p) -> c + "@" + p).to(Produced.with((k, v) -> "inner", "I", (k, v) -> Fixtures.utf8(v)));
            clicks.leftJoin(profiles, (c, p) -> c + "@" + p.orElse("?")).to(Produced.with((k, v) -> "left", "L", (k, v) -> Fixtures.utf8(v)));
            try (TopologyTestDriver d = new TopologyTestDriver(b.build())) {
                d.pipe("click-ann", "E", "home", at(0));
                d.pipe("profile-ann", "E", "Paris", at(0));
                d.pipe("click-ann", "E", "cart", at(0));
                d.pipe("profile-ann", "E", "Rome", at(0));
                d.pipe("click-ann", "E", "pay", at(0));
                assertThat(d.outputs("inner")).extracting(OutputEvent::dataAsString).containsExactly("cart@Paris", "pay@Rome");
                assertThat(d.outputs("left")).extracting(OutputEvent::dataAsString).containsExactly("home@?", "cart@Paris", "pay@Rome");
            }
        }

        @Test
        void tableTableJoinsUpdateWhenEitherSideChanges() {
            StreamsBuilder b = new StreamsBuilder();
            KTable<String, String> names = b.table(Consumed.category("name", e -> e.dataAsString()), Materialized.as("names"));
            KTable<String, String> cities = b.table(Consumed.category("city", e -> e.dataAsString()), Materialized.as("cities"));
            KTable<String, String> inner = names.join(cities, (n, c) -> n + "/" + c);
            KTable<String, String> left = names.leftJoin(cities, (n, c) -> n + "/" + c.orElse("?"));
            KTable<String, String> outer = names.outerJoin(cities, (Optional<String> n, Optional<String> c) -> n.orElse("?") + "/" + c.orElse("?"));
            try (TopologyTestDriver d = new TopologyTestDriver(b.build())) {
                d.pipe("city-1", "E", "Oslo", at(0));
                assertThat(d.query(inner.storeName(), "1")).isEmpty();
                assertThat(d.query(outer.storeName(), "1")).contains("?/Oslo");
                d.pipe("name-1", "E", "Ann", at(0));
                d.pipe("name-2", "E", "Bob", at(0));
                d.pipe("city-1", "E", "Bergen", at(0));
                assertThat(d.query(inner.storeName(), "1")).contains("Ann/Bergen");
                assertThat(d.query(inner.storeName(), "2")).isEmpty();
                assertThat(d.query(left.storeName(), "2")).contains("Bob/?");
                assertThat(d.query(outer.storeName(), "2")).contains("Bob/?");
            }
        }
    }
}
