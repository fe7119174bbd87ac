package io.tributary.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.state.rocksdb.RocksDBOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;

/**
 * The Flink peer of {@link StreamsCount}: the same windowed count on Apache Flink's DataStream
 * API, on a local mini-cluster in this JVM with parallelism 1 (the other engines run on one thread
 * too), object reuse on, no checkpoints: {@code keyBy(key).window(1 s tumbling event time)
 * .aggregate(count)}, event time from the record with bounded-out-of-orderness watermarks of 0
 * (the input is in time order), final results only (Flink fires an event-time window once, when
 * the watermark passes its end; end of input sends the final watermark). State in the
 * {@code hashmap} (heap) or {@code rocksdb} ({@code EmbeddedRocksDBStateBackend}) backend.
 *
 * <p>The source is {@code fromSequence(0, n - 1)} mapped to the same (key, time) pairs as the
 * other engines (the same seeded random, read in sequence order at parallelism 1); keys are the
 * same {@code k-N} strings. Timed from the first record generated to the end of input at the sink,
 * so the mini-cluster's start and stop are not counted.
 */
final class FlinkCount {
    private static final AtomicLong FIRST_NS = new AtomicLong();
    private static final AtomicLong END_NS = new AtomicLong();
    private static final AtomicLong RESULTS = new AtomicLong();
    private static final AtomicLong COUNTED = new AtomicLong();

    private FlinkCount() {
    }

    /**
     * Runs the count; returns {results, counted, nanoseconds from the first record to the end of input}.
     *
     * @param rocksDb RocksDB state (in {@code dir}) instead of heap state
     */
    static long[] run(boolean rocksDb, long events, int keys, long seed, Path dir, long baseMs, int eventsPerMs, long windowMs)
            throws Exception {
        FIRST_NS.set(0);
        END_NS.set(0);
        RESULTS.set(0);
        COUNTED.set(0);
        Configuration conf = new Configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, rocksDb ? "rocksdb" : "hashmap");
        if (rocksDb) {
            conf.set(RocksDBOptions.LOCAL_DIRECTORIES, dir.toAbsolutePath().toString());
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
        env.getConfig().enableObjectReuse();
        env.fromSequence(0, events - 1)
                .map(new Generate(keys, seed, baseMs, eventsPerMs)).returns(Types.TUPLE(Types.STRING, Types.LONG))
                .assignTimestampsAndWatermarks(WatermarkStrategy.<Tuple2<String, Long>>forBoundedOutOfOrderness(Duration.ZERO)
                        .withTimestampAssigner((t, ts) -> t.f1))
                .keyBy(t -> t.f0, Types.STRING)
                .window(TumblingEventTimeWindows.of(Duration.ofMillis(windowMs)))
                .aggregate(new Count()).returns(Types.LONG)
                .sinkTo(new CountSink());
        env.execute("windowed-count-" + (rocksDb ? "rocksdb" : "hashmap"));
        if (FIRST_NS.get() == 0 || END_NS.get() == 0) {
            throw new IllegalStateException("the Flink job ended without processing events");
        }
        return new long[] {RESULTS.get(), COUNTED.get(), END_NS.get() - FIRST_NS.get()};
    }

    /** Event {@code n} of the sequence: the same (key, time) as {@link StreamsCount#loop}. */
    private static final class Generate extends RichMapFunction<Long, Tuple2<String, Long>> {
        private static final long serialVersionUID = 1L;
        private final int keys;
        private final long seed;
        private final long baseMs;
        private final int eventsPerMs;
        private transient SplittableRandom random;
        private transient String[] names;
        private transient Tuple2<String, Long> reused;

        Generate(int keys, long seed, long baseMs, int eventsPerMs) {
            this.keys = keys;
            this.seed = seed;
            this.baseMs = baseMs;
            this.eventsPerMs = eventsPerMs;
        }

        @Override
        public void open(OpenContext context) {
            random = new SplittableRandom(seed);
            names = new String[keys];
            for (int k = 0; k < keys; k++) {
                names[k] = "k-" + k;
            }
            reused = new Tuple2<>();
        }

        @Override
        public Tuple2<String, Long> map(Long n) {
            if (random == null) {
                throw new IllegalStateException("not opened");
            }
            FIRST_NS.compareAndSet(0, System.nanoTime());
            reused.f0 = names[random.nextInt(keys)];
            reused.f1 = baseMs + n / eventsPerMs;
            return reused;
        }
    }

    /** Counts the records of a window. */
    private static final class Count implements AggregateFunction<Tuple2<String, Long>, Long, Long> {
        private static final long serialVersionUID = 1L;

        @Override
        public Long createAccumulator() {
            return 0L;
        }

        @Override
        public Long add(Tuple2<String, Long> value, Long accumulator) {
            return accumulator + 1;
        }

        @Override
        public Long getResult(Long accumulator) {
            return accumulator;
        }

        @Override
        public Long merge(Long a, Long b) {
            return a + b;
        }
    }

    /** Adds every window result to the totals; notes the end of input. */
    private static final class CountSink implements Sink<Long> {
        private static final long serialVersionUID = 1L;

        @Override
        public SinkWriter<Long> createWriter(WriterInitContext context) {
            return new SinkWriter<>() {
                private long results;
                private long counted;

                @Override
                public void write(Long n, Context ctx) {
                    results++;
                    counted += n;
                }

                @Override
                public void flush(boolean endOfInput) {
                    if (endOfInput) {
                        END_NS.set(System.nanoTime());
                        RESULTS.set(results);
                        COUNTED.set(counted);
                    }
                }

                @Override
                public void close() {
                }
            };
        }
    }
}
