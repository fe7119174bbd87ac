package io.tributary.benchmarks.nexmark;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The NEXMark benchmark (issue 6): queries q0–q8 over the same generated events on Tributary's
 * {@code streams} DSL, Apache Flink (local mini-cluster, parallelism 1) and Kafka Streams
 * ({@code TopologyTestDriver}, no broker). Every measurement runs in a fresh child JVM
 * ({@link NexmarkChild}); the report gives events/s and peak RSS per engine, the ratios
 * Tributary/Flink and Tributary/Kafka Streams (medians of the per-run ratios), and whether the
 * three engines' results are identical (sorted canonical rows compared, with a diff sample when
 * they are not). Run it with {@code benchmarks/run-nexmark.sh}; {@code --help} lists the flags.
 */
public final class NexmarkBenchmarks {
    private static final List<String> ENGINES = List.of("tributary", "flink", "kstreams");
    private static final Map<String, String> ENGINE_NAMES = Map.of("tributary", "Tributary", "flink", "Flink", "kstreams", "Kafka Streams");

    private final long events;
    private final int runs;
    private final List<Query> queries;
    private final List<String> engines;
    private final long seed;
    private final long delayUs;
    private final long warmupEvents;
    private final String tributaryInput;
    private final List<String> jvmOptions;
    private final Path workDir;
    private final long timeoutMinutes;
    private final List<String> problems = new ArrayList<>();
    private int started;

    private NexmarkBenchmarks(Map<String, String> o) {
        events = Long.parseLong(o.get("events").replace("_", "").replace(",", ""));
        runs = Integer.parseInt(o.get("runs"));
        queries = o.get("queries").equals("all") ? List.of(Query.values())
                : Arrays.stream(o.get("queries").split(",")).map(Query::parse).toList();
        engines = Arrays.stream(o.get("engines").split(",")).map(String::trim).toList();
        for (String e : engines) {
            if (!ENGINES.contains(e)) {
                throw new IllegalArgumentException("unknown engine '" + e + "'; known: " + ENGINES);
            }
        }
        seed = Long.parseLong(o.get("seed"));
        delayUs = Long.parseLong(o.get("delay-us"));
        warmupEvents = Long.parseLong(o.get("warmup-events").replace("_", "").replace(",", ""));
        tributaryInput = o.get("tributary-input");
        if (!tributaryInput.equals("frames") && !tributaryInput.equals("records")) {
            throw new IllegalArgumentException("--tributary-input must be frames or records, got '" + tributaryInput + "'");
        }
        jvmOptions = o.get("jvm-opts").isBlank() ? List.of() : List.of(o.get("jvm-opts").trim().split("\\s+"));
        workDir = Path.of(o.get("work-dir"));
        timeoutMinutes = Long.parseLong(o.get("timeout-minutes"));
    }

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("events", "1000000");
        d.put("runs", "3");
        d.put("queries", "all");
        d.put("engines", String.join(",", ENGINES));
        d.put("seed", "42");
        d.put("delay-us", "100");
        d.put("warmup-events", "0");
        d.put("tributary-input", "frames");
        d.put("jvm-opts", "-Xmx2g -Xms256m");
        d.put("work-dir", "benchmarks/target/nexmark-work");
        d.put("timeout-minutes", "30");
        return d;
    }

    private static final Map<String, String> HELP = Map.ofEntries(
            Map.entry("events", "events generated per measurement (1:3:46 persons:auctions:bids)"),
            Map.entry("runs", "runs per query and engine; figures are medians, ratios medians of per-run ratios"),
            Map.entry("queries", "comma-separated q0..q8, or all"),
            Map.entry("engines", "comma-separated subset of tributary,flink,kstreams"),
            Map.entry("seed", "generator seed (same seed, same events on every engine)"),
            Map.entry("delay-us", "event time between consecutive events, microseconds (100 = 10,000 events/s of event time)"),
            Map.entry("warmup-events", "each child first runs the query, untimed, on this many events (the same engine, "
                    + "the same JVM), then the timed run; 0 = none"),
            Map.entry("tributary-input", "frames: Tributary reads the events as log frames, walked in place by the store's FrameView "
                    + "(as a processor reads segments); records: a RecordedEvent per event (the harness before views)"),
            Map.entry("jvm-opts", "options of the child JVMs (one per measurement)"),
            Map.entry("work-dir", "where result rows, child logs and the report go"),
            Map.entry("timeout-minutes", "a child running longer is killed and reported as a problem"));

    /**
     * Runs the benchmark.
     *
     * @param args {@code --flag value} pairs; {@code --help} lists them
     * @throws Exception when the work directory cannot be written
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> o = defaults();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                System.out.println("Usage: benchmarks/run-nexmark.sh [--no-build] [--flag value]...");
                System.out.println("NEXMark q0-q8 on Tributary streams, Flink and Kafka Streams, results cross-checked.");
                defaults().forEach((k, v) -> System.out.printf(Locale.ROOT, "  --%-16s %s (default: %s)%n", k, HELP.get(k), v));
                return;
            }
            String key = a.startsWith("--") ? a.substring(2) : a;
            if (!o.containsKey(key) || i + 1 >= args.length) {
                System.err.println("unknown flag or missing value: " + a + " (see --help)");
                System.exit(2);
            }
            o.put(key, args[++i]);
        }
        new NexmarkBenchmarks(o).run();
    }

    /** One child's figures. */
    /** One child's result; {@code queryCpuNsPerEvent} is negative when unknown (see {@link QueryCpu}). */
    private record Measurement(double eventsPerSec, long rssPeakBytes, long rows, long emitted, String digest, double queryCpuNsPerEvent,
                               double queryAllocBytesPerEvent) {
    }

    private void run() throws IOException, InterruptedException {
        Files.createDirectories(workDir.resolve("logs"));
        Files.createDirectories(workDir.resolve("rows"));
        String loadBefore = loadAverage();
        Instant startedAt = Instant.now();
        // results[query][engine] = one measurement per run
        Map<Query, Map<String, List<Measurement>>> results = new LinkedHashMap<>();
        for (Query q : queries) {
            Map<String, List<Measurement>> perEngine = new LinkedHashMap<>();
            for (String e : engines) {
                perEngine.put(e, new ArrayList<>());
            }
            results.put(q, perEngine);
        }
        List<Measurement> input = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            // the floor under every engine: decoding the events alone
            Measurement floor = measure(Query.Q0, "input", run);
            if (floor != null) {
                input.add(floor);
                System.err.printf(Locale.ROOT, "run %d input only %,12.0f events/s%n", run, floor.eventsPerSec());
            }
            for (int qi = 0; qi < queries.size(); qi++) {
                Query q = queries.get(qi);
                // rotate which engine goes first, so none always runs on a cooler or hotter machine
                for (int k = 0; k < engines.size(); k++) {
                    String engine = engines.get((k + run - 1 + qi) % engines.size());
                    Measurement m = measure(q, engine, run);
                    if (m != null) {
                        results.get(q).get(engine).add(m);
                        System.err.printf(Locale.ROOT, "run %d %s %-9s %,12.0f events/s  query-thread CPU %6.1f ns/event  alloc %6.1f B/event"
                                        + "  rss %,6d MB  rows %,d  %s  load %s%n", run, q.id(), engine, m.eventsPerSec(), m.queryCpuNsPerEvent(),
                                m.queryAllocBytesPerEvent(), m.rssPeakBytes() >> 20, m.rows(), m.digest(), loadAverage());
                    }
                }
            }
        }
        String report = report(results, input, loadBefore, loadAverage(), startedAt);
        System.out.println(report);
        Path file = workDir.resolve("results-" + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC)
                .format(startedAt) + ".md");
        Files.writeString(file, report);
        System.err.println("report saved to " + file);
    }

    private Measurement measure(Query q, String engine, int run) throws InterruptedException, IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(NexmarkChild.class.getName());
        command.add("--engine=" + engine);
        command.add("--query=" + q.id());
        command.add("--events=" + events);
        command.add("--seed=" + seed);
        command.add("--delayUs=" + delayUs);
        command.add("--warmupEvents=" + warmupEvents);
        command.add("--tributaryInput=" + tributaryInput);
        if (run == 1 && !engine.equals("input")) {
            command.add("--rowsFile=" + rowsFile(q, engine));
        }
        Path log = workDir.resolve("logs").resolve(String.format(Locale.ROOT, "%03d-%s-%s-run%d.log", started++, q.id(), engine, run));
        Files.writeString(log, String.join(" ", command) + System.lineSeparator());
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        Map<String, String> values = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith(NexmarkChild.RESULT + " ")) {
                    values = new HashMap<>();
                    for (String part : line.substring(NexmarkChild.RESULT.length() + 1).split(" ")) {
                        int eq = part.indexOf('=');
                        values.put(part.substring(0, eq), part.substring(eq + 1));
                    }
                }
            }
        }
        if (!p.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            problems.add(q.id() + " on " + engine + " run " + run + ": timed out after " + timeoutMinutes + " min (log " + log + ")");
            return null;
        }
        if (p.exitValue() != 0 || values == null) {
            problems.add(q.id() + " on " + engine + " run " + run + ": failed, exit " + p.exitValue() + " (log " + log + ")");
            System.err.println("FAILED " + q.id() + " " + engine + "; log " + log);
            return null;
        }
        return new Measurement(Double.parseDouble(values.get("eventsPerSec")), Long.parseLong(values.get("rssPeakBytes")),
                Long.parseLong(values.get("rows")), Long.parseLong(values.get("emitted")), values.get("digest"),
                Double.parseDouble(values.getOrDefault("queryCpuNsPerEvent", "-1")),
                Double.parseDouble(values.getOrDefault("queryAllocBytesPerEvent", "-1")));
    }

    private Path rowsFile(Query q, String engine) {
        return workDir.resolve("rows").resolve(q.id() + "-" + engine + ".txt");
    }

    private String report(Map<Query, Map<String, List<Measurement>>> results, List<Measurement> input, String loadBefore,
                          String loadAfter, Instant startedAt) throws IOException {
        StringBuilder s = new StringBuilder();
        s.append("# NEXMark: Tributary streams vs Flink vs Kafka Streams\n\n");
        s.append(String.format(Locale.ROOT, "- %s; %,d events per measurement (seed %d, %d µs between events), %d run(s), "
                + "a fresh JVM per measurement (`%s`)%s%n", Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
                events, seed, delayUs, runs, String.join(" ", jvmOptions),
                warmupEvents > 0 ? String.format(Locale.ROOT, ", each timed run preceded by an untimed run on the first %,d events",
                        warmupEvents) : ""));
        s.append(String.format(Locale.ROOT, "- Tributary's input: %s%n", tributaryInput.equals("frames")
                ? "log frames of 1,000 events, checksum checked, walked in place (views)" : "a RecordedEvent per event"));
        s.append(String.format(Locale.ROOT, "- machine: %d cores (%s), Java %s; load average before %s, after %s; took %d min%n",
                Runtime.getRuntime().availableProcessors(), cpuModel(), System.getProperty("java.version"), loadBefore, loadAfter,
                java.time.Duration.between(startedAt, Instant.now()).toMinutes()));
        s.append(String.format(Locale.ROOT, "- decoding the events alone (the floor under every engine): %s events/s%n%n",
                fmt(median(input.stream().mapToDouble(Measurement::eventsPerSec).toArray()), "%,.0f")));
        boolean vsFlink = engines.contains("tributary") && engines.contains("flink");
        boolean vsKafka = engines.contains("tributary") && engines.contains("kstreams");
        s.append("| query | ");
        for (String e : engines) {
            s.append(ENGINE_NAMES.get(e)).append(" events/s | ");
        }
        s.append(vsFlink ? "Tributary / Flink (goal ≥ 1.5) | " : "").append(vsKafka ? "Tributary / Kafka Streams | " : "");
        s.append("peak RSS MB (");
        s.append(String.join(" / ", engines.stream().map(ENGINE_NAMES::get).toList()));
        s.append(") | query-thread CPU ns/event (");
        s.append(String.join(" / ", engines.stream().map(ENGINE_NAMES::get).toList()));
        s.append(") | ").append(vsFlink ? "by CPU: Tributary / Flink | " : "");
        s.append("query-thread allocation B/event (");
        s.append(String.join(" / ", engines.stream().map(ENGINE_NAMES::get).toList()));
        s.append(") | result rows | results |\n|---|");
        s.append("---:|".repeat(engines.size() + (vsFlink ? 2 : 0) + (vsKafka ? 1 : 0) + 4));
        s.append("---|\n");
        StringBuilder diffs = new StringBuilder();
        for (Map.Entry<Query, Map<String, List<Measurement>>> qe : results.entrySet()) {
            Query q = qe.getKey();
            Map<String, List<Measurement>> m = qe.getValue();
            s.append("| ").append(q.id()).append(' ').append(q.title()).append(" | ");
            for (String e : engines) {
                s.append(fmt(median(m.get(e).stream().mapToDouble(Measurement::eventsPerSec).toArray()), "%,.0f")).append(" | ");
            }
            if (vsFlink) {
                double r = medianRatio(m.get("tributary"), m.get("flink"));
                s.append(fmt(r, "%.2f×")).append(r >= 1.5 ? " ✓" : Double.isNaN(r) ? "" : " ✗").append(" | ");
            }
            if (vsKafka) {
                s.append(fmt(medianRatio(m.get("tributary"), m.get("kstreams")), "%.2f×")).append(" | ");
            }
            List<String> rss = new ArrayList<>();
            for (String e : engines) {
                rss.add(fmt(median(m.get(e).stream().mapToDouble(x -> x.rssPeakBytes() / 1048576.0).toArray()), "%,.0f"));
            }
            s.append(String.join(" / ", rss)).append(" | ");
            List<String> cpu = new ArrayList<>();
            for (String e : engines) {
                cpu.add(fmt(median(m.get(e).stream().mapToDouble(Measurement::queryCpuNsPerEvent).filter(x -> x >= 0).toArray()), "%.1f"));
            }
            s.append(String.join(" / ", cpu)).append(" | ");
            if (vsFlink) {
                s.append(fmt(medianCpuRatio(m.get("tributary"), m.get("flink")), "%.2f×")).append(" | ");
            }
            List<String> alloc = new ArrayList<>();
            for (String e : engines) {
                alloc.add(fmt(median(m.get(e).stream().mapToDouble(Measurement::queryAllocBytesPerEvent).filter(x -> x >= 0).toArray()),
                        "%.0f"));
            }
            s.append(String.join(" / ", alloc)).append(" | ");
            List<Measurement> first = m.get(engines.get(0));
            s.append(first.isEmpty() ? "–" : String.format(Locale.ROOT, "%,d", first.get(0).rows())).append(" | ");
            s.append(check(q, m, diffs)).append(" |\n");
        }
        s.append("\nevents/s: median over runs of the events decoded and processed per second of the engine's processing "
                + "time (events generated and encoded before the timer; JVM and mini-cluster start excluded); "
                + "ratios: median of the per-run ratios. "
                + "Query-thread CPU: CPU time of the thread that ran the query over the same interval per event (robust to other "
                + "load on the machine, but without the JVM's garbage collection and JIT threads); – where the query spans "
                + "several threads (Flink beyond q2: its keyed operators run in tasks of their own). "
                + "Query-thread allocation: the bytes that thread allocated per event over the same interval (every object it built: "
                + "decoded events, results, the engine's own garbage). "
                + "Results: each engine's output reduced to sorted canonical rows (table queries: the final value per key), "
                + "compared with Tributary's (MATCH: identical rows on every engine; the digest of every later run equal to run 1's).\n");
        if (diffs.length() > 0) {
            s.append("\n## Differences\n\n").append(diffs);
        }
        if (!problems.isEmpty()) {
            s.append("\n## Problems\n\n");
            for (String p : problems) {
                s.append("- ").append(p).append('\n');
            }
        }
        return s.toString();
    }

    /** MATCH when the run-1 rows of every engine are identical and every run's digest equals run 1's. */
    private String check(Query q, Map<String, List<Measurement>> m, StringBuilder diffs) throws IOException {
        String reference = engines.get(0);
        if (m.get(reference).isEmpty() || !Files.exists(rowsFile(q, reference))) {
            return "not checked";
        }
        List<String> expected = Files.readAllLines(rowsFile(q, reference), StandardCharsets.UTF_8);
        List<String> notes = new ArrayList<>();
        for (String e : engines) {
            List<Measurement> runsOf = m.get(e);
            if (runsOf.isEmpty() || !Files.exists(rowsFile(q, e))) {
                notes.add(ENGINE_NAMES.get(e) + " not checked");
                continue;
            }
            for (Measurement x : runsOf) {
                if (!x.digest().equals(runsOf.get(0).digest())) {
                    notes.add(ENGINE_NAMES.get(e) + " differs between runs");
                    break;
                }
            }
            if (e.equals(reference)) {
                continue;
            }
            List<String> actual = Files.readAllLines(rowsFile(q, e), StandardCharsets.UTF_8);
            if (!actual.equals(expected)) {
                notes.add("MISMATCH " + ENGINE_NAMES.get(e));
                diffs.append(diffSample(q, reference, expected, e, actual));
            }
        }
        return notes.isEmpty() ? "MATCH" : String.join("; ", notes);
    }

    private static String diffSample(Query q, String a, List<String> left, String b, List<String> right) {
        List<String> onlyLeft = new ArrayList<>();
        List<String> onlyRight = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < left.size() || j < right.size()) {
            int c = i >= left.size() ? 1 : j >= right.size() ? -1 : left.get(i).compareTo(right.get(j));
            if (c == 0) {
                i++;
                j++;
            } else if (c < 0) {
                onlyLeft.add(left.get(i++));
            } else {
                onlyRight.add(right.get(j++));
            }
        }
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "- %s: %,d rows on %s, %,d on %s; %,d only on %s, %,d only on %s. Sample:%n", q.id(), left.size(),
                ENGINE_NAMES.get(a), right.size(), ENGINE_NAMES.get(b), onlyLeft.size(), ENGINE_NAMES.get(a), onlyRight.size(),
                ENGINE_NAMES.get(b)));
        for (String r : onlyLeft.subList(0, Math.min(5, onlyLeft.size()))) {
            s.append("  - `< ").append(r).append("`\n");
        }
        for (String r : onlyRight.subList(0, Math.min(5, onlyRight.size()))) {
            s.append("  - `> ").append(r).append("`\n");
        }
        return s.toString();
    }

    private static double medianRatio(List<Measurement> a, List<Measurement> b) {
        int n = Math.min(a.size(), b.size());
        double[] r = new double[n];
        for (int i = 0; i < n; i++) {
            r[i] = a.get(i).eventsPerSec() / b.get(i).eventsPerSec();
        }
        return median(r);
    }

    /** The median over runs of (the other engine's CPU per event / Tributary's): like a throughput ratio, higher is better for Tributary. */
    private static double medianCpuRatio(List<Measurement> tributary, List<Measurement> other) {
        int n = Math.min(tributary.size(), other.size());
        List<Double> r = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double t = tributary.get(i).queryCpuNsPerEvent();
            double o = other.get(i).queryCpuNsPerEvent();
            if (t > 0 && o > 0) {
                r.add(o / t);
            }
        }
        return median(r.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private static double median(double[] v) {
        if (v.length == 0) {
            return Double.NaN;
        }
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static String fmt(double v, String format) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, format, v);
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " / " + f[1] + " / " + f[2];
        } catch (IOException | ArrayIndexOutOfBoundsException e) {
            return "unknown";
        }
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            return "unknown CPU";
        }
        return "unknown CPU";
    }
}
