package io.tributary.examples.iot;

import io.tributary.core.Direction;
import io.tributary.core.ExpectedVersion;
import io.tributary.core.ReadFilter;
import io.tributary.core.ReadSlice;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StreamName;
import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.Tributary;
import io.tributary.streams.ProcessorConfig;
import io.tributary.streams.StateBackend;
import io.tributary.streams.StreamProcessor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

/**
 * Runs the IoT example on an embedded store: 5 sensors reading every second for 10 minutes with
 * noise and one spike, then prints the anomaly alerts and the latest averages. {@code args[0]}:
 * a data directory (default: a temporary one).
 */
public final class SensorExample {
    private SensorExample() {
    }

    /** Runs the example. */
    public static void main(String[] args) throws IOException, InterruptedException {
        Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("tributary-iot");
        try (EmbeddedEventStore store = Tributary.open(dir.resolve("log"))) {
            long last = simulate(store, 7, 1_767_225_600_000L);
            try (StreamProcessor p = StreamProcessor.start(store, SensorMonitoring.topology(),
                    ProcessorConfig.of("sensor-monitoring").withState(StateBackend.heap()))) {
                if (!p.awaitPosition(last, Duration.ofSeconds(60))) {
                    throw new IllegalStateException("the processor did not catch up: " + p.status());
                }
                System.out.println("status: " + p.status());
                for (int s = 0; s < 5; s++) {
                    System.out.printf("sensor s%d latest average %.2f%n", s, (Double) p.query("latestAverage", "s" + s).orElse(Double.NaN));
                }
            }
            long from = 0;
            while (true) {
                ReadSlice slice = store.readAll(from, 1_000, Direction.FORWARD, ReadFilter.categories("iot.alerts"));
                for (RecordedEvent e : slice.events()) {
                    System.out.println("alert " + e.dataAsString());
                }
                if (slice.isEnd()) {
                    break;
                }
                from = slice.next().getAsLong();
            }
        }
    }

    /** Appends 10 minutes of readings from {@code startMs}, with a spike on sensor s2 at minute 5; returns the last position. */
    public static long simulate(EmbeddedEventStore store, long seed, long startMs) {
        Random r = new Random(seed);
        List<CompletableFuture<?>> pending = new ArrayList<>();
        for (long t = startMs; t < startMs + 600_000; t += 1_000) {
            for (int s = 0; s < 5; s++) {
                double value = 20 + s + r.nextGaussian();
                if (s == 2 && t == startMs + 300_000) {
                    value += 50;
                }
                pending.add(store.append(StreamName.of("sensor", "s" + s), ExpectedVersion.any(),
                        new Reading("s" + s, value, t - r.nextInt(2_000)).toEvent()));
            }
        }
        pending.forEach(CompletableFuture::join);
        return store.headPosition();
    }
}
