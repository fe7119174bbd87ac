package io.tributary.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.core.Direction;
import io.tributary.core.ReadFilter;
import io.tributary.core.ReadSlice;
import io.tributary.core.RecordedEvent;
import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.Tributary;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamProcessorTest {
    static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    /** Every output event (category {@code out}) in log order, as {@code stream id type data}. */
    static List<String> outputs(EmbeddedEventStore store, String category) {
        List<String> out = new ArrayList<>();
        long from = 0;
        while (true) {
            ReadSlice s = store.readAll(from, 1000, Direction.FORWARD, ReadFilter.categories(category));
            for (RecordedEvent e : s.events()) {
                out.add(e.stream() + " " + e.eventId() + " " + e.type() + " " + e.dataAsString());
            }
            if (s.isEnd() || s.next().isEmpty()) {
                return out;
            }
            from = s.next().getAsLong();
        }
    }

    /** The outputs of an uninterrupted run, from the test driver over the same input. */
    static List<String> expected(EmbeddedEventStore store, String name, String out) {
        List<String> result = new ArrayList<>();
        try (TopologyTestDriver d = new TopologyTestDriver(CrashTopology.build(out), name)) {
            long from = 0;
            while (true) {
                ReadSlice s = store.readAll(from, 1000, Direction.FORWARD, ReadFilter.categories("click"));
                s.events().forEach(d::pipe);
                if (s.isEnd() || s.next().isEmpty()) {
                    break;
                }
                from = s.next().getAsLong();
            }
            for (OutputEvent o : d.outputs()) {
                result.add(o.stream() + " " + o.event().eventId() + " " + o.event().type() + " " + o.dataAsString());
            }
        }
        return result;
    }

    @Test
    void appendsOutputsToTheLogAndAnswersQueriesWhileRunning() throws Exception {
        try (EmbeddedEventStore store = Tributary.open(dir.resolve("log"))) {
            CrashTopology.appendClicks(store, 1, 2_000);
            long lastInput = store.headPosition();
            try (StreamProcessor p = StreamProcessor.start(store, CrashTopology.build("out"), ProcessorConfig.of("clicks"))) {
                assertThat(p.awaitPosition(lastInput, WAIT)).as("caught up to %d: %s", lastInput, p.status()).isTrue();
                ProcessorStatus status = p.status();
                assertThat(status.state()).isEqualTo(ProcessorStatus.State.RUNNING);
                assertThat(status.inputPosition()).isGreaterThanOrEqualTo(lastInput);
                assertThat(status.watermark()).isPresent();
                assertThat(status.lateEvents()).isZero();
                assertThat(p.storeNames()).contains("total", "perTen", "sessions");
                long total = 0;
                for (int u = 0; u < 50; u++) {
                    total += (Long) p.query("total", "u" + u).orElse(0L);
                }
                assertThat(total).isEqualTo(2_000);
                assertThat(p.queryByText("perTen", "u1")).hasValueSatisfying(m -> assertThat(m).isInstanceOf(SortedMap.class));
            }
            assertThat(outputs(store, "out")).isEqualTo(expected(store, "clicks", "out"));
        }
    }

    @Test
    void rocksDbStateResumesAfterRestartWithoutDuplicatesOrLoss() throws Exception {
        ProcessorConfig config = ProcessorConfig.of("clicks").withState(StateBackend.rocksDb(dir.resolve("state"))).withMaxBatchEvents(50);
        try (EmbeddedEventStore store = Tributary.open(dir.resolve("log"))) {
            CrashTopology.appendClicks(store, 2, 1_000);
            long firstInputs = store.headPosition();
            try (StreamProcessor p = StreamProcessor.start(store, CrashTopology.build("out"), config)) {
                assertThat(p.awaitPosition(firstInputs, WAIT)).as("caught up to %d: %s", firstInputs, p.status()).isTrue();
            }
            CrashTopology.appendClicks(store, 3, 1_000);
            long lastInput = store.headPosition();
            try (StreamProcessor p = StreamProcessor.start(store, CrashTopology.build("out"), config)) {
                assertThat(p.status().inputPosition()).as("resumes from its checkpoint").isGreaterThanOrEqualTo(999);
                assertThat(p.awaitPosition(lastInput, WAIT)).as("caught up to %d: %s", lastInput, p.status()).isTrue();
            }
            // Outputs were appended after the inputs of the first run, so the log interleaves them:
            // compare with an uninterrupted run over the click events only.
            assertThat(outputs(store, "out")).isEqualTo(expected(store, "clicks", "out"));
        }
    }

    @Test
    void heapStateReplaysTheLogOnRestartAndTheRepeatedOutputsAreNotWrittenAgain() throws Exception {
        try (EmbeddedEventStore store = Tributary.open(dir.resolve("log"))) {
            CrashTopology.appendClicks(store, 4, 1_000);
            long lastInput = store.headPosition();
            for (int run = 0; run < 2; run++) {
                try (StreamProcessor p = StreamProcessor.start(store, CrashTopology.build("out"), ProcessorConfig.of("clicks"))) {
                    assertThat(p.awaitPosition(lastInput, WAIT)).as("caught up to %d: %s", lastInput, p.status()).isTrue();
                }
            }
            assertThat(outputs(store, "out")).isEqualTo(expected(store, "clicks", "out"));
        }
    }

    @Test
    void partitionedRunKeepsPerKeyResultsOfOneThread() throws Exception {
        try (EmbeddedEventStore store = Tributary.open(dir.resolve("log"))) {
            CrashTopology.appendClicks(store, 5, 3_000);
            long lastInput = store.headPosition();
            List<String> single = expected(store, "clicks", "out");
            try (StreamProcessor p = StreamProcessor.start(store, CrashTopology.build("out"),
                    ProcessorConfig.of("clicks").withPartitions(3).withState(StateBackend.rocksDb(dir.resolve("state"))))) {
                assertThat(p.awaitPosition(lastInput, WAIT)).as("caught up: %s", p.status()).isTrue();
                long total = 0;
                for (int u = 0; u < 50; u++) {
                    total += (Long) p.query("total", "u" + u).orElse(0L);
                }
                assertThat(total).isEqualTo(3_000);
                assertThat(p.status().lateEvents()).isZero();
            }
            List<String> parts = outputs(store, "out");
            List<String> singleData = single.stream().map(StreamProcessorTest::withoutId).toList();
            // Every key's running totals appear in the same order as with one thread.
            for (int u = 0; u < 50; u++) {
                String prefix = "out-total Total u" + u + "=";
                assertThat(parts.stream().map(StreamProcessorTest::withoutId).filter(o -> o.startsWith(prefix)).toList())
                        .isEqualTo(singleData.stream().filter(o -> o.startsWith(prefix)).toList());
            }
            // Closed windows are the same; partitions may close their last windows later (their watermark lags).
            assertThat(singleData).containsAll(parts.stream().map(StreamProcessorTest::withoutId).filter(o -> o.contains("-tumbling")).toList());
            assertThat(parts.stream().map(o -> o.split(" ")[1]).distinct().count()).isEqualTo(parts.size());
        }
    }

    @Test
    void joinsAndPatternsWithoutSerdesAreRefusedOnRocksDbStateBeforeAnythingIsWritten() {
        StreamsBuilder b = new StreamsBuilder();
        b.stream(Consumed.category("login", e -> e.dataAsString()))
                .detect(Pattern.<String>begin("fail"::equals).then("ok"::equals).within(Duration.ofMinutes(1)));
        try (EmbeddedEventStore store = Tributary.open(dir.resolve("log"))) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> StreamProcessor.start(store, b.build(),
                            ProcessorConfig.of("p").withState(StateBackend.rocksDb(dir.resolve("state")))))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("pattern 'PATTERN-0001'")
                    .hasMessageContaining("serde");
        }
    }

    private static String withoutId(String output) {
        String[] f = output.split(" ", 3);
        return f[0] + " " + f[2];
    }

    @Test
    void rocksDbStateNeedsSerdesAndSaysWhichStore() {
        StreamsBuilder b = new StreamsBuilder();
        b.stream(Consumed.category("click", e -> e.dataAsString())).groupByKey().reduce((a, c) -> c, Materialized.as("latest"));
        try (EmbeddedEventStore store = Tributary.open(dir.resolve("log"))) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> StreamProcessor.start(store, b.build(),
                            ProcessorConfig.of("p").withState(StateBackend.rocksDb(dir.resolve("state")))))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("'latest'");
        }
    }
}
