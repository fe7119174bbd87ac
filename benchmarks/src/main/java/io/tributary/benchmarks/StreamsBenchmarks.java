package io.tributary.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stream-processing benchmarks (issue 6): the windowed count of {@link StreamsCount} — 10 million
 * events, 10,000 keys, 1-second tumbling event-time windows, final results only — in Tributary
 * with heap state and with RocksDB state, beside a hand-written single-threaded {@code HashMap}
 * loop, in the same run. Every measurement is a fresh child JVM ({@link BenchChild}); engines
 * alternate within each run; figures are medians of {@code --runs} runs, ratios medians of per-run
 * ratios; each engine must report the same results as the loop.
 *
 * <p>Flags (defaults in brackets): {@code --events N} [10000000], {@code --keys N} [10000],
 * Flink ({@code flink-heap}, {@code flink-rocksdb}: {@link FlinkCount}, a local mini-cluster) runs
 * by default; Kafka Streams ({@code kstreams-heap}, {@code kstreams-rocksdb}: its
 * {@code TopologyTestDriver}, no broker) runs the same count when asked for in {@code --engines};
 * {@code input} measures building and handing over the input alone.
 * {@code --runs N} [3], {@code --commit-every N} (events between state commits, as a processor's
 * {@code maxBatchEvents}) [1000], {@code --engines ...} [loop,input,heap,flink-heap,rocksdb,flink-rocksdb], {@code --jvm-opts "..."}
 * [-Xmx2g], {@code --seed N} [42], {@code --work-dir DIR} [benchmarks/target/streams-bench-work].
 * The Markdown report goes to standard output and to {@code results-<time>.md} in the work
 * directory. {@code benchmarks/run-streams.sh} builds and runs it.
 */
public final class StreamsBenchmarks {
    private static final Map<String, String> NAMES = Map.of(
            "loop", "Hand-written HashMap loop (1 thread)",
            "input", "Input alone (the RecordedEvents fed to Tributary, no topology)",
            "heap", "Tributary, heap state",
            "rocksdb", "Tributary, RocksDB state",
            "flink-heap", "Flink 2.3 mini-cluster, HashMapStateBackend",
            "flink-rocksdb", "Flink 2.3 mini-cluster, EmbeddedRocksDBStateBackend",
            "kstreams-heap", "Kafka Streams 4.4 TopologyTestDriver, in-memory store",
            "kstreams-rocksdb", "Kafka Streams 4.4 TopologyTestDriver, RocksDB store");

    /** The same-run ratios reported: Tributary against each peer, and against the loop's bound. */
    private static final List<String[]> PEERS = List.of(
            new String[] {"heap", "flink-heap"},
            new String[] {"rocksdb", "flink-rocksdb"},
            new String[] {"heap", "kstreams-heap"},
            new String[] {"rocksdb", "kstreams-rocksdb"},
            new String[] {"loop", "heap"},
            new String[] {"input", "heap"});

    private StreamsBenchmarks() {
    }

    /**
     * The class-path entries an engine's child gets: Flink's RocksDB backend needs its own fork of
     * RocksDB ({@code frocksdbjni}, the same {@code org.rocksdb} packages), so its child gets that
     * and not Tributary's {@code rocksdbjni}; every other child gets {@code rocksdbjni} only.
     */
    private static java.util.function.Predicate<String> onClasspathOf(String engine) {
        boolean flinkRocks = engine.equals("flink-rocksdb");
        return entry -> {
            String file = Path.of(entry).getFileName().toString();
            if (file.startsWith("frocksdbjni-")) {
                return flinkRocks;
            }
            if (file.startsWith("rocksdbjni-")) {
                return !flinkRocks;
            }
            return true;
        };
    }

    /**
     * Runs the benchmark and prints the report.
     *
     * @param args flags, see the class description
     */
    public static void main(String[] args) throws IOException, InterruptedException {
        Map<String, String> flags = new LinkedHashMap<>();
        flags.put("events", "10000000");
        flags.put("keys", "10000");
        flags.put("runs", "3");
        flags.put("commit-every", "1000");
        flags.put("engines", "loop,input,heap,flink-heap,rocksdb,flink-rocksdb");
        flags.put("jvm-opts", "-Xmx2g");
        flags.put("seed", "42");
        flags.put("work-dir", "benchmarks/target/streams-bench-work");
        for (int i = 0; i < args.length; i++) {
            String name = args[i].startsWith("--") ? args[i].substring(2) : "";
            if (name.equals("help")) {
                System.out.println("Flags and defaults: " + flags + " (see the Javadoc of " + StreamsBenchmarks.class.getName() + ")");
                return;
            }
            if (!flags.containsKey(name) || i + 1 >= args.length) {
                System.err.println("unknown flag or missing value: '" + args[i] + "'; --help lists them");
                System.exit(2);
            }
            flags.put(name, args[++i]);
        }
        Path work = Path.of(flags.get("work-dir")).toAbsolutePath();
        Files.createDirectories(work);
        ChildJvm jvm = new ChildJvm(Arrays.asList(flags.get("jvm-opts").trim().split("\\s+")), work.resolve("logs"), 60,
                Long.parseLong(flags.get("seed")));
        List<String> engines = List.of(flags.get("engines").split(","));
        int runs = Integer.parseInt(flags.get("runs"));
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        Map<String, List<Double>> rss = new LinkedHashMap<>();
        Map<String, List<Double>> ratios = new LinkedHashMap<>();
        Map<String, List<Double>> peerRatios = new LinkedHashMap<>();
        String check = null;
        for (int run = 1; run <= runs; run++) {
            Map<String, Double> thisRun = new LinkedHashMap<>();
            for (String engine : engines) {
                Path dir = work.resolve("state-" + engine + "-" + run);
                Files2.deleteRecursively(dir);
                ChildJvm.Result r = jvm.run("streams-count", List.of("--engine=" + engine, "--events=" + flags.get("events"),
                        "--keys=" + flags.get("keys"), "--seed=" + flags.get("seed"), "--dir=" + dir,
                        "--commitEvery=" + flags.get("commit-every")), onClasspathOf(engine));
                Files2.deleteRecursively(dir);
                String results = r.text("results", "?") + " results, " + r.text("counted", "?") + " counted";
                if (check == null) {
                    check = results;
                } else if (!check.equals(results)) {
                    throw new IllegalStateException(engine + " computed " + results + " but an earlier engine " + check);
                }
                double rate = r.number("eventsPerSecond");
                thisRun.put(engine, rate);
                rates.computeIfAbsent(engine, e -> new ArrayList<>()).add(rate);
                rss.computeIfAbsent(engine, e -> new ArrayList<>()).add(r.number("rssPeakBytes", Double.NaN));
                System.err.printf("run %d %s: %s events/s (%s)%n", run, engine, Stats.compact(rate), results);
            }
            Double loop = thisRun.get("loop");
            for (String engine : engines) {
                if (loop != null) {
                    ratios.computeIfAbsent(engine, e -> new ArrayList<>()).add(thisRun.get(engine) / loop);
                }
            }
            for (String[] pair : PEERS) {
                if (thisRun.containsKey(pair[0]) && thisRun.containsKey(pair[1])) {
                    peerRatios.computeIfAbsent(pair[0] + " / " + pair[1], e -> new ArrayList<>())
                            .add(thisRun.get(pair[0]) / thisRun.get(pair[1]));
                }
            }
        }
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
        StringBuilder md = new StringBuilder();
        md.append("## Tributary stream-processing benchmark, ").append(stamp).append(" UTC\n\n");
        md.append(Machine.describe(work)).append("  \nSettings: ").append(flags).append("  \nEvery engine computed ")
                .append(check).append(".\n\n");
        md.append("| engine | events/s (median) | runs | vs. the loop | peak RSS |\n|---|---:|---|---:|---:|\n");
        for (String engine : engines) {
            md.append("| ").append(NAMES.getOrDefault(engine, engine)).append(" | ").append(Stats.count(Stats.median(rates.get(engine))))
                    .append(" | ").append(Stats.runs(rates.get(engine), 0)).append(" | ")
                    .append(ratios.containsKey(engine) ? Stats.fixed(Stats.median(ratios.get(engine)), 3) + "×" : "n/a")
                    .append(" | ").append(Stats.mib(Stats.median(rss.get(engine)))).append(" |\n");
        }
        if (!peerRatios.isEmpty()) {
            md.append("\nSame-run ratios (median of per-run ratios; per run in brackets):\n\n");
            peerRatios.forEach((pair, values) -> md.append("- ").append(pair).append(": **")
                    .append(Stats.fixed(Stats.median(values), 2)).append("×** (")
                    .append(values.stream().map(v -> Stats.fixed(v, 2)).collect(java.util.stream.Collectors.joining(", ")))
                    .append(")\n"));
        }
        System.out.println(md);
        Path saved = work.resolve("results-" + stamp + ".md");
        Files.writeString(saved, md.toString());
        System.err.println("report saved to " + saved);
    }
}
