package io.tributary.streams;

import static io.tributary.streams.Fixtures.at;
import static io.tributary.streams.Fixtures.windowSink;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.SortedMap;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class WindowsTest {
    /** Clicks: category {@code click}, key = user (stream id), event time from the data (ms after T0). */
    private static KStream<String, String> clicks(StreamsBuilder b, Duration outOfOrder) {
        return b.stream(Consumed.category("click", e -> e.dataAsString())
                .withTimestamps((e, v) -> Fixtures.ms(Long.parseLong(v)))
                .withMaxOutOfOrderness(outOfOrder));
    }

    private static void click(TopologyTestDriver d, String user, long ms) {
        d.pipe("click-" + user, "Clicked", String.valueOf(ms), at(ms));
    }

    private static List<String> out(TopologyTestDriver d) {
        return d.readOutputs().stream().map(OutputEvent::dataAsString).toList();
    }

    @Nested
    class Tumbling {
        @Test
        void windowsAreStartInclusiveEndExclusiveAndEmitFinalResultsWhenTheWatermarkPassesTheEnd() {
            StreamsBuilder b = new StreamsBuilder();
            clicks(b, Duration.ZERO).groupByKey().windowedBy(Windows.tumbling(Duration.ofSeconds(10)))
                    .emit(Emit.ON_WINDOW_CLOSE).count(Materialized.as("perTen")).toStream().to(windowSink("out", "Count"));
            try (TopologyTestDriver d = new TopologyTestDriver(b.build())) {
                click(d, "a", 0);
                click(d, "a", 9_999);
                assertThat(out(d)).isEmpty();
                assertThat(d.query("perTen", "a")).hasValueSatisfying(m ->
                        assertThat(List.<Object>copyOf(((SortedMap<?, ?>) m).values())).containsExactly(2L));
                click(d, "a", 10_000); // watermark 10000 = end of [0,10000): it closes
                assertThat(out(d)).containsExactly("a@0-10000=2");
                click(d, "b", 25_000);
                assertThat(out(d)).containsExactly("a@10000-20000=1");
                d.advanceWatermark(at(30_000));
                assertThat(out(d)).containsExactly("b@20000-30000=1");
                assertThat(d.query("perTen", "a")).isEmpty();
            }
        }

        @Test
        void emitsEveryUpdateByDefault() {
            StreamsBuilder b = new StreamsBuilder();
            clicks(b, Duration.ZERO).groupByKey().windowedBy(Windows.tumbling(Duration.ofSeconds(10)))
                    .count().toStream().to(windowSink("out", "Count"));
            try (TopologyTestDriver d = new TopologyTestDriver(b.build())) {
                click(d, "a", 1);
                click(d, "a", 2);
                click(d, "a", 12_000);
                assertThat(out(d)).containsExactly("a@0-10000=1", "a@0-10000=2", "a@10000-20000=1");
            }
        }

        @Test
        void eventsWithinTheOutOfOrdernessBoundAreOnTime() {
            StreamsBuilder b = new StreamsBuilder();
            clicks(b, Duration.ofSeconds(5)).groupByKey().windowedBy(Windows.tumbling(Duration.ofSeconds(10)))
                    .emit(Emit.ON_WINDOW_CLOSE).count().toStream().to(windowSink("out", "Count"));
            try (TopologyTestDriver d = new TopologyTestDriver(b.build())) {
                click(d, "a", 12_000); // watermark 7000
                click(d, "a", 8_000);  // behind the newest but within 5 s: on time
                assertThat(out(d)).isEmpty();
                click(d, "a", 15_000); // watermark 10000: [0,10000) closes
                assertThat(out(d)).containsExactly("a@0-10000=1");
                assertThat(d.lateEvents()).isZero();
            }
        }

        @Test
        void graceKeepsAWindowOpenAndLaterEventsAreCountedAndRoutedToTheLateStream() {
            StreamsBuilder b = new StreamsBuilder();
            WindowedKStream<String, String> windowed = clicks(b, Duration.ZERO).groupByKey()
                    .windowedBy(Windows.tumbling(Duration.ofSeconds(10)).withGrace(Duration.ofSeconds(2)))
                    .emit(Emit.ON_WINDOW_CLOSE);
            windowed.count().toStream().to(windowSink("out", "Count"));
            windowed.lateEvents().to(Produced.with((k, v) -> "late", "Late", (k, v) -> Fixtures.utf8(k + ":" + v)));
            try (TopologyTestDriver d = new TopologyTestDriver(b.build())) {
                click(d, "a", 5_000);
                click(d, "a", 11_000); // watermark 11000 < 10000 + 2000: [0,10000) still open
                click(d, "a", 9_000);  // late but within grace: counted in its window
                assertThat(out(d)).isEmpty();
                click(d, "a", 12_000); // closes [0,10000)
                assertThat(out(d)).containsExactly("a@0-10000=2");
                click(d, "a", 3_000);  // too late
                assertThat(d.lateEvents()).isEqualTo(1);
                assertThat(d.outputs("late")).extracting(OutputEvent::dataAsString).containsExactly("a:3000");
            }
        }
    }

    @Nested
    class Hopping {
        @Test
        void anEventFallsIntoSizeOverAdvanceWindows() {
            StreamsBuilder b = new StreamsBuilder();
            clicks(b, Duration.ZERO).groupByKey().windowedBy(Windows.hopping(Duration.ofSeconds(10), Duration.ofSeconds(5)))
                    .count().toStream().to(windowSink("out", "Count"));
            try (TopologyTestDriver d = new TopologyTestDriver(b.build())) {
                click(d, "a", 7_000);
                assertThat(out(d)).containsExactly("a@0-10000=1", "a@5000-15000=1");
                click(d, "a", 10_000);
                assertThat(out(d)).containsExactly("a@5000-15000=2", "a@10000-20000=1");
            }
        }
    }

    @Nested
    class Session {
        @Test
        void eventsWithinTheGapFormOneSessionAndABridgingEventMergesTwo() {
            StreamsBuilder b = new StreamsBuilder();
            clicks(b, Duration.ofSeconds(60)).groupByKey().windowedBy(Windows.session(Duration.ofSeconds(10)))
                    .count(Materialized.as("sessions")).toStream().to(windowSink("out", "Session"));
            try (TopologyTestDriver d = new TopologyTestDriver(b.build())) {
                click(d, "a", 0);
                click(d, "a", 30_000);
                assertThat(out(d)).containsExactly("a@0-1=1", "a@30000-30001=1");
                click(d, "a", 15_000); // 15 s from both: neither
                click(d, "a", 22_000); // within 10 s of 15000 and of 30000: merges them
                assertThat(out(d)).containsExactly("a@15000-15001=1", "a@15000-30001=3");
                assertThat(d.query("sessions", "a")).hasValueSatisfying(m -> assertThat(((SortedMap<?, ?>) m)).hasSize(2));
            }
        }

        @Test
        void aSessionClosesAfterGapPlusGraceAndEmitsOnce() {
            StreamsBuilder b = new StreamsBuilder();
            clicks(b, Duration.ZERO).groupByKey().windowedBy(Windows.session(Duration.ofSeconds(10)))
                    .emit(Emit.ON_WINDOW_CLOSE).count().toStream().to(windowSink("out", "Session"));
            try (TopologyTestDriver d = new TopologyTestDriver(b.build())) {
                click(d, "a", 0);
                click(d, "a", 5_000);
                click(d, "b", 15_000); // session a ends at 5001; closes at 15001
                assertThat(out(d)).isEmpty();
                click(d, "b", 15_001);
                assertThat(out(d)).containsExactly("a@0-5001=2");
                click(d, "a", 2_000); // would only form a closed session: late
                assertThat(d.lateEvents()).isEqualTo(1);
            }
        }
    }

    @Nested
    class Sliding {
        @Test
        void eachEventDefinesTheWindowEndingWithItAndUpdatesLaterWindowsThatContainIt() {
            StreamsBuilder b = new StreamsBuilder();
            clicks(b, Duration.ofSeconds(60)).groupByKey().windowedBy(Windows.sliding(Duration.ofSeconds(10)))
                    .count().toStream().to(windowSink("out", "Sliding"));
            try (TopologyTestDriver d = new TopologyTestDriver(b.build())) {
                click(d, "a", 10_000);
                assertThat(out(d)).containsExactly("a@1-10001=1");
                click(d, "a", 15_000);
                assertThat(out(d)).containsExactly("a@5001-15001=2");
                click(d, "a", 12_000); // out of order: in both windows above, and its own [2001, 12001) holds 10000 and 12000
                assertThat(out(d)).containsExactly("a@5001-15001=3", "a@2001-12001=2");
            }
        }
    }
}
