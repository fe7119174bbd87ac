package io.tributary.streams;

import static org.assertj.core.api.Assertions.assertThat;

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
 * Kill -9 a JVM running five processors (RocksDB and heap state, 3 partitions, a re-keyed
 * topology in 3 partitions, and a topology re-keyed after state in 3 partitions, whose records go
 * through repartition streams in the log) over topologies with aggregations, windows, a stream–stream
 * join and a pattern at many seeded random points,
 * restart it each time, let it finish, and compare every output stream with an uninterrupted run:
 * the same events with the same ids in the same order — no duplicate, no loss. The seed is
 * printed; set {@code -Dstreams.crash.seed=N} to replay a run.
 */
class StreamsCrashIT {
    static final int EVENTS = 12_000;
    static final int KILLS = 10;

    @TempDir
    Path dir;
    private long lastInput;

    @Test
    void outputsAfterManyKillNinesEqualAnUninterruptedRun() throws Exception {
        long seed = Long.getLong("streams.crash.seed", System.nanoTime());
        System.out.println("StreamsCrashIT seed " + seed + " (replay with -Dstreams.crash.seed=" + seed + ")");
        Random random = new Random(seed);
        try (EmbeddedEventStore store = Tributary.open(dir.resolve("log"))) {
            CrashTopology.appendClicks(store, seed, EVENTS);
            RekeyedTopology.appendInput(store, seed, 0); // the group names of the re-keyed topology's table
            RekeyedTopology.appendTicks(store); // close every window of the re-keyed topology's partitions
            lastInput = store.headPosition();
        }
        List<String> killedAt = new ArrayList<>();
        long reached = 0;
        for (int i = 0; i < KILLS; i++) {
            // Somewhere ahead of where the RocksDB processor got to, so the kills spread over the whole input.
            long threshold = reached + random.nextInt(2 * EVENTS / KILLS);
            int extraLines = random.nextInt(20);
            String line = runChild(threshold, extraLines, false);
            killedAt.add(line);
            String[] f = line.split(" ");
            reached = f.length > 1 ? Long.parseLong(f[1]) : reached;
        }
        int truncatedWhileKilled;
        try (EmbeddedEventStore store = Tributary.open(dir.resolve("log"))) {
            truncatedWhileKilled = RepartitionTest.truncatedStreams(store, "crash-srekey");
        }
        String last = runChild(Long.MAX_VALUE, 0, true);
        System.out.println("StreamsCrashIT killed at " + killedAt + "; finished " + last + "; repartition streams truncated"
                + " before the last run: " + truncatedWhileKilled);
        try (EmbeddedEventStore store = Tributary.open(dir.resolve("log"))) {
            List<String> rocks = StreamProcessorTest.outputs(store, "rocks");
            List<String> heap = StreamProcessorTest.outputs(store, "heap");
            assertThat(rocks).as("RocksDB outputs (seed %d, kills %s)", seed, killedAt)
                    .isEqualTo(StreamProcessorTest.expected(store, "crash-rocks", "rocks"));
            assertThat(heap).as("heap outputs (seed %d, kills %s)", seed, killedAt)
                    .isEqualTo(StreamProcessorTest.expected(store, "crash-heap", "heap"));
            assertThat(rocks).hasSizeGreaterThan(EVENTS)
                    .anyMatch(o -> o.startsWith("rocks-join ") && o.contains("+-"))  // an outer join's unmatched record
                    .anyMatch(o -> o.startsWith("rocks-join ") && o.matches(".*=\\d+\\+\\d+$"))  // a matched pair
                    .anyMatch(o -> o.startsWith("rocks-pattern "));
            // Partitions interleave their outputs in any order: compare sorted, with an uninterrupted
            // run of the same processor (same name, so the same ids) into other streams.
            List<String> parts = sortedWithoutCategory(StreamProcessorTest.outputs(store, "part"));
            try (StreamProcessor reference = StreamProcessor.start(store, CrashTopology.build("partref"),
                    StreamsCrashChild.partitioned(dir.resolve("reference")))) {
                assertThat(reference.awaitPosition(lastInput, java.time.Duration.ofSeconds(60))).isTrue();
            }
            assertThat(parts).as("partitioned outputs (seed %d, kills %s)", seed, killedAt)
                    .isEqualTo(sortedWithoutCategory(StreamProcessorTest.outputs(store, "partref")));
            // The re-keyed topology: ids and all equal to an uninterrupted run of the same processor,
            // and per key equal to the test driver (one task) over the same input.
            List<String> rekeyed = sortedWithoutCategory(StreamProcessorTest.outputs(store, "rekey"));
            try (StreamProcessor reference = StreamProcessor.start(store, RekeyedTopology.build("rekeyref"),
                    StreamsCrashChild.rekeyed(dir.resolve("reference")))) {
                assertThat(reference.awaitPosition(lastInput, java.time.Duration.ofSeconds(60))).isTrue();
            }
            assertThat(rekeyed).as("re-keyed outputs (seed %d, kills %s)", seed, killedAt)
                    .hasSizeGreaterThan(EVENTS)
                    .isEqualTo(sortedWithoutCategory(StreamProcessorTest.outputs(store, "rekeyref")));
            assertThat(RekeyedTopology.outputsByKey(store, "rekey")).as("re-keyed outputs per key (seed %d)", seed)
                    .isEqualTo(RekeyedTopology.driverByKey(store, "rekey"));
            // Re-keyed after state: per key equal to the test driver (a duplicated or lost re-keyed
            // record would change a count), and ids and all equal to an uninterrupted run of the same
            // processor (which reads the same repartition streams, so its stage-2 outputs get the same ids).
            assertThat(StateRekeyTopology.outputsByKey(store, "srekey")).as("re-keyed-after-state outputs per key (seed %d, kills %s)",
                    seed, killedAt).isEqualTo(StateRekeyTopology.driverByKey(store, "srekey"));
            // Its repartition streams are truncated behind its partitions' durable state (kills
            // included): resumed once more until every one is, it finds all it needs and adds nothing.
            List<String> srekeyOutputs = StreamProcessorTest.outputs(store, "srekey");
            try (StreamProcessor again = StreamProcessor.start(store, StateRekeyTopology.build("srekey"),
                    StreamsCrashChild.rekeyedAfterState(dir))) {
                assertThat(again.awaitPosition(lastInput, java.time.Duration.ofSeconds(60))).isTrue();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (RepartitionTest.truncatedStreams(store, "crash-srekey") < 3) {
                    assertThat(System.nanoTime()).as("repartition streams truncated").isLessThan(deadline);
                    Thread.sleep(20);
                }
            }
            assertThat(StreamProcessorTest.outputs(store, "srekey")).isEqualTo(srekeyOutputs);
            // Equal, line for line, to an uninterrupted run of the same topology under another name
            // (its own repartition streams, so other ids: compared without them).
            List<String> srekeyed = withoutIds(sortedWithoutCategory(srekeyOutputs));
            try (StreamProcessor reference = StreamProcessor.start(store, StateRekeyTopology.build("srekeyref"),
                    StreamsCrashChild.rekeyedAfterState("crash-srekey-ref", dir.resolve("reference")))) {
                assertThat(reference.awaitPosition(lastInput, java.time.Duration.ofSeconds(60))).isTrue();
            }
            assertThat(srekeyed).as("re-keyed-after-state outputs (seed %d, kills %s)", seed, killedAt)
                    .anyMatch(o -> o.startsWith("-window ")).anyMatch(o -> o.startsWith("-parity "))
                    .isEqualTo(withoutIds(sortedWithoutCategory(StreamProcessorTest.outputs(store, "srekeyref"))));
        }
    }

    /** {@code stream id type data} lines as {@code stream type data}, sorted. */
    private static List<String> withoutIds(List<String> outputs) {
        return outputs.stream().map(o -> o.replaceFirst(" [0-9a-f-]{36} ", " ")).sorted().toList();
    }

    private static List<String> sortedWithoutCategory(List<String> outputs) {
        return outputs.stream().map(o -> o.substring(o.indexOf('-'))).sorted().toList();
    }

    /** Runs the child until the RocksDB processor passes {@code threshold} (plus some progress lines), or finishes; then SIGKILL. */
    private String runChild(long threshold, int extraLines, boolean untilDone) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), StreamsCrashChild.class.getName(), dir.toString())
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
                assertThat(f[4]).as("rocks processor state").isEqualTo("RUNNING");
                assertThat(f[5]).as("heap processor state").isEqualTo("RUNNING");
                assertThat(f[7]).as("partitioned processor state").isEqualTo("RUNNING");
                assertThat(f[9]).as("re-keyed processor state").isEqualTo("RUNNING");
                assertThat(f[11]).as("re-keyed-after-state processor state").isEqualTo("RUNNING");
                long rocks = Long.parseLong(f[1]);
                long heap = Math.min(Math.min(Long.parseLong(f[2]), Long.parseLong(f[10])), Math.min(Long.parseLong(f[6]), Long.parseLong(f[8])));
                if (untilDone) {
                    if (rocks >= lastInput && heap >= lastInput) {
                        break;
                    }
                    continue;
                }
                if (after < 0 && rocks >= threshold) {
                    after = 0;
                }
                if (after >= 0 && after++ >= extraLines) {
                    break;
                }
                if (rocks >= lastInput && heap >= lastInput) {
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
