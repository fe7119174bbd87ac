package io.tributary.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.SplittableRandom;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Suppressed;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

/**
 * The peer of {@link StreamsCount}: the same windowed count in Kafka Streams, run by its own
 * {@code TopologyTestDriver} (no broker): {@code groupByKey().windowedBy(1 s tumbling, no grace)
 * .count()} with an in-memory or RocksDB window store, {@code suppress(untilWindowCloses)} for
 * final results only. The input is the same (key, time) sequence; a last record far in the
 * future advances stream time so every window closes, like the other engines' final watermark.
 */
final class KafkaStreamsCount {
    private KafkaStreamsCount() {
    }

    static long[] run(boolean rocksDb, long events, int keys, long seed, Path dir, long baseMs, int eventsPerMs) {
        long[] sink = new long[2];
        StreamsBuilder b = new StreamsBuilder();
        Materialized<String, Long, WindowStore<Bytes, byte[]>> store = rocksDb
                ? Materialized.<String, Long>as(Stores.persistentTimestampedWindowStore("counts", Duration.ofSeconds(2), Duration.ofSeconds(1), false))
                : Materialized.<String, Long>as(Stores.inMemoryWindowStore("counts", Duration.ofSeconds(2), Duration.ofSeconds(1), false));
        b.stream("clicks", Consumed.with(Serdes.String(), Serdes.Long()))
                .groupByKey()
                .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofSeconds(1), Duration.ZERO))
                .count(store.withKeySerde(Serdes.String()).withValueSerde(Serdes.Long()))
                .suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()))
                .toStream()
                .foreach((w, n) -> {
                    sink[0]++;
                    sink[1] += n;
                });
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "bench");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, dir.toString());
        String[] names = new String[keys];
        for (int k = 0; k < keys; k++) {
            names[k] = "k-" + k;
        }
        SplittableRandom random = new SplittableRandom(seed);
        try (TopologyTestDriver driver = new TopologyTestDriver(b.build(), props)) {
            TestInputTopic<String, Long> in = driver.createInputTopic("clicks", new StringSerializer(), new LongSerializer());
            Long one = 1L;
            for (long i = 0; i < events; i++) {
                in.pipeInput(names[random.nextInt(keys)], one, baseMs + i / eventsPerMs);
            }
            in.pipeInput("end-of-input", one, Long.MAX_VALUE / 2);
        }
        return sink;
    }
}
