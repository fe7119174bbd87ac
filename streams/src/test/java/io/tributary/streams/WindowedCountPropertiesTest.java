package io.tributary.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * Windowed counts over any arrival order within the out-of-orderness bound equal a brute-force
 * count of the same events: nothing is late, nothing is lost, nothing is counted twice.
 */
class WindowedCountPropertiesTest {
    private static final long BOUND_MS = 5_000;

    record Click(int user, long ts, long arrival) {
    }

    /** Events with random times, arriving in a random order in which each is at most BOUND_MS behind the newest before it. */
    private static List<Click> clicks(long seed, int n) {
        Random r = new Random(seed);
        List<Click> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long ts = r.nextInt(120_000);
            out.add(new Click(r.nextInt(5), ts, ts + r.nextInt((int) BOUND_MS + 1)));
        }
        out.sort(Comparator.comparingLong(Click::arrival));
        return out;
    }

    private static TreeMap<String, Long> run(Windows windows, List<Click> clicks) {
        StreamsBuilder b = new StreamsBuilder();
        b.stream(Consumed.category("click", e -> e.dataAsString())
                        .withTimestamps((e, v) -> Long.parseLong(v))
                        .withMaxOutOfOrderness(Duration.ofMillis(BOUND_MS)))
                .groupByKey().windowedBy(windows).emit(Emit.ON_WINDOW_CLOSE).count().toStream()
                .to(Produced.with((w, n) -> "out", "Count", (w, n) -> Fixtures.utf8(w.key() + "@" + w.window().startMs() + "=" + n)));
        TreeMap<String, Long> result = new TreeMap<>();
        try (TopologyTestDriver d = new TopologyTestDriver(b.build())) {
            for (Click c : clicks) {
                d.pipe("click-u" + c.user(), "Clicked", String.valueOf(c.ts()), Instant.EPOCH);
            }
            d.advanceWatermark(Instant.ofEpochMilli(Long.MAX_VALUE / 2));
            assertThat(d.lateEvents()).isZero();
            for (OutputEvent o : d.outputs()) {
                String[] kv = o.dataAsString().split("=");
                assertThat(result.put(kv[0], Long.parseLong(kv[1]))).as("window emitted twice: %s", kv[0]).isNull();
            }
        }
        return result;
    }

    @Property(tries = 60)
    void tumblingCountEqualsBruteForce(@ForAll long seed, @ForAll @IntRange(min = 0, max = 300) int n,
                                       @ForAll @LongRange(min = 1, max = 30_000) long size) {
        List<Click> clicks = clicks(seed, n);
        TreeMap<String, Long> expected = new TreeMap<>();
        for (Click c : clicks) {
            expected.merge("u" + c.user() + "@" + Math.floorDiv(c.ts(), size) * size, 1L, Long::sum);
        }
        assertThat(run(Windows.tumbling(Duration.ofMillis(size)), clicks)).isEqualTo(expected);
    }

    @Property(tries = 60)
    void hoppingCountEqualsBruteForce(@ForAll long seed, @ForAll @IntRange(min = 0, max = 200) int n,
                                      @ForAll @LongRange(min = 1, max = 5_000) long advance, @ForAll @IntRange(min = 1, max = 4) int hops) {
        long size = advance * hops;
        List<Click> clicks = clicks(seed, n);
        TreeMap<String, Long> expected = new TreeMap<>();
        for (Click c : clicks) {
            for (long s = Math.floorDiv(c.ts(), advance) * advance; s > c.ts() - size; s -= advance) {
                expected.merge("u" + c.user() + "@" + s, 1L, Long::sum);
            }
        }
        assertThat(run(Windows.hopping(Duration.ofMillis(size), Duration.ofMillis(advance)), clicks)).isEqualTo(expected);
    }

    @Property(tries = 60)
    void sessionCountsEqualBruteForceSessions(@ForAll long seed, @ForAll @IntRange(min = 0, max = 200) int n,
                                              @ForAll @LongRange(min = 1, max = 10_000) long gap) {
        List<Click> clicks = clicks(seed, n);
        TreeMap<String, Long> expected = new TreeMap<>();
        for (int user = 0; user < 5; user++) {
            int u = user;
            List<Long> times = clicks.stream().filter(c -> c.user() == u).map(Click::ts).sorted().toList();
            long start = 0;
            long count = 0;
            long last = Long.MIN_VALUE;
            for (long t : times) {
                if (count > 0 && t - last > gap) {
                    expected.put("u" + u + "@" + start, count);
                    count = 0;
                }
                if (count == 0) {
                    start = t;
                }
                count++;
                last = t;
            }
            if (count > 0) {
                expected.put("u" + u + "@" + start, count);
            }
        }
        assertThat(run(Windows.session(Duration.ofMillis(gap)), clicks)).isEqualTo(expected);
    }
}
