package io.tributary.benchmarks;

import io.tributary.cdc.PostgresCapture;
import io.tributary.cdc.PostgresSource;
import io.tributary.cdc.SnapshotMode;
import io.tributary.core.Direction;
import io.tributary.core.ReadFilter;
import io.tributary.core.ReadSlice;
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
 * <p>Debezium's embedded engine is not measured here: its 3.6.1.Final artifacts do not resolve
 * from Maven Central alone on this machine (see BENCHMARKS.md).
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
                "rate", "1000", "latency-seconds", "10", "work-dir", "benchmarks/target/cdc-bench-work"));
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--help")) {
                System.out.println("CdcBenchmarks flags: --runs N --txs N --huge-rows N --rate N --latency-seconds S --work-dir DIR");
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
        List<Double> batches = new ArrayList<>();
        List<Double> huge = new ArrayList<>();
        List<Double> p50 = new ArrayList<>();
        List<Double> p99 = new ArrayList<>();
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().setServerConfig("wal_level", "logical")
                .setServerConfig("max_replication_slots", "10").setServerConfig("max_wal_senders", "10")
                // PostgreSQL's default (the embedded server's is off): with it off, the WAL writer flushes commits
                // only every wal_writer_delay (200 ms), and a walsender sends only flushed WAL.
                .setServerConfig("synchronous_commit", "on").start()) {
            String url = "jdbc:postgresql://localhost:" + pg.getPort() + "/postgres";
            for (int r = 0; r < runs; r++) {
                batches.add(throughput(url, r, "batches", Integer.parseInt(flags.get("txs")), 1000));
                huge.add(throughput(url, r, "huge", 1, Integer.parseInt(flags.get("huge-rows"))));
                double[] lat = latency(url, r);
                p50.add(lat[0]);
                p99.add(lat[1]);
            }
        }
        System.out.println("| measurement | median | runs |");
        System.out.println("|---|---:|---|");
        System.out.println("| " + flags.get("txs") + " × 1,000-row transactions, events/s | " + fmt(median(batches)) + " | " + batches + " |");
        System.out.println("| one " + flags.get("huge-rows") + "-row transaction, events/s | " + fmt(median(huge)) + " | " + huge + " |");
        System.out.println("| commit-to-visible p50 at " + flags.get("rate") + " commits/s, ms | " + String.format("%.2f", median(p50))
                + " | " + p50 + " |");
        System.out.println("| commit-to-visible p99 at " + flags.get("rate") + " commits/s, ms | " + String.format("%.2f", median(p99))
                + " | " + p99 + " |");
    }

    /** Commits {@code txs} transactions of {@code rows} rows, returns events/s until all are durable in the log. */
    private double throughput(String url, int run, String name, int txs, int rows) throws Exception {
        String table = name + run;
        exec(url, "CREATE TABLE " + table + " (id int PRIMARY KEY, customer text, amount numeric(12,2), created timestamptz)");
        Path dir = work.resolve(table + "-" + System.nanoTime());
        try (EmbeddedEventStore store = Tributary.open(StoreConfig.builder(dir).build());
             PostgresCapture capture = PostgresCapture.start(store, PostgresSource.builder(table, url).tables(table)
                     .snapshotMode(SnapshotMode.NEVER).spillDirectory(dir.resolve("spill")).build())) {
            long expected = (long) txs * rows;
            long start;
            try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement s = c.createStatement()) {
                start = System.nanoTime();
                for (int t = 0; t < txs; t++) {
                    s.execute("INSERT INTO " + table + " SELECT g, 'customer-' || (g % 97), g * 1.25, now()"
                            + " FROM generate_series(" + (t * rows + 1) + ", " + ((t + 1) * rows) + ") g");
                }
            }
            long seen = 0;
            long from = 0;
            while (seen < expected) {
                ReadSlice slice = store.readAll(from, 10_000, Direction.FORWARD, ReadFilter.categories(table));
                seen += slice.events().size();
                if (slice.next().isPresent()) {
                    from = slice.next().getAsLong();
                }
                if (slice.events().isEmpty()) {
                    if (capture.status().lastError().isPresent()) {
                        throw new IllegalStateException(capture.status().lastError().get());
                    }
                    Thread.sleep(1);
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double rate = expected / seconds;
            System.err.printf("run %d %s: %d events in %.2f s = %.0f events/s%n", run, name, expected, seconds, rate);
            return Math.round(rate);
        }
    }

    /** Single-row commits at the rate; returns {p50, p99} in ms of commit-to-arrival on a subscription. */
    private double[] latency(String url, int run) throws Exception {
        String table = "latency" + run;
        exec(url, "CREATE TABLE " + table + " (id int PRIMARY KEY, sent bigint)");
        Path dir = work.resolve(table + "-" + System.nanoTime());
        int rate = Integer.parseInt(flags.get("rate"));
        int total = rate * Integer.parseInt(flags.get("latency-seconds"));
        Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        try (EmbeddedEventStore store = Tributary.open(StoreConfig.builder(dir).build());
             PostgresCapture capture = PostgresCapture.start(store, PostgresSource.builder(table, url).tables(table)
                     .snapshotMode(SnapshotMode.NEVER).build());
             Subscription sub = store.subscribeToCategory(table, 0)) {
            AtomicBoolean done = new AtomicBoolean();
            List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
            Thread reader = new Thread(() -> {
                int got = 0;
                try {
                    while (got < total && !done.get()) {
                        for (RecordedEvent e : sub.poll(1000, Duration.ofMillis(100))) {
                            long now = System.nanoTime();
                            String data = new String(e.data(), StandardCharsets.UTF_8);
                            int at = data.indexOf("\"sent\":") + 7;
                            long sent = Long.parseLong(data.substring(at, data.indexOf('}', at)));
                            latencies.add(now - sent);
                            got++;
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "latency-reader");
            reader.start();
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
            reader.join(TimeUnit.SECONDS.toMillis(60));
            done.set(true);
            if (latencies.size() < total) {
                throw new IllegalStateException("only " + latencies.size() + " of " + total + " commits arrived; "
                        + capture.status());
            }
            // The first second warms up the JIT and the connections.
            for (long l : latencies.subList(Math.min(rate, latencies.size() - 1), latencies.size())) {
                histogram.recordValue(l);
            }
        }
        double p50 = histogram.getValueAtPercentile(50) / 1e6;
        double p99 = histogram.getValueAtPercentile(99) / 1e6;
        System.err.printf("run %d latency at %d commits/s: p50 %.2f ms, p99 %.2f ms%n", run, rate, p50, p99);
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
