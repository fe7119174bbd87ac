package io.tributary.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.core.Direction;
import io.tributary.core.ReadFilter;
import io.tributary.core.ReadSlice;
import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.Tributary;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once with deletes: kill -9 a JVM running the tables topology (a projection table with
 * deletes, a filter, a regrouped count, a stream–table join) on RocksDB and heap state at seeded
 * random points, restart it each time, let it finish, and compare every output stream with an
 * uninterrupted run of the test driver: the same events with the same ids in the same order. The
 * seed is printed; {@code -Dtables.crash.seed=N} replays a run.
 */
class TablesCrashIT {
    static final int EVENTS = 8_000;
    static final int KILLS = 6;

    @TempDir
    Path dir;

    @Test
    void tableOutputsAfterKillNinesEqualAnUninterruptedRun() throws Exception {
        long seed = Long.getLong("tables.crash.seed", System.nanoTime());
        System.out.println("TablesCrashIT seed " + seed + " (replay with -Dtables.crash.seed=" + seed + ")");
        Random random = new Random(seed);
        try (EmbeddedEventStore store = Tributary.open(dir.resolve("log"))) {
            TablesTopology.appendWorkload(store, seed, EVENTS);
        }
        List<String> killedAt = new ArrayList<>();
        long reached = 0;
        for (int i = 0; i < KILLS; i++) {
            long threshold = reached + random.nextInt(2 * EVENTS / KILLS);
            String line = runChild(threshold, random.nextInt(20), false);
            killedAt.add(line);
            String[] f = line.split(" ");
            reached = f.length > 1 ? Long.parseLong(f[1]) : reached;
        }
        String last = runChild(Long.MAX_VALUE, 0, true);
        System.out.println("TablesCrashIT killed at " + killedAt + "; finished " + last);
        try (EmbeddedEventStore store = Tributary.open(dir.resolve("log"))) {
            List<String> rocks = StreamProcessorTest.outputs(store, "rocks");
            assertThat(rocks).as("RocksDB outputs (seed %d, kills %s)", seed, killedAt).isEqualTo(expected(store, "tables-rocks", "rocks"));
            assertThat(StreamProcessorTest.outputs(store, "heap")).as("heap outputs (seed %d, kills %s)", seed, killedAt)
                    .isEqualTo(expected(store, "tables-heap", "heap"));
            // Deletes flowed (a country's group empties only rarely with 100 users over 5 countries).
            assertThat(rocks).as("deletes were emitted").anyMatch(o -> o.startsWith("rocks-users") && o.endsWith("=-"))
                    .anyMatch(o -> o.startsWith("rocks-french") && o.endsWith("=-"));
        }
    }

    /** The outputs of an uninterrupted test-driver run over the inputs, formatted as {@link StreamProcessorTest#outputs}. */
    static List<String> expected(EmbeddedEventStore store, String name, String out) {
        List<String> result = new ArrayList<>();
        try (TopologyTestDriver d = new TopologyTestDriver(TablesTopology.build(out), name)) {
            long from = 0;
            while (true) {
                ReadSlice s = store.readAll(from, 1000, Direction.FORWARD, ReadFilter.categories("user", "click"));
                s.events().forEach(d::pipe);
                if (s.isEnd() || s.next().isEmpty()) {
                    break;
                }
                from = s.next().getAsLong();
            }
            for (OutputEvent o : d.outputs()) {
                result.add(o.stream() + " " + o.event().eventId() + " " + o.event().type() + " " + o.dataAsString());
            }
        }
        return result;
    }

    /** Runs the child until the RocksDB processor passes {@code threshold} (plus some progress lines), or finishes; then SIGKILL. */
    private String runChild(long threshold, int extraLines, boolean untilDone) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), TablesCrashChild.class.getName(), dir.toString())
                .redirectError(dir.resolve("child.stderr").toFile()).start();
        String last = "none";
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            int after = -1;
            for (String line = out.readLine(); line != null && System.nanoTime() < deadline; line = out.readLine()) {
                if (!line.startsWith("progress")) {
                    continue;
                }
                last = line;
                String[] f = line.split(" ");
                assertThat(f[3]).as("rocks processor state").isEqualTo("RUNNING");
                assertThat(f[4]).as("heap processor state").isEqualTo("RUNNING");
                long rocks = Long.parseLong(f[1]);
                long heap = Long.parseLong(f[2]);
                boolean done = rocks >= EVENTS - 1 && heap >= EVENTS - 1;
                if (untilDone) {
                    if (done) {
                        break;
                    }
                    continue;
                }
                if (after < 0 && rocks >= threshold) {
                    after = 0;
                }
                if ((after >= 0 && after++ >= extraLines) || done) {
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
