package io.tributary.examples.iot;

import io.tributary.streams.Consumed;
import io.tributary.streams.Emit;
import io.tributary.streams.KStream;
import io.tributary.streams.KTable;
import io.tributary.streams.KeyValue;
import io.tributary.streams.Materialized;
import io.tributary.streams.Produced;
import io.tributary.streams.StreamsBuilder;
import io.tributary.streams.Topology;
import io.tributary.streams.Windowed;
import io.tributary.streams.Windows;
import java.time.Duration;
import java.util.Map;

/**
 * The IoT topology over category {@code sensor}: averages per sensor over 1-minute windows every
 * 10 seconds (appended as {@code iot.average-<sensor>} {@code AverageComputed} when each window
 * closes), the latest closed average per sensor as a table ({@code latestAverage}), and an
 * {@code AnomalyDetected} alert in {@code iot.alerts-<sensor>} for a reading that departs from
 * that average by more than {@link #THRESHOLD}.
 */
public final class SensorMonitoring {
    /** How far a reading may depart from the recent average before it is an anomaly. */
    public static final double THRESHOLD = 10.0;

    private SensorMonitoring() {
    }

    /** The topology. */
    public static Topology topology() {
        StreamsBuilder b = new StreamsBuilder();
        KStream<String, Reading> readings = b.stream(Consumed.category("sensor", Reading::decode)
                .withTimestamps((e, r) -> r.atMs()).withMaxOutOfOrderness(Duration.ofSeconds(5)));
        KStream<Windowed<String>, Double> averages = readings.groupByKey()
                .windowedBy(Windows.hopping(Duration.ofMinutes(1), Duration.ofSeconds(10))).emit(Emit.ON_WINDOW_CLOSE)
                .average(Reading::value, Materialized.as("averages")).toStream();
        averages.to(Produced.with((w, avg) -> "iot.average-" + w.key(), "AverageComputed",
                (w, avg) -> Reading.json(Map.of("sensor", w.key(), "windowStart", w.window().startMs(), "windowEnd", w.window().endMs(), "average", avg))));
        KTable<String, Double> latest = averages.map((w, avg) -> KeyValue.pair(w.key(), avg)).toTable(Materialized.as("latestAverage"));
        readings.join(latest, (r, avg) -> new double[] {r.value(), avg, r.atMs()})
                .filter((s, x) -> Math.abs(x[0] - x[1]) > THRESHOLD)
                .to(Produced.with((s, x) -> "iot.alerts-" + s, "AnomalyDetected",
                        (s, x) -> Reading.json(Map.of("sensor", s, "value", x[0], "average", x[1], "at", (long) x[2]))));
        return b.build();
    }
}
