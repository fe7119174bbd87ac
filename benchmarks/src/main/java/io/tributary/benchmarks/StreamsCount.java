package io.tributary.benchmarks;

import io.tributary.core.ReadFilter;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StreamName;
import io.tributary.streams.Consumed;
import io.tributary.streams.Emit;
import io.tributary.streams.Grouped;
import io.tributary.streams.Materialized;
import io.tributary.streams.Serdes;
import io.tributary.streams.StateBackend;
import io.tributary.streams.StreamsBuilder;
import io.tributary.streams.Topology;
import io.tributary.streams.TopologyTestDriver;
import io.tributary.streams.Windows;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The windowed-count micro-benchmark (issue 6), run in a {@link BenchChild}: {@code events}
 * events over {@code keys} keys, 100 events per millisecond of event time in order, counted per
 * key in 1-second tumbling event-time windows, final results only (emitted when a window closes).
 * Engines: {@code loop} — a hand-written single-threaded {@code HashMap} loop over primitive
 * (key, time) pairs, the practical limit on one core; {@code heap} and {@code rocksdb} — the
 * Tributary topology in a {@link TopologyTestDriver} with heap or RocksDB state (committed every
 * {@code commitEvery} events, as the runtime commits once per batch of up to {@code maxBatchEvents}), fed {@link RecordedEvent}s as a processor reads
 * them from the log. Every engine must produce the same number of results and the same total count.
 */
final class StreamsCount {
    private static final long BASE_MS = 1_767_225_600_000L;
    private static final int EVENTS_PER_MS = 100;
    private static final long WINDOW_MS = 1_000;

    private StreamsCount() {
    }

    static Map<String, Object> run(String engine, long events, int keys, long seed, Path dir, int commitEvery) throws Exception {
        long warmup = Math.min(1_000_000, events / 10);
        long[] result;
        long start;
        switch (engine) {
            case "loop" -> {
                loop(warmup, keys, seed + 1);
                start = System.nanoTime();
                result = loop(events, keys, seed);
            }
            case "heap", "rocksdb" -> {
                tributary(engine, warmup, keys, seed + 1, dir.resolve("warmup"), commitEvery);
                start = System.nanoTime();
                result = tributary(engine, events, keys, seed, dir.resolve("state"), commitEvery);
            }
            case "kstreams-heap", "kstreams-rocksdb" -> {
                boolean rocks = engine.equals("kstreams-rocksdb");
                KafkaStreamsCount.run(rocks, warmup, keys, seed + 1, dir.resolve("warmup"), BASE_MS, EVENTS_PER_MS);
                start = System.nanoTime();
                result = KafkaStreamsCount.run(rocks, events, keys, seed, dir.resolve("state"), BASE_MS, EVENTS_PER_MS);
            }
            case "flink-heap", "flink-rocksdb" -> {
                boolean rocks = engine.equals("flink-rocksdb");
                FlinkCount.run(rocks, warmup, keys, seed + 1, dir.resolve("warmup"), BASE_MS, EVENTS_PER_MS, WINDOW_MS);
                long[] r = FlinkCount.run(rocks, events, keys, seed, dir.resolve("state"), BASE_MS, EVENTS_PER_MS, WINDOW_MS);
                result = new long[] {r[0], r[1]};
                // Flink is timed from its first record to the end of input: the mini-cluster's start is not counted.
                start = System.nanoTime() - r[2];
            }
            case "input" -> {
                input(warmup, keys, seed + 1);
                start = System.nanoTime();
                result = input(events, keys, seed);
            }
            default -> throw new IllegalArgumentException("unknown engine '" + engine
                    + "' (loop, input, heap, rocksdb, flink-heap, flink-rocksdb, kstreams-heap, kstreams-rocksdb)");
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("events", events);
        out.put("seconds", seconds);
        out.put("eventsPerSecond", events / seconds);
        out.put("results", result[0]);
        out.put("counted", result[1]);
        return out;
    }

    /** The plain loop: windows by start, counts by key; a window is emitted once the time passes its end. */
    static long[] loop(long events, int keys, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        TreeMap<Long, HashMap<Integer, long[]>> open = new TreeMap<>();
        long results = 0;
        long counted = 0;
        for (long i = 0; i < events; i++) {
            int key = random.nextInt(keys);
            long ts = BASE_MS + i / EVENTS_PER_MS;
            long window = ts - Math.floorMod(ts, WINDOW_MS);
            open.computeIfAbsent(window, w -> new HashMap<>()).computeIfAbsent(key, k -> new long[1])[0]++;
            while (open.firstKey() + WINDOW_MS <= ts) {
                for (long[] c : open.pollFirstEntry().getValue().values()) {
                    results++;
                    counted += c[0];
                }
            }
        }
        for (HashMap<Integer, long[]> w : open.values()) {
            for (long[] c : w.values()) {
                results++;
                counted += c[0];
            }
        }
        return new long[] {results, counted};
    }

    /**
     * The input alone: the same {@link RecordedEvent}s the Tributary engines are fed, each kept
     * (in a ring, so the allocation is not optimised away) and its time read as the source reads
     * it, with a count of the distinct keys per window in a plain array instead of any state — the
     * floor under the Tributary figures (what building and handing over the input costs).
     */
    static long[] input(long events, int keys, long seed) {
        StreamName[] streams = new StreamName[keys];
        for (int k = 0; k < keys; k++) {
            streams[k] = StreamName.of("k-" + k);
        }
        SplittableRandom random = new SplittableRandom(seed);
        UUID id = new UUID(0, 0);
        byte[] empty = new byte[0];
        Instant at = Instant.ofEpochMilli(BASE_MS);
        RecordedEvent[] ring = new RecordedEvent[1024];
        boolean[] seen = new boolean[keys];
        long results = 0;
        long counted = 0;
        long window = Long.MIN_VALUE;
        for (long i = 0; i < events; i++) {
            int key = random.nextInt(keys);
            long ts = BASE_MS + i / EVENTS_PER_MS;
            if (at.toEpochMilli() != ts) {
                at = Instant.ofEpochMilli(ts);
            }
            RecordedEvent e = new RecordedEvent(streams[key], i, i, id, "E", empty, empty, at);
            ring[(int) (i & 1023)] = e;
            long t = e.timestamp().toEpochMilli();
            long w = t - Math.floorMod(t, WINDOW_MS);
            if (w != window) {
                Arrays.fill(seen, false);
                window = w;
            }
            if (!seen[key]) {
                seen[key] = true;
                results++;
            }
            counted++;
        }
        return new long[] {results, counted + (ring[0] == null ? 1 : 0)};
    }

    static Topology topology(long[] sink) {
        StreamsBuilder b = new StreamsBuilder();
        b.stream(Consumed.with(ReadFilter.all(), e -> Boolean.TRUE).withKey(e -> e.stream().value()))
                .groupByKey(Grouped.with(Serdes.string()))
                .windowedBy(Windows.tumbling(Duration.ofMillis(WINDOW_MS)))
                .emit(Emit.ON_WINDOW_CLOSE)
                .count(Materialized.with(Serdes.string(), Serdes.longs()))
                .toStream()
                .peek((w, n) -> {
                    sink[0]++;
                    sink[1] += n;
                });
        return b.build();
    }

    static long[] tributary(String engine, long events, int keys, long seed, Path dir, int commitEvery) {
        long[] sink = new long[2];
        StateBackend backend = engine.equals("rocksdb") ? StateBackend.rocksDb(dir) : StateBackend.heap();
        StreamName[] streams = new StreamName[keys];
        for (int k = 0; k < keys; k++) {
            streams[k] = StreamName.of("k-" + k);
        }
        SplittableRandom random = new SplittableRandom(seed);
        UUID id = new UUID(0, 0);
        byte[] empty = new byte[0];
        Instant at = Instant.ofEpochMilli(BASE_MS);
        try (TopologyTestDriver driver = new TopologyTestDriver(topology(sink), "bench", backend, commitEvery)) {
            for (long i = 0; i < events; i++) {
                int key = random.nextInt(keys);
                long ts = BASE_MS + i / EVENTS_PER_MS;
                if (at.toEpochMilli() != ts) {
                    at = Instant.ofEpochMilli(ts);
                }
                driver.pipe(new RecordedEvent(streams[key], i, i, id, "E", empty, empty, at));
            }
            driver.advanceWatermark(Instant.ofEpochMilli(Long.MAX_VALUE / 2));
        }
        return sink;
    }
}
