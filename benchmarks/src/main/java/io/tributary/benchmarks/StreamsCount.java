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

    static Map<String, Object> run(String engine, long events, int keys, long seed, Path dir, int commitEvery) {
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
            default -> throw new IllegalArgumentException("unknown engine '" + engine
                    + "' (loop, heap, rocksdb, kstreams-heap, kstreams-rocksdb)");
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
