package io.tributary.streams;

import io.tributary.core.EventData;
import io.tributary.core.ExpectedVersion;
import io.tributary.core.ReadFilter;
import io.tributary.core.StreamName;
import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.Tributary;
import java.nio.file.Path;
import java.time.Duration;
import java.util.SplittableRandom;

/**
 * The child JVM of {@link IdleTickCrashIT}: appends clicks in bursts with quiet gaps (until
 * {@link #CLICKS} are in the log, continuing after a restart), while a processor on RocksDB state
 * with a 100 ms idle timeout counts them in 200 ms windows — so its ticks interleave with the
 * clicks. Prints {@code progress <committed position> <clicks> <head>} until killed.
 */
public final class IdleTickCrashChild {
    static final int CLICKS = 1_500;

    private IdleTickCrashChild() {
    }

    static ProcessorConfig config(Path dir) {
        return ProcessorConfig.of("ticking").withMaxBatchEvents(20).withPollTimeout(Duration.ofMillis(10))
                .withIdleTimeout(Duration.ofMillis(100)).withState(StateBackend.rocksDb(dir.resolve("state")))
                .withStateFlush(Duration.ofMillis(300), 20); // restarts resume mid-log, with ticks before and after the checkpoint
    }

    /** Runs until killed. */
    public static void main(String[] args) throws InterruptedException {
        Path dir = Path.of(args[0]);
        SplittableRandom random = new SplittableRandom(Long.parseLong(args[1]));
        EmbeddedEventStore store = Tributary.open(dir.resolve("log"));
        int[] clicks = {IdleTimeoutTest.read(store, ReadFilter.categories("click")).size()};
        StreamProcessor p = StreamProcessor.start(store, IdleTimeoutTest.topology(Duration.ofMillis(200)), config(dir));
        Thread appender = new Thread(() -> {
            try {
                while (clicks[0] < CLICKS) {
                    int burst = Math.min(1 + random.nextInt(30), CLICKS - clicks[0]);
                    for (int i = 0; i < burst; i++) {
                        store.append(StreamName.of("click", "u" + random.nextInt(10)), ExpectedVersion.any(),
                                EventData.of("Clicked", Fixtures.utf8(System.currentTimeMillis()))).join();
                    }
                    clicks[0] += burst;
                    Thread.sleep(random.nextInt(300));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        appender.setDaemon(true);
        appender.start();
        while (true) {
            System.out.println("progress " + p.status().inputPosition() + " " + clicks[0] + " " + store.headPosition() + " " + p.status().state());
            Thread.sleep(5);
        }
    }
}
