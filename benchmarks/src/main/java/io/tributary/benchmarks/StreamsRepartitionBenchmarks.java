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
import java.util.stream.Collectors;

/**
 * Partitioned against one-partition runs of a re-keyed topology ({@link StreamsRepartition}: a
 * {@code StreamProcessor} over the embedded store re-keys events to 1,000 groups and counts them
 * in 1-second tumbling windows). Every measurement is a fresh child JVM ({@link BenchChild}) that
 * builds its own log (not timed) and times the processor from its start until it has processed
 * the log; engines alternate within each run; figures are medians of {@code --runs} runs, ratios
 * medians of per-run ratios against the first engine; every engine must report the same results.
 *
 * <p>Flags (defaults in brackets): {@code --events N} [2000000], {@code --keys N} [10000],
 * {@code --runs N} [3], {@code --batch-events N} (the processor's {@code maxBatchEvents}) [1000],
 * {@code --engines ...} [heap-p1,heap-p2,rocksdb-p1,rocksdb-p2], {@code --jvm-opts "..."} [-Xmx2g],
 * {@code --seed N} [42], {@code --work-dir DIR} [benchmarks/target/streams-repartition-work].
 * {@code benchmarks/run-streams-repartition.sh} builds and runs it.
 */
public final class StreamsRepartitionBenchmarks {
    private StreamsRepartitionBenchmarks() {
    }

    /**
     * Runs the benchmark and prints the report.
     *
     * @param args flags, see the class description
     */
    public static void main(String[] args) throws IOException, InterruptedException {
        Map<String, String> flags = new LinkedHashMap<>();
        flags.put("events", "2000000");
        flags.put("keys", "10000");
        flags.put("runs", "3");
        flags.put("batch-events", "1000");
        flags.put("engines", "heap-p1,heap-p2,rocksdb-p1,rocksdb-p2");
        flags.put("jvm-opts", "-Xmx2g");
        flags.put("seed", "42");
        flags.put("work-dir", "benchmarks/target/streams-repartition-work");
        for (int i = 0; i < args.length; i++) {
            String name = args[i].startsWith("--") ? args[i].substring(2) : "";
            if (name.equals("help")) {
                System.out.println("Flags and defaults: " + flags + " (see the Javadoc of " + StreamsRepartitionBenchmarks.class.getName() + ")");
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
        Map<String, List<Double>> ratios = new LinkedHashMap<>();
        String check = null;
        for (int run = 1; run <= runs; run++) {
            Map<String, Double> thisRun = new LinkedHashMap<>();
            for (String engine : engines) {
                Path dir = work.resolve("run-" + engine + "-" + run);
                Files2.deleteRecursively(dir);
                ChildJvm.Result r = jvm.run("streams-repartition", List.of("--engine=" + engine, "--events=" + flags.get("events"),
                        "--keys=" + flags.get("keys"), "--seed=" + flags.get("seed"), "--dir=" + dir,
                        "--batchEvents=" + flags.get("batch-events")));
                Files2.deleteRecursively(dir);
                String results = r.text("results", "?") + " window results, " + r.text("counted", "?") + " events counted";
                if (check == null) {
                    check = results;
                } else if (!check.equals(results)) {
                    throw new IllegalStateException(engine + " computed " + results + " but an earlier engine " + check);
                }
                double rate = r.number("eventsPerSecond");
                thisRun.put(engine, rate);
                rates.computeIfAbsent(engine, e -> new ArrayList<>()).add(rate);
                System.err.printf("run %d %s: %s events/s (%s)%n", run, engine, Stats.compact(rate), results);
            }
            // Each engine against the one-partition engine of the same state backend, in this run.
            for (String engine : engines) {
                String single = engine.substring(0, engine.indexOf("-p")) + "-p1";
                if (!engine.equals(single) && thisRun.containsKey(single)) {
                    ratios.computeIfAbsent(engine + " / " + single, e -> new ArrayList<>()).add(thisRun.get(engine) / thisRun.get(single));
                }
            }
        }
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
        StringBuilder md = new StringBuilder();
        md.append("## Tributary streams: re-keyed windowed count, partitions, ").append(stamp).append(" UTC\n\n");
        md.append(Machine.describe(work)).append("  \nSettings: ").append(flags).append("  \nEvery engine computed ")
                .append(check).append(".\n\n");
        md.append("| engine | events/s (median) | runs |\n|---|---:|---|\n");
        for (String engine : engines) {
            md.append("| ").append(engine).append(" | ").append(Stats.count(Stats.median(rates.get(engine))))
                    .append(" | ").append(Stats.runs(rates.get(engine), 0)).append(" |\n");
        }
        if (!ratios.isEmpty()) {
            md.append("\nSame-run ratios (median of per-run ratios; per run in brackets):\n\n");
            ratios.forEach((pair, values) -> md.append("- ").append(pair).append(": **")
                    .append(Stats.fixed(Stats.median(values), 2)).append("×** (")
                    .append(values.stream().map(v -> Stats.fixed(v, 2)).collect(Collectors.joining(", ")))
                    .append(")\n"));
        }
        System.out.println(md);
        Path saved = work.resolve("results-" + stamp + ".md");
        Files.writeString(saved, md.toString());
        System.err.println("report saved to " + saved);
    }
}
