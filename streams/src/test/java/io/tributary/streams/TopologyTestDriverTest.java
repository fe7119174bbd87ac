package io.tributary.streams;

import static io.tributary.streams.Fixtures.T0;
import static io.tributary.streams.Fixtures.sink;
import static io.tributary.streams.Fixtures.utf8;
import static io.tributary.streams.Fixtures.windowSink;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.core.ReadFilter;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StreamName;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The driver's batch input ({@link TopologyTestDriver#pipe(List)}) and the source path it runs through. */
class TopologyTestDriverTest {
    /** Clicks per user in 10 s tumbling windows (final results), plus every click upper-cased, and a table of the latest click. */
    private static Topology topology() {
        StreamsBuilder b = new StreamsBuilder();
        KStream<String, String> clicks = b.stream(Consumed.category("click", RecordedEvent::dataAsString)
                .withEventTypes("Clicked")
                .withTimestamps((e, v) -> T0.toEpochMilli() + Long.parseLong(v.split("@")[1]))
                .withMaxOutOfOrderness(Duration.ofSeconds(2)));
        clicks.groupByKey().windowedBy(Windows.tumbling(Duration.ofSeconds(10)).withGrace(Duration.ofSeconds(1)))
                .emit(Emit.ON_WINDOW_CLOSE).count(Materialized.as("perTen")).toStream().to(windowSink("counts", "Count"));
        clicks.mapValues(String::toUpperCase).to(sink("upper", "Upper"));
        clicks.groupByKey().reduce((a, c) -> c, Materialized.as("latest"));
        return b.build();
    }

    /** 60 events: clicks of three users, some out of order and some late, with other types and categories in between. */
    private static List<RecordedEvent> events() {
        List<RecordedEvent> events = new ArrayList<>();
        String[] users = {"alice", "bob", "carol"};
        long position = 10;
        for (int i = 0; i < 60; i++) {
            long offsetMs = i * 700L - (i % 7 == 3 ? 15_000 : 0); // every 7th event is 15 s behind: late once windows close
            String stream = (i % 11 == 5 ? "view-" : "click-") + users[i % 3];
            String type = i % 13 == 6 ? "Ignored" : "Clicked";
            events.add(new RecordedEvent(StreamName.of(stream), i, position, new UUID(0, position), type,
                    utf8("c" + i + "@" + Math.max(0, offsetMs)), new byte[0], T0));
            position += 1 + i % 3; // positions increase with gaps, as a filtered read delivers them
        }
        return events;
    }

    @Test
    void aBatchGivesTheOutputsIdsStateAndWatermarkOfTheSameEventsPipedOneByOne() {
        List<RecordedEvent> events = events();
        try (TopologyTestDriver one = new TopologyTestDriver(topology(), "p");
             TopologyTestDriver batched = new TopologyTestDriver(topology(), "p")) {
            for (RecordedEvent e : events) {
                one.pipe(e);
            }
            for (int from = 0; from < events.size(); from += 7) { // batches of 7, the last one shorter
                batched.pipe(events.subList(from, Math.min(events.size(), from + 7)));
            }
            batched.pipe(List.of()); // an empty batch changes nothing

            assertThat(one.outputs()).isNotEmpty();
            assertThat(one.outputs("counts")).isNotEmpty(); // windows closed while the events went in
            assertThat(one.lateEvents()).isPositive();
            assertThat(batched.outputs()).isEqualTo(one.outputs()); // same streams, types, data and ids, in order
            assertThat(batched.watermark()).isEqualTo(one.watermark());
            assertThat(batched.lateEvents()).isEqualTo(one.lateEvents());
            for (String user : List.of("alice", "bob", "carol")) {
                assertThat(batched.query("latest", user)).isEqualTo(one.query("latest", user)).isPresent();
            }

            one.advanceWatermark(T0.plusSeconds(3600));
            batched.advanceWatermark(T0.plusSeconds(3600));
            assertThat(batched.outputs()).isEqualTo(one.outputs());
        }
    }

    @Test
    void aBatchWhosePositionsDoNotIncreaseIsRefusedWholeAndProcessesNothing() {
        List<RecordedEvent> events = events();
        try (TopologyTestDriver d = new TopologyTestDriver(topology(), "p")) {
            List<RecordedEvent> backwards = List.of(events.get(0), events.get(2), events.get(1));
            assertThatThrownBy(() -> d.pipe(backwards))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("positions must increase")
                    .hasMessageContaining("event 2 of the batch");
            List<RecordedEvent> repeated = List.of(events.get(0), events.get(0));
            assertThatThrownBy(() -> d.pipe(repeated)).hasMessageContaining("event 1 of the batch");
            assertThat(d.outputs()).isEmpty();
            assertThat(d.watermark()).isEmpty();
            assertThat(d.query("latest", "alice")).isEmpty();

            d.pipe(events.subList(0, 5));
            List<OutputEvent> after = d.outputs();
            assertThat(after).isNotEmpty();
            // a batch starting at or before the last position piped is refused too, and changes nothing
            assertThatThrownBy(() -> d.pipe(events.subList(4, 6))).hasMessageContaining("event 0 of the batch");
            assertThat(d.outputs()).isEqualTo(after);
            d.pipe(events.subList(5, 8)); // a view, an ignored type, then a click
            assertThat(d.outputs()).hasSize(after.size() + 1);
        }
    }

    @Test
    void aSourceThatReadsEverythingStillAppliesItsWherePredicateAndKey() {
        StreamsBuilder b = new StreamsBuilder();
        b.stream(Consumed.with(ReadFilter.all(), RecordedEvent::dataAsString)
                        .where(e -> !e.type().equals("Skip"))
                        .withKey(RecordedEvent::type))
                .to(sink("out", "Out"));
        try (TopologyTestDriver d = new TopologyTestDriver(b.build())) {
            d.pipe("a-1", "Keep", "x", T0);
            d.pipe("b-2", "Skip", "y", T0);
            d.pipe("c-3", "Other", "z", T0);
            assertThat(d.outputs()).extracting(o -> o.stream().value() + ":" + o.dataAsString())
                    .containsExactly("out-Keep:Keep=x", "out-Other:Other=z");
        }
    }

    @Test
    void aSourceThatDoesNotDriveTheWatermarkLeavesItWhereTheOtherSourcesPutIt() {
        StreamsBuilder b = new StreamsBuilder();
        b.stream(Consumed.category("ref", RecordedEvent::dataAsString).withoutWatermark()).to(sink("refs", "R"));
        b.stream(Consumed.category("click", RecordedEvent::dataAsString).withMaxOutOfOrderness(Duration.ofSeconds(1)))
                .to(sink("clicks", "C"));
        try (TopologyTestDriver d = new TopologyTestDriver(b.build())) {
            d.pipe("ref-1", "R", "r", T0.plusSeconds(100));
            assertThat(d.watermark()).isEmpty();
            d.pipe("click-1", "C", "c", T0.plusSeconds(10));
            assertThat(d.watermark()).isEqualTo(Optional.of(T0.plusSeconds(9)));
            d.pipe("ref-2", "R", "r", T0.plusSeconds(200));
            assertThat(d.watermark()).isEqualTo(Optional.of(T0.plusSeconds(9)));
            assertThat(d.outputs()).hasSize(3);
        }
    }

    @Test
    void outputIdsAreTheNameBasedUuidsOfNamePositionAndIndexAndStreamsFollowTheKeys() {
        List<RecordedEvent> events = events();
        try (TopologyTestDriver d = new TopologyTestDriver(topology(), "ids-test")) {
            d.pipe(events);
            d.advanceWatermark(T0.plusSeconds(3600));
            List<OutputEvent> outputs = d.outputs();
            assertThat(outputs).hasSizeGreaterThan(40);
            long position = Long.MIN_VALUE;
            int index = 0;
            for (OutputEvent o : outputs) {
                index = o.inputPosition() == position ? index + 1 : 0;
                position = o.inputPosition();
                String name = "ids-test\u0000" + position + "\u0000" + index;
                assertThat(o.event().eventId()).isEqualTo(UUID.nameUUIDFromBytes(name.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
                String text = o.dataAsString();
                // the sink's stream is computed per record: upper-cased clicks go to upper-<user>, counts to "counts"
                assertThat(o.stream().value()).isEqualTo(o.event().type().equals("Upper")
                        ? "upper-" + text.substring(0, text.indexOf('=')) : "counts");
            }
        }
    }

    @Test
    void aSourceOfOneEventTypeTakesExactlyTheEventsTheFilterMatches() {
        // One type and nothing else is checked with one string comparison; its answers must be the filter's.
        ReadFilter oneType = ReadFilter.eventTypes("Clicked");
        ReadFilter typeAndCategory = ReadFilter.categories("click").withEventTypes("Clicked");
        for (ReadFilter filter : List.of(oneType, typeAndCategory, ReadFilter.eventTypes("Ignored", "Unknown"), ReadFilter.eventTypes("Ignored"))) {
            StreamsBuilder b = new StreamsBuilder();
            List<String> seen = new ArrayList<>();
            b.stream(Consumed.with(filter, RecordedEvent::dataAsString)).peek((k, v) -> seen.add(v));
            List<RecordedEvent> events = events();
            try (TopologyTestDriver d = new TopologyTestDriver(b.build())) {
                d.pipe(events);
            }
            List<String> expected = events.stream().filter(filter::matches).map(RecordedEvent::dataAsString).toList();
            assertThat(seen).as("filter %s", filter).isEqualTo(expected);
            assertThat(expected).as("the events hold matching and non-matching ones").isNotEmpty().hasSizeLessThan(events.size());
        }
    }
}
