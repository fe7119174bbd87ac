package io.tributary.benchmarks;

import io.tributary.cdc.PostgresCapture;
import io.tributary.cdc.PostgresSource;
import io.tributary.cdc.SnapshotMode;
import io.tributary.core.RecordedEvent;
import io.tributary.core.Subscription;
import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.StoreConfig;
import io.tributary.store.Tributary;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;

/**
 * CDC benchmarks (issue 5): our PostgreSQL capture on an embedded PostgreSQL 14
 * ({@code wal_level=logical}, {@code synchronous_commit=on}) into an embedded store with fsync
 * durability, in this JVM.
 * <ul>
 *   <li>{@code batches}: throughput of {@code --txs} transactions of 1,000 inserted rows each,
 *       events/s from the first commit until every event is durable in the log;</li>
 *   <li>{@code huge}: one transaction of {@code --huge-rows} rows (streamed by PostgreSQL with
 *       protocol v2, spilled, appended in bounded chunks), events/s from its commit until all are durable;</li>
 *   <li>{@code latency}: commit-to-visible latency at {@code --rate} single-row commits/s for
 *       {@code --latency-seconds}: the time from just before the commit to the event's arrival on a
 *       store subscription in the same JVM (p50/p99, HdrHistogram).</li>
 * </ul>
 * Figures are medians of {@code --runs} runs, each on a fresh database, slot and log. Flags
 * (defaults in brackets): {@code --runs N} [3], {@code --txs N} [50], {@code --huge-rows N}
 * [100000], {@code --rate N} [1000], {@code --latency-seconds S} [10],
 * {@code --work-dir DIR} [benchmarks/target/cdc-bench-work]. The Markdown report goes to
 * standard output; progress to standard error. {@code benchmarks/run-cdc.sh} builds and runs it.
 *
 * <p>Side by side ({@code --sides ours,debezium}): the Debezium embedded engine with its PostgreSQL
 * connector ({@link DebeziumSide}) on the same server and workload; ours counts an event when it is
 * durable in our log (seen on a store subscription), Debezium when its engine hands it to the
 * consumer callback (no log, offsets in memory).
 */
public final class CdcBenchmarks {
    private final Map<String, String> flags;
    private final Path work;

    private CdcBenchmarks(Map<String, String> flags) {
        this.flags = flags;
        this.work = Path.of(flags.get("work-dir")).toAbsolutePath();
    }

    /**
     * Runs the benchmarks and prints the report.
     *
     * @param args flags, see the class description
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> flags = new LinkedHashMap<>(Map.of("runs", "3", "txs", "50", "huge-rows", "100000",
                "rate", "1000", "latency-seconds", "10", "work-dir", "benchmarks/target/cdc-bench-work", "sides", "ours,debezium"));
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--help")) {
                System.out.println("CdcBenchmarks flags: --runs N --txs N --huge-rows N --rate N --latency-seconds S --work-dir DIR"
                        + " --sides ours,debezium");
                return;
            }
            if (!args[i].startsWith("--") || i + 1 >= args.length || !flags.containsKey(args[i].substring(2))) {
                System.err.println("unknown flag " + args[i] + "; see --help");
                System.exit(2);
            }
            flags.put(args[i].substring(2), args[++i]);
        }
        new CdcBenchmarks(flags).run();
    }

    private void run() throws Exception {
        Files.createDirectories(work);
        int runs = Integer.parseInt(flags.get("runs"));
        List<String> sides = List.of(flags.get("sides").split(","));
        Map<String, List<Double>> results = new LinkedHashMap<>();
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().setServerConfig("wal_level", "logical")
                .setServerConfig("max_replication_slots", "20").setServerConfig("max_wal_senders", "20")
                // PostgreSQL's default (the embedded server's is off): with it off, the WAL writer flushes commits
                // only every wal_writer_delay (200 ms), and a walsender sends only flushed WAL.
                .setServerConfig("synchronous_commit", "on").start()) {
            String url = "jdbc:postgresql://localhost:" + pg.getPort() + "/postgres";
            for (int r = 0; r < runs; r++) {
                for (String side : sides) {
                    results.computeIfAbsent(side + " batches", k -> new ArrayList<>())
                            .add(throughput(pg.getPort(), url, r, side, "batches", Integer.parseInt(flags.get("txs")), 1000));
                    results.computeIfAbsent(side + " huge", k -> new ArrayList<>())
                            .add(throughput(pg.getPort(), url, r, side, "huge", 1, Integer.parseInt(flags.get("huge-rows"))));
                    double[] lat = latency(pg.getPort(), url, r, side);
                    results.computeIfAbsent(side + " p50", k -> new ArrayList<>()).add(lat[0]);
                    results.computeIfAbsent(side + " p99", k -> new ArrayList<>()).add(lat[1]);
                }
            }
        }
        System.out.println("| measurement | " + String.join(" | ", sides) + (sides.size() == 2 ? " | ratio |" : ""));
        System.out.println("|---|" + "---:|".repeat(sides.size() + (sides.size() == 2 ? 1 : 0)));
        row("events/s, " + flags.get("txs") + " × 1,000-row transactions", "batches", sides, results, true);
        row("events/s, one " + flags.get("huge-rows") + "-row transaction", "huge", sides, results, true);
        row("commit-to-visible p50 ms at " + flags.get("rate") + " commits/s", "p50", sides, results, false);
        row("commit-to-visible p99 ms at " + flags.get("rate") + " commits/s", "p99", sides, results, false);
        System.out.println();
        results.forEach((k, v) -> System.out.println("- " + k + ": " + v));
    }

    private static void row(String label, String key, List<String> sides, Map<String, List<Double>> results, boolean higherBetter) {
        StringBuilder b = new StringBuilder("| " + label + " |");
        List<Double> medians = new ArrayList<>();
        for (String side : sides) {
            double m = median(results.get(side + " " + key));
            medians.add(m);
            b.append(' ').append(higherBetter ? fmt(m) : String.format("%.1f", m)).append(" |");
        }
        if (sides.size() == 2) {
            // Ratio of per-run ratios' median would need paired runs; runs are paired, so use them.
            List<Double> ratios = new ArrayList<>();
            List<Double> a = results.get(sides.get(0) + " " + key);
            List<Double> c = results.get(sides.get(1) + " " + key);
            for (int i = 0; i < a.size(); i++) {
                ratios.add(higherBetter ? a.get(i) / c.get(i) : c.get(i) / a.get(i));
            }
            b.append(String.format(" %.1f× |", median(ratios)));
        }
        System.out.println(b);
    }

    /** Starts capturing {@code table} with one side; every change event's JSON goes to {@code onEvent}. */
    private AutoCloseable start(String side, int port, String url, String table, Consumer<String> onEvent) throws Exception {
        return side.equals("debezium") ? DebeziumSide.start(port, table, work, onEvent) : ours(url, table, onEvent);
    }

    private AutoCloseable ours(String url, String table, Consumer<String> onEvent) {
        Path dir = work.resolve(table + "-" + System.nanoTime());
        EmbeddedEventStore store = Tributary.open(StoreConfig.builder(dir).build());
        PostgresCapture capture = PostgresCapture.start(store, PostgresSource.builder(table, url).tables(table)
                .snapshotMode(SnapshotMode.NEVER).spillDirectory(dir.resolve("spill")).build());
        Subscription sub = store.subscribeToCategory(table, 0);
        AtomicBoolean stop = new AtomicBoolean();
        Thread reader = new Thread(() -> {
            try {
                while (!stop.get()) {
                    for (RecordedEvent e : sub.poll(10_000, Duration.ofMillis(50))) {
                        onEvent.accept(new String(e.data(), StandardCharsets.UTF_8));
                    }
                }
            } catch (InterruptedException | RuntimeException e) {
                // closed
            }
        }, "ours-reader");
        reader.start();
        return () -> {
            stop.set(true);
            sub.close();
            reader.join(10_000);
            capture.close();
            store.close();
            // Each store preallocates a 256 MiB segment: do not leave gigabytes behind across runs.
            Files2.deleteRecursively(dir);
        };
    }

    /** Commits {@code txs} transactions of {@code rows} rows, returns events/s until all are delivered. */
    @SuppressWarnings("try")
    private double throughput(int port, String url, int run, String side, String name, int txs, int rows) throws Exception {
        String table = side + "_" + name + run;
        exec(url, "CREATE TABLE " + table + " (id int PRIMARY KEY, customer text, amount numeric(12,2), created timestamptz)");
        long expected = (long) txs * rows;
        AtomicLong seen = new AtomicLong();
        try (AutoCloseable capture = start(side, port, url, table, json -> seen.incrementAndGet())) {
            long start;
            try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement s = c.createStatement()) {
                start = System.nanoTime();
                for (int t = 0; t < txs; t++) {
                    s.execute("INSERT INTO " + table + " SELECT g, 'customer-' || (g % 97), g * 1.25, now()"
                            + " FROM generate_series(" + (t * rows + 1) + ", " + ((t + 1) * rows) + ") g");
                }
            }
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (seen.get() < expected) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(side + " delivered only " + seen.get() + " of " + expected);
                }
                Thread.sleep(1);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double rate = expected / seconds;
            System.err.printf("run %d %s %s: %d events in %.2f s = %.0f events/s%n", run, side, name, expected, seconds, rate);
            return Math.round(rate);
        }
    }

    /** Single-row commits at the rate; returns {p50, p99} in ms of commit-to-delivery. */
    @SuppressWarnings("try")
    private double[] latency(int port, String url, int run, String side) throws Exception {
        String table = side + "_latency" + run;
        exec(url, "CREATE TABLE " + table + " (id int PRIMARY KEY, sent bigint)");
        int rate = Integer.parseInt(flags.get("rate"));
        int total = rate * Integer.parseInt(flags.get("latency-seconds"));
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        try (AutoCloseable capture = start(side, port, url, table, json -> {
            long now = System.nanoTime();
            int at = json.indexOf("\"sent\":") + 7;
            int end = at;
            while (end < json.length() && (Character.isDigit(json.charAt(end)) || json.charAt(end) == '-')) {
                end++;
            }
            latencies.add(now - Long.parseLong(json.substring(at, end)));
        })) {
            try (Connection c = DriverManager.getConnection(url, "postgres", "");
                 PreparedStatement s = c.prepareStatement("INSERT INTO " + table + " VALUES (?, ?)")) {
                long interval = 1_000_000_000L / rate;
                long next = System.nanoTime();
                for (int i = 0; i < total; i++) {
                    while (System.nanoTime() < next) {
                        Thread.onSpinWait();
                    }
                    s.setInt(1, i);
                    s.setLong(2, System.nanoTime());
                    s.executeUpdate();
                    next += interval;
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (latencies.size() < total && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            if (latencies.size() < total) {
                throw new IllegalStateException(side + ": only " + latencies.size() + " of " + total + " commits arrived");
            }
        }
        Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        // The first second warms up the JIT and the connections.
        synchronized (latencies) {
            for (long l : latencies.subList(Math.min(rate, latencies.size() - 1), latencies.size())) {
                histogram.recordValue(Math.max(0, l));
            }
        }
        double p50 = histogram.getValueAtPercentile(50) / 1e6;
        double p99 = histogram.getValueAtPercentile(99) / 1e6;
        System.err.printf("run %d %s latency at %d commits/s: p50 %.2f ms, p99 %.2f ms%n", run, side, rate, p50, p99);
        return new double[] {Math.round(p50 * 100) / 100.0, Math.round(p99 * 100) / 100.0};
    }

    private static void exec(String url, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static String fmt(double v) {
        return String.format("%,.0f", v);
    }
}
