package io.tributary.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.core.Direction;
import io.tributary.core.ReadFilter;
import io.tributary.core.ReadSlice;
import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.Tributary;
import io.tributary.streams.internal.RocksState;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RocksDB state is written without a write-ahead log, so a crash loses what is still in the
 * memtable and the processor replays it from the log. A small state never fills a memtable: kill
 * -9 a JVM running such a processor at a seeded random point and check that the state on disk is
 * at most a bounded tail behind (flushed every 50 commits), where without the bound it is much
 * further behind; then restart and check the outputs are those of an uninterrupted run.
 */
class StateFlushCrashIT {
    static final int EVENTS = 30_000;
    /** Two flush periods: the last flush may still be running when the JVM dies. */
    static final long BOUND = 2L * StateFlushCrashChild.FLUSH_COMMITS * StateFlushCrashChild.COMMIT_EVENTS;

    @TempDir
    Path dir;

    @Test
    void afterKillNineTheStateOnDiskIsABoundedTailBehindAndTheRestartCompletesExactlyOnce() throws Exception {
        long seed = Long.getLong("streams.crash.seed", System.nanoTime());
        System.out.println("StateFlushCrashIT seed " + seed + " (replay with -Dstreams.crash.seed=" + seed + ")");
        Random random = new Random(seed);
        try (EmbeddedEventStore store = Tributary.open(dir.resolve("log"))) {
            CrashTopology.appendClicks(store, seed, EVENTS);
        }
        long threshold = 10_000 + random.nextInt(15_000);
        long boundedReached = runChildUntil("bounded", threshold);
        long unboundedReached = runChildUntil("unbounded", threshold);
        long bounded = checkpointIn(dir.resolve("state-bounded"));
        long unbounded = checkpointIn(dir.resolve("state-unbounded"));
        System.out.println("StateFlushCrashIT killed at " + boundedReached + " / " + unboundedReached
                + "; state on disk at " + bounded + " / " + unbounded);
        assertThat(bounded).as("bounded: killed after %d committed", boundedReached).isGreaterThanOrEqualTo(boundedReached - BOUND);
        assertThat(unbounded).as("unbounded (the memtable is not full): killed after %d committed", unboundedReached)
                .isLessThan(unboundedReached - BOUND);

        try (EmbeddedEventStore store = Tributary.open(dir.resolve("log"))) {
            try (StreamProcessor p = StreamProcessor.start(store, StateFlushCrashChild.topology(), StateFlushCrashChild.config(dir, true))) {
                assertThat(p.awaitPosition(EVENTS - 1, Duration.ofSeconds(60))).as("caught up: %s", p.status()).isTrue();
            }
            assertThat(StreamProcessorTest.outputs(store, "counted")).as("seed %d", seed).isEqualTo(expected(store));
        }
    }

    private static long checkpointIn(Path stateDir) {
        try (RocksState state = new RocksState(stateDir)) {
            return state.load().position();
        }
    }

    private static List<String> expected(EmbeddedEventStore store) {
        try (TopologyTestDriver d = new TopologyTestDriver(StateFlushCrashChild.topology(), "flush")) {
            long from = 0;
            while (true) {
                ReadSlice s = store.readAll(from, 1000, Direction.FORWARD, ReadFilter.categories("click"));
                s.events().forEach(d::pipe);
                if (s.isEnd() || s.next().isEmpty()) {
                    break;
                }
                from = s.next().getAsLong();
            }
            return StateEquivalence.format(d.outputs());
        }
    }

    /** Runs the child until its processor has committed {@code threshold}, then SIGKILL; returns the last committed position seen. */
    private long runChildUntil(String mode, long threshold) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), StateFlushCrashChild.class.getName(), dir.toString(), mode)
                .redirectError(dir.resolve("child-" + mode + ".stderr").toFile()).start();
        long reached = -1;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            for (String line = out.readLine(); line != null && System.nanoTime() < deadline; line = out.readLine()) {
                String[] f = line.split(" ");
                assertThat(f[2]).as("processor state").isEqualTo("RUNNING");
                reached = Long.parseLong(f[1]);
                if (reached >= threshold) {
                    break;
                }
            }
            p.toHandle().destroyForcibly();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            p.destroyForcibly();
        }
        assertThat(p.exitValue()).as("child exit (stderr in %s)", dir).isEqualTo(137);
        assertThat(reached).as("%s child reached the threshold", mode).isGreaterThanOrEqualTo(threshold);
        return reached;
    }
}
