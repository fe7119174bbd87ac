package io.tributary.benchmarks;

import io.tributary.core.EventData;
import io.tributary.core.ExpectedVersion;
import io.tributary.core.ReadFilter;
import io.tributary.core.StreamName;
import io.tributary.store.Durability;
import io.tributary.store.EmbeddedEventStore;
import io.tributary.streams.Consumed;
import io.tributary.streams.Emit;
import io.tributary.streams.Grouped;
import io.tributary.streams.Materialized;
import io.tributary.streams.ProcessorConfig;
import io.tributary.streams.Serdes;
import io.tributary.streams.StateBackend;
import io.tributary.streams.StreamProcessor;
import io.tributary.streams.StreamsBuilder;
import io.tributary.streams.Topology;
import io.tributary.streams.Windows;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;

/**
 * A re-keyed windowed count run by a {@link StreamProcessor} over the embedded store, in a
 * {@link BenchChild}: {@code events} events of {@code keys} keys (streams {@code k-<key>}, data the
 * event time in ms as text, 100 events per ms, in order) are appended to a new log (not timed),
 * then a processor (reading the whole log, a sequential scan) re-keys them ({@code selectKey}: key mod 1,000 groups), counts per group in
 * 1-second tumbling event-time windows (final results only) and counts the results in a
 * {@code peek} (no output appends); timed from its start until it has processed the whole log.
 * 300 events of a {@code tick} category far ahead in event time close every window in every
 * partition. Engines: {@code p1}, {@code p2}, {@code p4} — 1, 2 or 4 partitions — each with
 * {@code heap} or {@code rocksdb} state ({@code heap-p2}, ...).
 */
final class StreamsRepartition {
    private static final long BASE_MS = 1_767_225_600_000L;
    private static final int EVENTS_PER_MS = 100;
    private static final int GROUPS = 1_000;

    private StreamsRepartition() {
    }

    static Map<String, Object> run(String engine, long events, int keys, long seed, Path dir, int batchEvents) throws Exception {
        String[] parts = engine.split("-p");
        if (parts.length != 2 || !(parts[0].equals("heap") || parts[0].equals("rocksdb"))) {
            throw new IllegalArgumentException("unknown engine '" + engine + "' (heap-pN or rocksdb-pN)");
        }
        int partitions = Integer.parseInt(parts[1]);
        try (EmbeddedEventStore store = StoreSide.open(dir.resolve("log"), Durability.none(), 256L << 20)) {
            append(store, events, keys, seed);
            long head = store.headPosition();
            LongAdder results = new LongAdder();
            LongAdder counted = new LongAdder();
            ProcessorConfig config = ProcessorConfig.of("rekey").withPartitions(partitions).withMaxBatchEvents(batchEvents)
                    .withState(parts[0].equals("rocksdb") ? StateBackend.rocksDb(dir.resolve("state")) : StateBackend.heap());
            long start = System.nanoTime();
            try (StreamProcessor p = StreamProcessor.start(store, topology(results, counted), config)) {
                if (!p.awaitPosition(head, Duration.ofMinutes(30))) {
                    throw new IllegalStateException("the processor did not finish: " + p.status());
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("events", events);
            out.put("seconds", seconds);
            out.put("eventsPerSecond", events / seconds);
            out.put("results", results.sum());
            out.put("counted", counted.sum());
            return out;
        }
    }

    static Topology topology(LongAdder results, LongAdder counted) {
        StreamsBuilder b = new StreamsBuilder();
        // Sources over the whole log (a sequential scan), each picking its category by predicate: a
        // category-filtered subscription reads through the category index, one event at a time,
        // which bounded the first measurements at ~100k events/s whatever the partitions.
        b.stream(Consumed.with(ReadFilter.all(), e -> Boolean.TRUE).where(e -> e.stream().category().equals("tick"))
                .withTimestamps((e, v) -> Long.parseLong(e.dataAsString())));
        b.stream(Consumed.with(ReadFilter.all(), e -> Long.parseLong(e.dataAsString())).where(e -> e.stream().category().equals("k"))
                .withTimestamps((e, ts) -> ts))
                .selectKey((key, ts) -> Integer.parseInt(key) % GROUPS)
                .groupByKey(Grouped.with(Serdes.integers(), Serdes.longs()))
                .windowedBy(Windows.tumbling(Duration.ofSeconds(1)))
                .emit(Emit.ON_WINDOW_CLOSE)
                .count(Materialized.with(Serdes.integers(), Serdes.longs()))
                .toStream()
                .peek((w, n) -> {
                    results.increment();
                    counted.add(n);
                });
        return b.build();
    }

    private static void append(EmbeddedEventStore store, long events, int keys, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<CompletableFuture<?>> pending = new ArrayList<>();
        for (long i = 0; i < events; i++) {
            long ts = BASE_MS + i / EVENTS_PER_MS;
            pending.add(store.append(StreamName.of("k", Integer.toString(random.nextInt(keys))), ExpectedVersion.any(),
                    EventData.of("E", Long.toString(ts).getBytes(StandardCharsets.US_ASCII))));
            if (pending.size() >= 10_000) {
                pending.forEach(CompletableFuture::join);
                pending.clear();
            }
        }
        byte[] far = Long.toString(BASE_MS + 1_000_000_000L).getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < 300; i++) {
            pending.add(store.append(StreamName.of("tick", "t"), ExpectedVersion.any(), EventData.of("Tick", far)));
        }
        pending.forEach(CompletableFuture::join);
    }
}
