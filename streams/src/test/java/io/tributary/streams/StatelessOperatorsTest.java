package io.tributary.streams;

import static io.tributary.streams.Fixtures.T0;
import static io.tributary.streams.Fixtures.sink;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class StatelessOperatorsTest {
    private static List<String> data(TopologyTestDriver driver, String stream) {
        return driver.outputs(stream).stream().map(OutputEvent::dataAsString).toList();
    }

    @Nested
    class Sources {
        @Test
        void readsOnlyTheCategoryAndEventTypesAndKeysByStreamId() {
            StreamsBuilder b = new StreamsBuilder();
            b.stream(Consumed.category("click", e -> e.dataAsString()).withEventTypes("Clicked")).to(sink("out", "Out"));
            try (TopologyTestDriver d = new TopologyTestDriver(b.build())) {
                d.pipe("click-alice", "Clicked", "home", T0);
                d.pipe("click-bob", "Ignored", "x", T0);
                d.pipe("view-alice", "Clicked", "y", T0);
                assertThat(d.outputs()).extracting(o -> o.stream().value() + ":" + o.dataAsString())
                        .containsExactly("out-alice:alice=home");
                assertThat(d.outputs().get(0).event().type()).isEqualTo("Out");
            }
        }

        @Test
        void appliesTheWherePredicateAndACustomKey() {
            StreamsBuilder b = new StreamsBuilder();
            b.stream(Consumed.category("click", e -> e.dataAsString()).where(e -> e.dataAsString().startsWith("a"))
                    .withKey(e -> e.type())).to(sink("out", "Out"));
            try (TopologyTestDriver d = new TopologyTestDriver(b.build())) {
                d.pipe("click-1", "Clicked", "apple", T0);
                d.pipe("click-2", "Clicked", "banana", T0);
                assertThat(data(d, "out-Clicked")).containsExactly("Clicked=apple");
            }
        }
    }

    @Nested
    class Transformations {
        @Test
        void filterMapMapValuesSelectKeyAndFlatMapTransformInOrder() {
            StreamsBuilder b = new StreamsBuilder();
            KStream<String, String> in = b.stream(Consumed.category("w", e -> e.dataAsString()));
            in.filter((k, v) -> !v.isEmpty()).mapValues(String::toUpperCase).to(sink("upper", "U"));
            in.filterNot((k, v) -> v.isEmpty()).map((k, v) -> KeyValue.pair(v, k)).to(sink("swapped", "S"));
            in.flatMap((k, v) -> List.of(KeyValue.pair(k, v + "1"), KeyValue.pair(k, v + "2"))).to(sink("twice", "T"));
            in.flatMapValues(v -> List.of(v.split(" "))).selectKey((k, v) -> v.length()).to(sink("words", "W"));
            try (TopologyTestDriver d = new TopologyTestDriver(b.build())) {
                d.pipe("w-a", "E", "hi there", T0);
                d.pipe("w-b", "E", "", T0);
                assertThat(data(d, "upper-a")).containsExactly("a=HI THERE");
                assertThat(data(d, "swapped-hi there")).containsExactly("hi there=a");
                assertThat(data(d, "twice-a")).containsExactly("a=hi there1", "a=hi there2");
                assertThat(data(d, "twice-b")).containsExactly("b=1", "b=2");
                assertThat(data(d, "words-2")).containsExactly("2=hi");
                assertThat(data(d, "words-5")).containsExactly("5=there");
            }
        }

        @Test
        void peekSeesEveryRecordAndPassesItOn() {
            List<String> seen = new ArrayList<>();
            StreamsBuilder b = new StreamsBuilder();
            b.stream(Consumed.category("w", e -> e.dataAsString())).peek((k, v) -> seen.add(k + v)).to(sink("out", "O"));
            try (TopologyTestDriver d = new TopologyTestDriver(b.build())) {
                d.pipe("w-a", "E", "1", T0);
                d.pipe("w-b", "E", "2", T0);
                assertThat(seen).containsExactly("a1", "b2");
                assertThat(d.outputs()).hasSize(2);
            }
        }

        @Test
        void branchSendsEachRecordToTheFirstMatchingBranchOnly() {
            StreamsBuilder b = new StreamsBuilder();
            List<KStream<String, Integer>> branches = b.stream(Consumed.category("n", e -> Integer.parseInt(e.dataAsString())))
                    .branch(List.of((k, v) -> v < 0, (k, v) -> v < 10));
            branches.get(0).to(sink("neg", "N"));
            branches.get(1).to(sink("small", "S"));
            try (TopologyTestDriver d = new TopologyTestDriver(b.build())) {
                d.pipe("n-x", "E", "-1", T0);
                d.pipe("n-x", "E", "5", T0);
                d.pipe("n-x", "E", "50", T0);
                assertThat(data(d, "neg-x")).containsExactly("x=-1");
                assertThat(data(d, "small-x")).containsExactly("x=5");
                assertThat(d.outputs()).hasSize(2);
            }
        }

        @Test
        void mergeInterleavesTwoStreamsInLogOrderIntoOneOperator() {
            StreamsBuilder b = new StreamsBuilder();
            KStream<String, String> clicks = b.stream(Consumed.category("click", e -> "c"));
            KStream<String, String> views = b.stream(Consumed.category("view", e -> "v"));
            clicks.merge(views).groupByKey().count(Materialized.as("counts")).toStream().to(sink("total", "T"));
            try (TopologyTestDriver d = new TopologyTestDriver(b.build())) {
                d.pipe("click-a", "E", "", T0);
                d.pipe("view-a", "E", "", T0);
                d.pipe("click-a", "E", "", T0);
                assertThat(data(d, "total-a")).containsExactly("a=1", "a=2", "a=3");
                assertThat(d.query("counts", "a")).contains(3L);
            }
        }
    }

    @Nested
    class Sinks {
        @Test
        void outputIdsDependOnlyOnProcessorNamePositionAndIndex() {
            StreamsBuilder b = new StreamsBuilder();
            b.stream(Consumed.category("w", e -> e.dataAsString()))
                    .flatMapValues(v -> List.of(v, v)).to(Produced.with((k, v) -> "out", "O", (k, v) -> Fixtures.utf8(v)));
            Topology t = b.build();
            List<OutputEvent> first;
            try (TopologyTestDriver d = new TopologyTestDriver(t, "p1")) {
                d.pipe("w-a", "E", "x", T0);
                first = d.outputs();
            }
            try (TopologyTestDriver d = new TopologyTestDriver(t, "p1")) {
                d.pipe("w-a", "E", "x", T0);
                assertThat(d.outputs()).isEqualTo(first);
            }
            try (TopologyTestDriver d = new TopologyTestDriver(t, "p2")) {
                d.pipe("w-a", "E", "x", T0);
                assertThat(d.outputs().get(0).event().eventId()).isNotEqualTo(first.get(0).event().eventId());
            }
            assertThat(first.get(0).event().eventId()).isNotEqualTo(first.get(1).event().eventId());
        }
    }
}
