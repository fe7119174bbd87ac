package io.tributary.streams;

import static io.tributary.streams.Fixtures.at;
import static io.tributary.streams.Fixtures.windowSink;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The window-major layout of heap state (tables of cells per open window, grown as keys arrive)
 * against the generic layout of RocksDB state: the same outputs in the same order, the same
 * query answers, for many keys, hopping windows and out-of-order events.
 */
class HeapWindowsTest {
    @TempDir
    Path dir;

    private static Topology topology() {
        StreamsBuilder b = new StreamsBuilder();
        b.stream(Consumed.category("click", e -> e.dataAsString())
                        .withTimestamps((e, v) -> Fixtures.ms(Long.parseLong(v)))
                        .withMaxOutOfOrderness(Duration.ofSeconds(2)))
                .groupByKey(Grouped.with(Serdes.string()))
                .windowedBy(Windows.hopping(Duration.ofSeconds(10), Duration.ofSeconds(5)))
                .emit(Emit.ON_WINDOW_CLOSE)
                .count(Materialized.with(Serdes.string(), Serdes.longs()).withName("counts"))
                .toStream()
                .to(windowSink("out", "Count"));
        return b.build();
    }

    private record Run(List<String> outputs, List<String> queries, long late) {
    }

    private static Run run(TopologyTestDriver d) {
        SplittableRandom random = new SplittableRandom(7);
        List<String> queries = new ArrayList<>();
        long t = 0;
        for (int i = 0; i < 20_000; i++) {
            t += random.nextInt(3);
            // mostly within the 2 s bound; some beyond it but in open windows; one in 50 late (all windows closed)
            long ts = Math.max(0, t - (random.nextInt(50) == 0 ? 15_000 : random.nextInt(2_500)));
            d.pipe("click-u" + random.nextInt(3_000), "Clicked", String.valueOf(ts), at(ts));
            if (i % 997 == 0) {
                String key = "u" + random.nextInt(3_000);
                queries.add(key + "=" + d.query("counts", key).map(m -> String.valueOf((SortedMap<?, ?>) m)).orElse("none"));
            }
        }
        d.advanceWatermark(at(t + 60_000));
        return new Run(d.outputs().stream().map(OutputEvent::dataAsString).toList(), queries, d.lateEvents());
    }

    @Test
    void givesTheSameOutputsQueriesAndLateCountsAsRocksDbStateForThousandsOfKeys() {
        Run heap;
        try (TopologyTestDriver d = new TopologyTestDriver(topology(), "t")) {
            heap = run(d);
        }
        Run rocks;
        try (TopologyTestDriver d = new TopologyTestDriver(topology(), "t", StateBackend.rocksDb(dir), 100)) {
            rocks = run(d);
        }
        assertThat(heap.outputs()).hasSizeGreaterThan(3_000).isEqualTo(rocks.outputs());
        assertThat(heap.queries()).isEqualTo(rocks.queries()).anyMatch(q -> !q.endsWith("=none"));
        assertThat(heap.late()).isPositive().isEqualTo(rocks.late());
    }
}
