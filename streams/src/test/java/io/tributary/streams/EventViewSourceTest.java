package io.tributary.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.core.Direction;
import io.tributary.core.EventView;
import io.tributary.core.ReadFilter;
import io.tributary.core.ReadSlice;
import io.tributary.core.RecordedEvent;
import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.Tributary;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@link StreamProcessor} on a real store reads the log as views over the store's read buffer
 * (no {@link RecordedEvent} per event) and computes what the test driver computes from records;
 * a source function that keeps the view gets a clear error when it uses it later, one that asks
 * for records gets stable ones, built once per event whichever of its functions asks.
 */
class EventViewSourceTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int CLICKS = 3_000;

    @TempDir
    Path dir;

    /** Clicks counted per user, decoded from the view in place; what the decoder saw is noted. */
    private static Topology counts(List<String> kinds, List<EventView> kept) {
        StreamsBuilder b = new StreamsBuilder();
        b.stream(Consumed.ofViews(ReadFilter.categories("click"), v -> {
                    kinds.add(v instanceof RecordedEvent ? "record" : "view");
                    if (kept.size() < 3) {
                        kept.add(v);
                    }
                    return Long.parseLong(v.dataString(0, v.dataLength(), StandardCharsets.US_ASCII));
                }).withTimestamps((e, ms) -> ms))
                .groupByKey().count(Materialized.as("clicks")).toStream()
                .to(Produced.toCategory("out", "Count", (k, n) -> (k + "=" + n).getBytes(StandardCharsets.UTF_8)));
        return b.build();
    }

    private static List<RecordedEvent> clicks(EmbeddedEventStore store) {
        List<RecordedEvent> out = new ArrayList<>();
        long from = 0;
        while (true) {
            ReadSlice s = store.readAll(from, 1000, Direction.FORWARD, ReadFilter.categories("click"));
            out.addAll(s.events());
            if (s.isEnd() || s.next().isEmpty()) {
                return out;
            }
            from = s.next().getAsLong();
        }
    }

    private void appendClicksAndClose() {
        try (EmbeddedEventStore store = Tributary.open(dir.resolve("log"))) {
            CrashTopology.appendClicks(store, 5, CLICKS);
        }
    }

    @Test
    void aProcessorOnTheStoreDecodesTheLogFromViewsAndMatchesTheDriver() throws Exception {
        appendClicksAndClose();
        List<String> kinds = Collections.synchronizedList(new ArrayList<>());
        List<EventView> kept = Collections.synchronizedList(new ArrayList<>());
        // Reopened: the events are read from the segments, not from the store's memory of recent appends.
        try (EmbeddedEventStore store = Tributary.open(dir.resolve("log"))) {
            long lastInput = store.headPosition();
            try (StreamProcessor p = StreamProcessor.start(store, counts(kinds, kept), ProcessorConfig.of("view-counts"))) {
                assertThat(p.awaitPosition(lastInput, WAIT)).as("caught up: %s", p.status()).isTrue();
            }
            assertThat(kinds).hasSize(CLICKS).containsOnly("view");
            for (EventView v : kept) {
                assertThatThrownBy(v::type).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("valid only during the callback").hasMessageContaining("toRecordedEvent()");
            }

            List<String> driverKinds = new ArrayList<>();
            List<String> expected = new ArrayList<>();
            try (TopologyTestDriver d = new TopologyTestDriver(counts(driverKinds, new ArrayList<>()), "view-counts")) {
                d.pipe(clicks(store));
                for (OutputEvent o : d.outputs()) {
                    expected.add(o.stream() + " " + o.event().eventId() + " " + o.event().type() + " " + o.dataAsString());
                }
            }
            assertThat(driverKinds).containsOnly("record");
            assertThat(StreamProcessorTest.outputs(store, "out")).hasSize(CLICKS).isEqualTo(expected);
        }
    }

    @Test
    void functionsOfRecordsGetOneStableRecordPerEvent() throws Exception {
        appendClicksAndClose();
        List<RecordedEvent> decoded = Collections.synchronizedList(new ArrayList<>());
        List<RecordedEvent> tested = Collections.synchronizedList(new ArrayList<>());
        List<RecordedEvent> keyed = Collections.synchronizedList(new ArrayList<>());
        StreamsBuilder b = new StreamsBuilder();
        b.stream(Consumed.category("click", e -> {
                    decoded.add(e);
                    return e.dataAsString();
                }).where(e -> tested.add(e)).withKey(e -> {
                    keyed.add(e);
                    return e.stream().id();
                }))
                .peek((k, v) -> { });
        try (EmbeddedEventStore store = Tributary.open(dir.resolve("log"))) {
            long lastInput = store.headPosition();
            try (StreamProcessor p = StreamProcessor.start(store, b.build(), ProcessorConfig.of("records"))) {
                assertThat(p.awaitPosition(lastInput, WAIT)).as("caught up: %s", p.status()).isTrue();
            }
            List<RecordedEvent> log = clicks(store);
            assertThat(decoded).isEqualTo(log); // kept past their callbacks: still the events of the log
            assertThat(tested).isEqualTo(log);
            for (int i = 0; i < log.size(); i++) {
                assertThat(tested.get(i)).isSameAs(decoded.get(i)).isSameAs(keyed.get(i));
            }
        }
    }
}
