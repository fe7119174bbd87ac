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
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * CQRS benchmarks (issue 4): projection catch-up over an N-event log into each read-model store
 * (in memory, RocksDB documents, PostgreSQL over JDBC) side by side with the raw {@code $all}
 * read of the same log in the same run, and append-to-visibility latency of a live projection at
 * a fixed append rate. Every measurement runs in a fresh child JVM ({@link BenchChild}); figures
 * are medians of {@code --runs} runs, ratios the medians of per-run ratios; peak RSS per child.
 *
 * <p>Flags (defaults in brackets): {@code --events N} [5000000], {@code --runs N} [3],
 * {@code --only catchup,latency} [both], {@code --stores memory,rocksdb,postgres} [these three; {@code parse-only} adds a
 * projection that parses every event and writes nothing, to split the cost; {@code memory-records} the same projection
 * keeping its documents as immutable records instead of JSON trees],
 * {@code --products N} [10000], {@code --batch-events N} (projection batch) [1000],
 * {@code --read-page N} [4096], {@code --rate N} (latency appends/s) [1000],
 * {@code --latency-seconds S} [30], {@code --latency-warmup-seconds S} [5],
 * {@code --jvm-opts "..."} [-Xmx4g], {@code --seed N} [42], {@code --reuse-log},
 * {@code --work-dir DIR} [benchmarks/target/cqrs-bench-work]. The Markdown report goes to
 * standard output and to {@code results-<time>.md} in the work directory; progress to standard
 * error. {@code benchmarks/run-cqrs.sh} builds and runs it.
 */
public final class CqrsBenchmarks {
    private static final long SEGMENT_BYTES = 256L * 1024 * 1024;
    private static final Map<String, String> NAMES = Map.of(
            "memory", "In-memory documents", "rocksdb", "RocksDB documents", "postgres", "PostgreSQL (JDBC)",
            "parse-only", "Runner + JSON parse, no writes (in-memory store)",
            "memory-records", "In-memory documents, as immutable records");
    private static final Map<String, Double> GOALS = Map.of("memory", 1_000_000.0, "memory-records", 1_000_000.0,
            "rocksdb", 200_000.0, "postgres", 50_000.0);

    private final Map<String, String> flags;
    private final Path work;
    private final int runs;
    private final ChildJvm jvm;
    private final Report report = new Report();

    private CqrsBenchmarks(Map<String, String> flags) throws IOException {
        this.flags = flags;
        this.work = Path.of(flags.get("work-dir")).toAbsolutePath();
        this.runs = Integer.parseInt(flags.get("runs"));
        Files.createDirectories(work);
        this.jvm = new ChildJvm(Arrays.asList(flags.get("jvm-opts").trim().split("\\s+")), work.resolve("logs"), 180,
                Long.parseLong(flags.get("seed")));
    }

    /**
     * Runs the benchmarks and prints the report.
     *
     * @param args flags, see the class description
     */
    public static void main(String[] args) throws IOException, InterruptedException {
        Map<String, String> flags = new LinkedHashMap<>();
        flags.put("events", "5000000");
        flags.put("runs", "3");
        flags.put("only", "catchup,latency");
        flags.put("stores", "memory,rocksdb,postgres");
        flags.put("products", "10000");
        flags.put("batch-events", "1000");
        flags.put("read-page", "4096");
        flags.put("rate", "1000");
        flags.put("latency-seconds", "30");
        flags.put("latency-warmup-seconds", "5");
        flags.put("jvm-opts", "-Xmx4g");
        flags.put("seed", "42");
        flags.put("reuse-log", "false");
        flags.put("work-dir", "benchmarks/target/cqrs-bench-work");
        for (int i = 0; i < args.length; i++) {
            String name = args[i].startsWith("--") ? args[i].substring(2) : "";
            if (name.equals("help")) {
                System.out.println("Flags and defaults: " + flags + " (see the Javadoc of " + CqrsBenchmarks.class.getName() + ")");
                return;
            }
            if (!flags.containsKey(name)) {
                System.err.println("unknown flag '" + args[i] + "'; --help lists them");
                System.exit(2);
            }
            if (name.equals("reuse-log")) {
                flags.put(name, "true");
            } else if (i + 1 < args.length) {
                flags.put(name, args[++i]);
            } else {
                System.err.println("flag " + args[i] + " needs a value");
                System.exit(2);
            }
        }
        new CqrsBenchmarks(flags).runAll();
    }

    private void runAll() throws IOException, InterruptedException {
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
        report.paragraph("## Tributary CQRS benchmarks, " + stamp + " UTC");
        report.paragraph(Machine.describe(work) + "  \nSettings: " + flags);
        List<String> only = List.of(flags.get("only").split(","));
        if (only.contains("catchup")) {
            try {
                catchUp();
            } catch (Exception e) {
                report.endTable();
                report.problem("catch-up benchmark aborted", e);
                progress("catch-up aborted: " + e);
            }
        }
        if (only.contains("latency")) {
            try {
                latency();
            } catch (Exception e) {
                report.endTable();
                report.problem("latency benchmark aborted", e);
                progress("latency aborted: " + e);
            }
        }
        String markdown = report.markdown();
        System.out.println(markdown);
        Path saved = work.resolve("results-" + stamp + ".md");
        Files.writeString(saved, markdown);
        progress("report saved to " + saved);
    }

    // ---------------------------------------------------------------- catch-up

    /** The order-line log: where, how many events, how many units in total (the check), build note. */
    private record Log(Path dir, long events, long units, String note) {
    }

    private Log log() throws IOException, InterruptedException {
        long events = Long.parseLong(flags.get("events"));
        Path base = work.resolve("log-" + events + "-p" + flags.get("products"));
        Path descriptor = base.resolve("log.txt");
        if (Boolean.parseBoolean(flags.get("reuse-log")) && Files.exists(descriptor)) {
            Map<String, String> d = Files2.readKeyValues(descriptor);
            progress("reusing the log in " + base);
            return new Log(base.resolve("data"), Long.parseLong(d.get("events")), Long.parseLong(d.get("units")),
                    d.getOrDefault("note", "") + " (reused)");
        }
        Files2.deleteRecursively(base);
        Files.createDirectories(base);
        progress("building a " + events + "-event order-line log in " + base);
        ChildJvm.Result r = jvm.run("cqrs-build-log", List.of("--dir=" + base.resolve("data"), "--events=" + events,
                "--products=" + flags.get("products"), "--segmentBytes=" + SEGMENT_BYTES));
        String note = String.format("Log: %,d events (%s B each, type + data + metadata) in %,d `order-<n>` streams written in "
                        + "batches of 1,000 (built at %s events/s, durability none, fsynced at close), %s on disk, log bytes per "
                        + "event %.1f.", (long) r.number("events"), "200", 10_000, Stats.count(r.number("eventsPerSec")),
                Stats.mib(Files2.sizeOf(base.resolve("data"))), r.number("store.bytesWritten") / r.number("events"));
        Files.writeString(descriptor, "events=" + (long) r.number("events") + "\nunits=" + (long) r.number("units")
                + "\nnote=" + note + "\n");
        return new Log(base.resolve("data"), (long) r.number("events"), (long) r.number("units"), note);
    }

    private void catchUp() throws IOException, InterruptedException {
        Log log = log();
        List<String> stores = List.of(flags.get("stores").split(","));
        List<String> sides = new ArrayList<>();
        sides.add("raw");
        sides.addAll(stores);
        Samples s = new Samples();
        // Warm the page cache (and nothing else: a separate JVM) so every side reads the log from memory.
        attempt("priming the page cache", () -> jvm.run("cqrs-raw-read", rawArgs(log)));
        for (int run = 0; run < runs; run++) {
            List<String> order = new ArrayList<>(sides);
            java.util.Collections.rotate(order, -run); // each side goes first in some run
            for (String side : order) {
                if (side.equals("raw")) {
                    Optional<ChildJvm.Result> r = attempt("raw $all read, run " + (run + 1), () -> jvm.run("cqrs-raw-read", rawArgs(log)));
                    collect(s, "raw", r, "eventsPerSec", "subscription.eventsPerSec", "rssPeakBytes");
                } else {
                    Path dir = work.resolve("catchup-" + side + "-" + run);
                    Files2.deleteRecursively(dir);
                    Optional<ChildJvm.Result> r = attempt(side + " catch-up, run " + (run + 1), () -> jvm.run("cqrs-catchup",
                            List.of("--dir=" + dir, "--store=" + side, "--log=" + log.dir(), "--segmentBytes=" + SEGMENT_BYTES,
                                    "--batchEvents=" + flags.get("batch-events"), "--units=" + log.units())));
                    collect(s, side, r, "eventsPerSec", "seconds", "documents", "rssPeakBytes", "rocksdbBytes",
                            "pg.serverRssBytes");
                    Files2.deleteRecursively(dir);
                }
            }
        }
        report.paragraph("### 1. Projection catch-up over " + Stats.count(log.events()) + " events");
        report.paragraph(log.note() + " Projection `product-sales`: parses each event's JSON data (Jackson) and adds quantity, "
                + "revenue and one line to its product's document (`sales/<productId>`, " + flags.get("products")
                + " products drawn at random, so a 1,000-event batch touches ~950 documents) or row (PostgreSQL: "
                + "`INSERT ... ON CONFLICT (product_id) DO UPDATE SET units = units + ...`, batched by the store). "
                + "Timed: `ProjectionRunner.start` from an empty read model → `awaitPosition(head)` returns; default "
                + "`ProjectionOptions` (batches of " + flags.get("batch-events") + " events, each committed with its "
                + "checkpoint). After each run the read model's total units are checked against the log's. "
                + "Limit: `readAll` of the same log from position 0 in pages of " + flags.get("read-page")
                + " (touching every event's data), in its own JVM; also a bare `subscribeToAll` polled in batches of "
                + flags.get("batch-events") + " (the runner's read path without a projection). Page cache warm. "
                + "PostgreSQL: embedded 14 with fsync=on, synchronous_commit=on (checked with SHOW), fresh cluster per run. "
                + "Ratio = median of per-run ratios projection / raw `$all`.");
        report.table("Store", "Events/s (median)", "Per run", "Ratio to raw $all", "Ratio per run", "Goal", "Met",
                "Documents/rows", "Peak RSS (child JVM)");
        report.row("raw `$all` read (the limit)", Stats.count(s.median("raw.eventsPerSec")), Stats.runs(s.all("raw.eventsPerSec"), 0),
                "1.00", "", "", "", "", Stats.mib(s.median("raw.rssPeakBytes")));
        report.row("bare subscription, batches of " + flags.get("batch-events"), Stats.count(s.median("raw.subscription.eventsPerSec")),
                Stats.runs(s.all("raw.subscription.eventsPerSec"), 0),
                Stats.fixed(s.medianRatio("raw.subscription.eventsPerSec", "raw.eventsPerSec"), 2),
                Stats.runs(s.ratios("raw.subscription.eventsPerSec", "raw.eventsPerSec"), 2), "", "", "", "(same JVM)");
        for (String store : stores) {
            double rate = s.median(store + ".eventsPerSec");
            double goal = GOALS.getOrDefault(store, Double.NaN);
            String memory = Stats.mib(s.median(store + ".rssPeakBytes"));
            if (store.equals("postgres")) {
                memory += " + server " + Stats.mib(s.median(store + ".pg.serverRssBytes"));
            } else if (store.equals("rocksdb")) {
                memory += " (RocksDB dir " + Stats.mib(s.median(store + ".rocksdbBytes")) + ")";
            }
            report.row(NAMES.getOrDefault(store, store), Stats.count(rate), Stats.runs(s.all(store + ".eventsPerSec"), 0),
                    Stats.fixed(s.medianRatio(store + ".eventsPerSec", "raw.eventsPerSec"), 3),
                    Stats.runs(s.ratios(store + ".eventsPerSec", "raw.eventsPerSec"), 3), Double.isNaN(goal) ? "" : "≥ " + Stats.count(goal),
                    Double.isNaN(goal) ? "" : Report.verdict(rate, rate >= goal), Stats.count(s.median(store + ".documents")), memory);
        }
        report.endTable();
    }

    private List<String> rawArgs(Log log) {
        return List.of("--dir=" + log.dir(), "--pageSize=" + flags.get("read-page"), "--batchEvents=" + flags.get("batch-events"),
                "--segmentBytes=" + SEGMENT_BYTES);
    }

    // ---------------------------------------------------------------- latency

    private void latency() throws IOException, InterruptedException {
        List<String> stores = new ArrayList<>();
        for (String store : flags.get("stores").split(",")) {
            if (store.equals("memory") || store.equals("rocksdb")) {
                stores.add(store);
            }
        }
        Samples s = new Samples();
        for (int run = 0; run < runs; run++) {
            List<String> order = new ArrayList<>(stores);
            java.util.Collections.rotate(order, -run);
            for (String store : order) {
                Path dir = work.resolve("latency-" + store + "-" + run);
                Files2.deleteRecursively(dir);
                Optional<ChildJvm.Result> r = attempt(store + " latency, run " + (run + 1), () -> jvm.run("cqrs-latency",
                        List.of("--dir=" + dir, "--store=" + store, "--segmentBytes=" + SEGMENT_BYTES, "--rate=" + flags.get("rate"),
                                "--warmupSeconds=" + flags.get("latency-warmup-seconds"),
                                "--measureSeconds=" + flags.get("latency-seconds"), "--products=" + flags.get("products"))));
                collect(s, store, r, "p50Micros", "p99Micros", "p999Micros", "maxMicros", "ackP50Micros", "ackP99Micros",
                        "ratePerSec", "appends", "lateStarts", "rssPeakBytes", "store.eventsAppended", "store.fsyncs");
                Files2.deleteRecursively(dir);
            }
        }
        report.paragraph("### 2. Append → read-model visibility at " + flags.get("rate") + " appends/s");
        report.paragraph("One thread appends single order-line events (fsync durability, `ExpectedVersion.any()`, 10,000 "
                + "streams) on a fixed schedule, open loop (each append starts on time without waiting for the previous "
                + "one); a live `ProjectionRunner` (default options) runs `product-sales` into a fresh store; a waiter "
                + "thread takes the appends in order and calls `awaitPosition(position)`. Latency = append start → "
                + "`awaitPosition` returned (the event's batch and its checkpoint are committed and visible to queries). "
                + flags.get("latency-seconds") + " s measured after " + flags.get("latency-warmup-seconds")
                + " s warm-up; HdrHistogram, µs. Medians of the per-run percentiles. No peer.");
        report.table("Store", "p50 ms", "p99 ms", "p99 per run", "p99.9 ms", "max ms", "Goal p99", "Met",
                "append ack p50 / p99 ms", "achieved appends/s", "events/fsync", "Peak RSS");
        for (String store : stores) {
            double p99 = s.median(store + ".p99Micros") / 1e3;
            report.row(NAMES.getOrDefault(store, store), ms(s, store + ".p50Micros"), Stats.fixed(p99, 2),
                    Stats.runs(divide(s.all(store + ".p99Micros"), 1e3), 2), ms(s, store + ".p999Micros"),
                    ms(s, store + ".maxMicros"), "< 20 ms", Report.verdict(p99, p99 < 20),
                    ms(s, store + ".ackP50Micros") + " / " + ms(s, store + ".ackP99Micros"),
                    Stats.count(s.median(store + ".ratePerSec")),
                    Stats.fixed(s.medianRatio(store + ".store.eventsAppended", store + ".store.fsyncs"), 2),
                    Stats.mib(s.median(store + ".rssPeakBytes")));
        }
        report.endTable();
    }

    // ---------------------------------------------------------------- helpers

    private static List<Double> divide(List<Double> values, double by) {
        List<Double> out = new ArrayList<>();
        values.forEach(v -> out.add(v / by));
        return out;
    }

    private static String ms(Samples s, String micros) {
        return Stats.fixed(s.median(micros) / 1e3, 2);
    }

    private Optional<ChildJvm.Result> attempt(String what, Callable<ChildJvm.Result> child) {
        progress(what);
        try {
            ChildJvm.Result result = child.call();
            progress("  " + result.values());
            return Optional.of(result);
        } catch (Exception e) {
            report.problem(what, e);
            progress("  FAILED: " + e.getMessage());
            return Optional.empty();
        }
    }

    private static void collect(Samples s, String side, Optional<ChildJvm.Result> result, String... keys) {
        for (String key : keys) {
            s.add(side + "." + key, result.map(r -> r.number(key, Double.NaN)).orElse(Double.NaN));
        }
    }

    private static void progress(String message) {
        System.err.println("[cqrs-bench " + java.time.LocalTime.now().withNano(0) + "] " + message);
    }
}
