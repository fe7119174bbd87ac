package io.tributary.examples.iot;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.streams.OutputEvent;
import io.tributary.streams.TopologyTestDriver;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SensorMonitoringTest {
    private static final long T0 = 1_767_225_600_000L;

    private static void read(TopologyTestDriver d, String sensor, double value, long offsetMs) {
        d.pipe("sensor-" + sensor, "ReadingTaken", Reading.json(new Reading(sensor, value, T0 + offsetMs)), Instant.ofEpochMilli(T0 + offsetMs));
    }

    @Test
    void averagesPerSensorOverHoppingWindowsAndAlertsOnAReadingFarFromTheAverage() {
        try (TopologyTestDriver d = new TopologyTestDriver(SensorMonitoring.topology())) {
            for (int i = 0; i < 70; i++) {
                read(d, "s1", 20 + (i % 2), i * 1_000L);
            }
            // Windows [-50 s, 10 s) ... [0, 60 s) have closed by now: the averages were appended.
            assertThat(d.outputs()).anySatisfy(o -> assertThat(o.stream().value()).isEqualTo("iot.average-s1"));
            assertThat(d.outputs("iot.average-s1")).extracting(OutputEvent::dataAsString)
                    .anySatisfy(json -> assertThat(json).contains("\"windowStart\":" + T0).contains("\"average\":20.5"));
            assertThat((Double) d.query("latestAverage", "s1").orElseThrow()).isBetween(20.0, 21.0);
            assertThat(d.outputs("iot.alerts-s1")).isEmpty();
            read(d, "s1", 45, 70_500);
            assertThat(d.outputs("iot.alerts-s1")).singleElement().satisfies(o -> assertThat(o.dataAsString()).contains("\"value\":45.0"));
        }
    }
}
