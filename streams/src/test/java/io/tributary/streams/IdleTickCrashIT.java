package io.tributary.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.core.ReadFilter;
import io.tributary.core.RecordedEvent;
import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.Tributary;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kill -9 a JVM whose processor (RocksDB state, 100 ms idle timeout) writes watermark ticks between
 * bursts of input, at seeded random times, restart it each time, and compare the outputs with the
 * test driver fed the same log (clicks and ticks): the same events with the same ids in the same
 * order. Windows closed by ticks (no later input) are among them. Replay a run with
 * {@code -Dstreams.crash.seed=N}.
 */
class IdleTickCrashIT {
    static final int KILLS = 8;

    @TempDir
    Path dir;

    @Test
    void ticksAreReplayedAtTheSamePlaceAfterKillNines() throws Exception {
        long seed = Long.getLong("streams.crash.seed", System.nanoTime());
        System.out.println("IdleTickCrashIT seed " + seed + " (replay with -Dstreams.crash.seed=" + seed + ")");
        Random random = new Random(seed);
        List<String> killedAt = new ArrayList<>();
        for (int i = 0; i < KILLS; i++) {
            killedAt.add(runChild(random.nextLong(), 300 + random.nextInt(3_000), false));
        }
        String last = runChild(random.nextLong(), 0, true);
        System.out.println("IdleTickCrashIT killed at " + killedAt + "; finished " + last);
        try (EmbeddedEventStore store = Tributary.open(dir.resolve("log"))) {
            List<RecordedEvent> input = IdleTimeoutTest.read(store, ReadFilter.categories("click", "tributary.ticks"));
            Set<Long> tickPositions = input.stream().filter(e -> e.stream().category().equals("tributary.ticks"))
                    .map(RecordedEvent::position).collect(Collectors.toSet());
            List<OutputEvent> expected;
            try (TopologyTestDriver d = new TopologyTestDriver(IdleTimeoutTest.topology(Duration.ofMillis(200)), "ticking")) {
                input.forEach(d::pipe);
                expected = d.outputs();
            }
            List<String> actual = IdleTimeoutTest.read(store, ReadFilter.categories("counted")).stream()
                    .map(e -> e.stream() + " " + e.eventId() + " " + e.type() + " " + e.dataAsString()).toList();
            assertThat(actual).as("seed %d, kills %s", seed, killedAt).isEqualTo(StateEquivalence.format(expected));
            assertThat(tickPositions).as("ticks written").hasSizeGreaterThan(KILLS);
            assertThat(expected).as("windows closed by a tick").anyMatch(o -> tickPositions.contains(o.inputPosition()));
            assertThat(input.stream().filter(e -> e.stream().category().equals("click")).count()).isEqualTo(IdleTickCrashChild.CLICKS);
        }
    }

    /**
     * Runs the child, then SIGKILL: {@code killAfterMs} after its first line, or when every click is in the log and
     * the processor has been caught up for a second ({@code untilDone}).
     */
    private String runChild(long childSeed, long killAfterMs, boolean untilDone) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), IdleTickCrashChild.class.getName(), dir.toString(), Long.toString(childSeed))
                .redirectError(dir.resolve("child.stderr").toFile()).start();
        String last = "none";
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            long start = -1; // from the first line: the JVM's start-up is not part of the run
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            long caughtUpSince = -1;
            for (String line = out.readLine(); line != null && System.nanoTime() < deadline; line = out.readLine()) {
                last = line;
                String[] f = line.split(" ");
                assertThat(f[4]).as("processor state").isEqualTo("RUNNING");
                long now = System.nanoTime();
                if (start < 0) {
                    start = now;
                }
                if (!untilDone) {
                    if (now - start >= TimeUnit.MILLISECONDS.toNanos(killAfterMs)) {
                        break;
                    }
                    continue;
                }
                boolean done = Long.parseLong(f[2]) >= IdleTickCrashChild.CLICKS && Long.parseLong(f[1]) >= Long.parseLong(f[3]);
                if (!done) {
                    caughtUpSince = -1;
                } else if (caughtUpSince < 0) {
                    caughtUpSince = now;
                } else if (now - caughtUpSince >= TimeUnit.SECONDS.toNanos(1)) {
                    break;
                }
            }
            p.toHandle().destroyForcibly();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            p.destroyForcibly();
        }
        assertThat(p.exitValue()).as("child exit (stderr in %s)", dir.resolve("child.stderr")).isEqualTo(137);
        return last;
    }
}
