package io.tributary.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.core.Direction;
import io.tributary.core.EventData;
import io.tributary.core.ExpectedVersion;
import io.tributary.core.ReadFilter;
import io.tributary.core.ReadSlice;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StreamName;
import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.Tributary;
import io.tributary.streams.internal.Ticks;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The idle timeout: a quiet source's last window closes by the wall clock, through ticks in the log that replays see too. */
class IdleTimeoutTest {
    /** A multiple of 10 s plus 5 s: the events below fall in the window [T - 5 s, T + 5 s). */
    static final long T = 1_767_225_605_000L;

    @TempDir
    Path dir;

    static Topology topology() {
        return topology(Duration.ofSeconds(10));
    }

    /** Counts per user in tumbling windows of {@code size}, final results, into {@code counted-<user>}; event time from the data. */
    static Topology topology(Duration size) {
        StreamsBuilder b = new StreamsBuilder();
        b.stream(Consumed.category("click", e -> Long.parseLong(e.dataAsString())).withTimestamps((e, v) -> v)
                        .withMaxOutOfOrderness(Duration.ZERO))
                .groupByKey(Grouped.with(Serdes.string(), Serdes.longs()))
                .windowedBy(Windows.tumbling(size))
                .emit(Emit.ON_WINDOW_CLOSE)
                .count(Materialized.with(Serdes.string(), Serdes.longs()))
                .toStream()
                .to(Produced.with((w, n) -> "counted-" + w.key(), "Count", (w, n) -> Fixtures.utf8(w.window().startMs() + "=" + n)));
        return b.build();
    }

    private static void click(EmbeddedEventStore store, String user, long eventTimeMs) {
        store.append(StreamName.of("click", user), ExpectedVersion.any(), EventData.of("Clicked", Fixtures.utf8(eventTimeMs))).join();
    }

    static List<RecordedEvent> read(EmbeddedEventStore store, ReadFilter filter) {
        List<RecordedEvent> out = new ArrayList<>();
        long from = 0;
        while (true) {
            ReadSlice s = store.readAll(from, 1000, Direction.FORWARD, filter);
            out.addAll(s.events());
            if (s.isEnd() || s.next().isEmpty()) {
                return out;
            }
            from = s.next().getAsLong();
        }
    }

    private static void waitUntil(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for %s", what).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    @Nested
    class OnAQuietSource {
        @Test
        void theLastWindowClosesOnceTheInputHasBeenIdleForTheTimeoutAndAReplayClosesItAtTheSamePlace() throws Exception {
            MutableClock clock = new MutableClock(Instant.ofEpochMilli(T));
            ProcessorConfig config = ProcessorConfig.of("quiet").withPollTimeout(Duration.ofMillis(10)).withClock(clock)
                    .withIdleTimeout(Duration.ofSeconds(30));
            try (EmbeddedEventStore store = Tributary.open(dir.resolve("log"))) {
                click(store, "ann", T - 3_000);
                click(store, "ann", T - 2_000);
                click(store, "bob", T - 1_000);
                try (StreamProcessor p = StreamProcessor.start(store, topology(), config)) {
                    assertThat(p.awaitPosition(store.headPosition(), Duration.ofSeconds(30))).isTrue();
                    clock.advance(Duration.ofSeconds(29));
                    Thread.sleep(300); // many polls: idle, but not for the timeout yet
                    assertThat(read(store, ReadFilter.categories("tributary.ticks"))).isEmpty();
                    assertThat(read(store, ReadFilter.categories("counted"))).isEmpty();

                    clock.advance(Duration.ofSeconds(7)); // idle for 36 s: the watermark follows the clock 30 s behind
                    waitUntil(() -> read(store, ReadFilter.categories("counted")).size() == 2, "the closed window's counts");
                    List<RecordedEvent> ticks = read(store, ReadFilter.categories("tributary.ticks"));
                    assertThat(ticks).singleElement().satisfies(t -> {
                        assertThat(t.stream().value()).isEqualTo("tributary.ticks-quiet");
                        assertThat(t.dataAsString()).isEqualTo("{\"watermarkMs\":" + (T + 6_000) + "}");
                    });
                    List<RecordedEvent> counts = read(store, ReadFilter.categories("counted"));
                    assertThat(counts).extracting(RecordedEvent::dataAsString).containsExactly((T - 5_000) + "=2", (T - 5_000) + "=1");
                    assertThat(counts.get(0).position()).as("emitted after the tick was read back").isGreaterThan(ticks.get(0).position());
                    assertThat(p.status().watermark()).contains(Instant.ofEpochMilli(T + 6_000));

                    clock.advance(Duration.ofSeconds(10)); // still quiet: one tick per timeout, no more
                    Thread.sleep(300);
                    assertThat(read(store, ReadFilter.categories("tributary.ticks"))).hasSize(1);
                    clock.advance(Duration.ofSeconds(25));
                    waitUntil(() -> read(store, ReadFilter.categories("tributary.ticks")).size() == 2, "a second tick");
                }
                List<String> first = StateEquivalence.format(outputsAsEvents(store));
                // Heap state: a restart replays the whole log, ticks included, and writes nothing new.
                try (StreamProcessor p = StreamProcessor.start(store, topology(), config.withIdleTimeout(Duration.ZERO))) {
                    assertThat(p.awaitPosition(store.headPosition(), Duration.ofSeconds(30))).isTrue();
                    assertThat(p.status().watermark()).contains(Instant.ofEpochMilli(T + 41_000));
                }
                assertThat(StateEquivalence.format(outputsAsEvents(store))).isEqualTo(first);
                // The test driver given the same log (ticks included) gives the same outputs with the same ids.
                try (TopologyTestDriver d = new TopologyTestDriver(topology(), "quiet")) {
                    read(store, ReadFilter.categories("click", "tributary.ticks")).forEach(d::pipe);
                    assertThat(StateEquivalence.format(d.outputs())).isEqualTo(first);
                    assertThat(d.watermark()).contains(Instant.ofEpochMilli(T + 41_000));
                }
            }
        }

        @Test
        void aBusySourceWritesNoTicks() throws Exception {
            MutableClock clock = new MutableClock(Instant.ofEpochMilli(T));
            try (EmbeddedEventStore store = Tributary.open(dir.resolve("log"));
                 StreamProcessor p = StreamProcessor.start(store, topology(), ProcessorConfig.of("busy").withPollTimeout(Duration.ofMillis(10))
                         .withClock(clock).withIdleTimeout(Duration.ofSeconds(30)))) {
                for (int i = 0; i < 20; i++) {
                    click(store, "ann", T + i * 1_000L);
                    assertThat(p.awaitPosition(store.headPosition(), Duration.ofSeconds(30))).isTrue();
                    clock.advance(Duration.ofSeconds(20)); // less than the timeout between two events
                    Thread.sleep(20);
                }
                assertThat(read(store, ReadFilter.categories("tributary.ticks"))).isEmpty();
            }
        }
    }

    private static List<OutputEvent> outputsAsEvents(EmbeddedEventStore store) {
        List<OutputEvent> out = new ArrayList<>();
        for (RecordedEvent e : read(store, ReadFilter.categories("counted"))) {
            out.add(new OutputEvent(e.stream(), new EventData(e.eventId(), e.type(), e.data(), e.metadata()), e.position()));
        }
        return out;
    }

    @Test
    void theSubscriptionFilterIsWidenedToTheTicksAndStaysOnTheSameIndexes() {
        ReadFilter byType = Ticks.withTicks(ReadFilter.eventTypes("Clicked"));
        assertThat(byType.categories()).isEmpty();
        assertThat(byType.eventTypes()).containsExactlyInAnyOrder("Clicked", "WatermarkTick");
        ReadFilter both = Ticks.withTicks(ReadFilter.categories("click").withEventTypes("Clicked"));
        assertThat(both.matches("tributary.ticks-p", "WatermarkTick")).isTrue();
        assertThat(both.matches("click-1", "Clicked")).isTrue();
        assertThat(both.matches("click-1", "Other")).isFalse();
        assertThat(both.matches("other-1", "Clicked")).isFalse();
        ReadFilter prefix = Ticks.withTicks(ReadFilter.streamPrefixes("click-a"));
        assertThat(prefix.matches("tributary.ticks-p", "WatermarkTick")).isTrue();
        assertThat(prefix.matches("click-b", "Clicked")).isFalse();
        assertThat(Ticks.withTicks(ReadFilter.all())).isEqualTo(ReadFilter.all());
    }

    @Test
    void aPartitionedRunReadsTheTicksOfAnEarlierRunAndClosesTheWindowsTheyClosed() throws Exception {
        try (EmbeddedEventStore store = Tributary.open(dir.resolve("log"))) {
            click(store, "ann", T - 3_000);
            click(store, "bob", T - 2_000);
            click(store, "cid", T - 1_000);
            // As an earlier one-partition run with an idle timeout left it: a tick past the window's end.
            store.append(Ticks.streamName("parted"), ExpectedVersion.any(), List.of(Ticks.tick("parted", T + 6_000))).join();
            try (StreamProcessor p = StreamProcessor.start(store, topology(),
                    ProcessorConfig.of("parted").withPollTimeout(Duration.ofMillis(10)).withPartitions(2))) {
                waitUntil(() -> read(store, ReadFilter.categories("counted")).size() == 3, "the counts the tick closed");
                assertThat(p.status().watermark()).contains(Instant.ofEpochMilli(T + 6_000));
            }
            assertThat(read(store, ReadFilter.categories("counted"))).extracting(RecordedEvent::dataAsString)
                    .containsOnly((T - 5_000) + "=1");
        }
    }

    @Test
    void withPartitionsTheDispatcherWritesTheTickAndEveryPartitionClosesItsWindowsAsOneTaskDoes() throws Exception {
        MutableClock clock = new MutableClock(Instant.ofEpochMilli(T));
        ProcessorConfig config = ProcessorConfig.of("quietparts").withPollTimeout(Duration.ofMillis(10)).withClock(clock)
                .withIdleTimeout(Duration.ofSeconds(30)).withPartitions(3);
        try (EmbeddedEventStore store = Tributary.open(dir.resolve("log"))) {
            for (String user : List.of("ann", "bob", "cid", "dan", "eve", "fay")) {
                click(store, user, T - 3_000);
            }
            click(store, "ann", T - 2_000);
            try (StreamProcessor p = StreamProcessor.start(store, topology(), config)) {
                assertThat(p.awaitPosition(store.headPosition(), Duration.ofSeconds(30))).isTrue();
                clock.advance(Duration.ofSeconds(29));
                Thread.sleep(300); // idle, not for the timeout yet
                assertThat(read(store, ReadFilter.categories("tributary.ticks"))).isEmpty();
                assertThat(read(store, ReadFilter.categories("counted"))).isEmpty();
                clock.advance(Duration.ofSeconds(7));
                waitUntil(() -> read(store, ReadFilter.categories("counted")).size() == 6, "every partition's closed windows");
                assertThat(read(store, ReadFilter.categories("tributary.ticks"))).singleElement()
                        .satisfies(t -> assertThat(t.dataAsString()).isEqualTo("{\"watermarkMs\":" + (T + 6_000) + "}"));
                assertThat(p.status().watermark()).contains(Instant.ofEpochMilli(T + 6_000));
            }
            // the test driver fed the same log, ticks included, gives the same counts per key
            try (TopologyTestDriver d = new TopologyTestDriver(topology(), "quietparts")) {
                read(store, ReadFilter.categories("click", "tributary.ticks")).forEach(d::pipe);
                assertThat(read(store, ReadFilter.categories("counted")))
                        .extracting(e -> e.stream().value() + " " + e.dataAsString())
                        .containsExactlyInAnyOrderElementsOf(d.outputs().stream().map(o -> o.stream().value() + " " + o.dataAsString()).toList());
            }
        }
    }

    @Test
    void aNegativeIdleTimeoutIsRefused() {
        assertThatThrownBy(() -> ProcessorConfig.of("p").withIdleTimeout(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("idleTimeout");
    }
}
