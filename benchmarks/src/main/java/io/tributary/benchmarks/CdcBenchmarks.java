package io.tributary.benchmarks;

import io.tributary.cdc.CdcException;
import io.tributary.cdc.PostgresCapture;
import io.tributary.cdc.PostgresSource;
import io.tributary.cdc.SnapshotMode;
import io.tributary.core.RecordedEvent;
import io.tributary.core.Subscription;
import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.StoreConfig;
import io.tributary.store.StoreStats;
import io.tributary.store.Tributary;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * CDC benchmarks (issue 5): our PostgreSQL capture on an embedded PostgreSQL 14
 * ({@code wal_level=logical}, {@code synchronous_commit=on}) into an embedded store with fsync
 * durability, in this JVM.
 * <ul>
 *   <li>{@code batches}: throughput of {@code --txs} transactions of 1,000 inserted rows each,
 *       events/s from the first insert until every event is durable in the log;</li>
 *   <li>{@code huge}: one transaction of {@code --huge-rows} rows (sent by PostgreSQL at its commit,
 *       or streamed with protocol v2 when larger than {@code logical_decoding_work_mem}), events/s from
 *       its first insert until all are durable; ours is one atomic append (our source's
 *       {@code maxAppendBytes} is 60 MiB; a capture that chunked an append fails the measurement);</li>
 *   <li>{@code latency}: commit-to-visible latency at {@code --rate} single-row commits/s for
 *       {@code --latency-seconds}: the time from just before the commit to the event's arrival on a
 *       store subscription in the same JVM (p50/p99, HdrHistogram).</li>
 * </ul>
 * Figures are medians of {@code --runs} runs, each on a fresh database, slot and log. Flags
 * (defaults in brackets): {@code --runs N} [3], {@code --txs N} [50], {@code --huge-rows N}
 * [100000], {@code --rate N} [1000], {@code --latency-seconds S} [10], {@code --warmup N} [1]
 * (unreported rounds of every measurement at half the size, per side, before the runs),
 * {@code --work-dir DIR} [benchmarks/target/cdc-bench-work], {@code --work-mem-kb N} [0] (our replication
 * connection's {@code logical_decoding_work_mem}; 0: the server's). With the debug loggers
 * {@code io.tributary.cdc.internal.CaptureEngine} and {@code io.tributary.store.internal.Indexer} (slf4j-simple:
 * {@code -Dorg.slf4j.simpleLogger.log.<logger>=debug}) a large transaction's stages are logged as
 * {@code System.nanoTime()} values, lined up with the {@code timeline harness} line this class prints. The Markdown report goes to
 * standard output; progress to standard error, with per measurement the CPU time of this JVM's
 * threads and of the server's processes ({@link CpuTicks}), our store's group commits and fsyncs,
 * and for latency where the time went (send → source commit → event built → recorded → delivered).
 * {@code benchmarks/run-cdc.sh} builds and runs it.
 *
 * <p>Side by side ({@code --sides ours,debezium,debezium_poll10,wire}, the default): the Debezium embedded
 * engine with its PostgreSQL connector ({@link DebeziumSide}) on the same server and workload, once
 * with its defaults and once with {@code poll.interval.ms=10} ({@code debezium_pollN}: N ms); ours
 * counts an event when it is durable in our log (seen on a store subscription), Debezium when its
 * engine hands it to the consumer callback (no log, offsets in memory). Side {@code wire} ({@link WireSide})
 * only reads the replication stream: the time the source itself takes, which bounds every capture.
 */
public final class CdcBenchmarks {
    /** Our source's maxAppendBytes: 60 MiB, so that the 100,000-row transaction is one append (checked per run). */
    static final int OUR_MAX_APPEND_BYTES = 60 << 20;
    /** The side that only reads the replication stream ({@link WireSide}): throughput only. */
    static final String WIRE = "wire";
    private final Map<String, String> flags;
    private final Path work;
    /** One JVM per Debezium side for the whole run (warmed up with the side's warm-up round, as ours in this JVM). */
    private final Map<String, DebeziumSide.Jvm> debeziumJvms = new HashMap<>();

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
                "rate", "1000", "latency-seconds", "10", "work-dir", "benchmarks/target/cdc-bench-work",
                "sides", "ours,debezium,debezium_poll10,wire", "warmup", "1", "work-mem-kb", "0",
                "debezium-kafka-clients", "benchmarks/target/debezium-lib/kafka-clients-4.3.0.jar"));
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--help")) {
                System.out.println("CdcBenchmarks flags: --runs N --txs N --huge-rows N --rate N --latency-seconds S --work-dir DIR"
                        + " --sides ours,debezium,debezium_poll10,wire --warmup N (unreported rounds at half the size, per side)"
                        + " --work-mem-kb N (our replication connection's logical_decoding_work_mem; 0: the server's)");
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
        for (String side : sides) {
            try {
                if (!side.equals("ours") && !side.equals(WIRE)) {
                    DebeziumSide.pollIntervalMsOf(side);
                }
            } catch (IllegalArgumentException e) {
                System.err.println(e.getMessage());
                System.exit(2);
            }
        }
        Map<String, List<Double>> results = new LinkedHashMap<>();
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().setServerConfig("wal_level", "logical")
                .setServerConfig("max_replication_slots", "20").setServerConfig("max_wal_senders", "20")
                // PostgreSQL's default (the embedded server's is off): with it off, the WAL writer flushes commits
                // only every wal_writer_delay (200 ms), and a walsender sends only flushed WAL.
                .setServerConfig("synchronous_commit", "on").start()) {
            try {
                measure(pg, sides, runs, results);
            } finally {
                for (DebeziumSide.Jvm jvm : debeziumJvms.values()) {
                    jvm.close();
                }
            }
        }
        StringBuilder header = new StringBuilder("| measurement | " + String.join(" | ", sides) + " |");
        for (String other : sides.subList(1, sides.size())) {
            header.append(' ').append(sides.get(0)).append(" vs ").append(other).append(" |");
        }
        System.out.println(header);
        System.out.println("|---|" + "---:|".repeat(2 * sides.size() - 1));
        row("events/s, " + flags.get("txs") + " × 1,000-row transactions", "batches", sides, results, true);
        row("events/s, one " + flags.get("huge-rows") + "-row transaction", "huge", sides, results, true);
        row("commit-to-visible p50 ms at " + flags.get("rate") + " commits/s", "p50", sides, results, false);
        row("commit-to-visible p99 ms at " + flags.get("rate") + " commits/s", "p99", sides, results, false);
        System.out.println();
        if (sides.contains(WIRE)) {
            // What the source alone takes bounds every capture: Debezium's time over the wire side's is the most any
            // capture could gain over Debezium on this workload, ours over the wire side's what ours keeps of it.
            for (String other : sides) {
                if (!other.equals(WIRE) && !other.equals("ours")) {
                    System.out.printf("- most any capture could gain over %s (wire / %s, median of per-run ratios): %s%n",
                            other, other, String.join(", ", ceiling("batches", other, results), ceiling("huge", other, results)));
                }
            }
            System.out.println();
        }
        results.forEach((k, v) -> System.out.println("- " + k + ": " + v));
    }

    /** Warm-up rounds, then the measured runs, into {@code results}. */
    private void measure(EmbeddedPostgres pg, List<String> sides, int runs, Map<String, List<Double>> results) throws Exception {
        String url = "jdbc:postgresql://localhost:" + pg.getPort() + "/postgres";
        // Warm-up rounds (JIT, connections, class loading) at half the size, for every side, not reported.
        for (int w = 0; w < Integer.parseInt(flags.get("warmup")); w++) {
            for (String side : sides) {
                System.err.println("warm-up " + w + " " + side);
                throughput(pg.getPort(), url, 100 + w, side, "batches", Math.max(1, Integer.parseInt(flags.get("txs")) / 2), 1000);
                throughput(pg.getPort(), url, 100 + w, side, "huge", 1, Math.max(1, Integer.parseInt(flags.get("huge-rows")) / 2));
                if (!side.equals(WIRE)) {
                    latency(pg.getPort(), url, 100 + w, side, 3);
                }
            }
        }
        for (int r = 0; r < runs; r++) {
            for (String side : sides) {
                results.computeIfAbsent(side + " batches", k -> new ArrayList<>())
                        .add(throughput(pg.getPort(), url, r, side, "batches", Integer.parseInt(flags.get("txs")), 1000));
                results.computeIfAbsent(side + " huge", k -> new ArrayList<>())
                        .add(throughput(pg.getPort(), url, r, side, "huge", 1, Integer.parseInt(flags.get("huge-rows"))));
                double[] lat = side.equals(WIRE) ? new double[] {Double.NaN, Double.NaN}
                        : latency(pg.getPort(), url, r, side, Integer.parseInt(flags.get("latency-seconds")));
                results.computeIfAbsent(side + " p50", k -> new ArrayList<>()).add(lat[0]);
                results.computeIfAbsent(side + " p99", k -> new ArrayList<>()).add(lat[1]);
            }
        }
    }

    private static String ceiling(String key, String other, Map<String, List<Double>> results) {
        List<Double> wire = results.get(WIRE + " " + key);
        List<Double> c = results.get(other + " " + key);
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < Math.min(wire.size(), c.size()); i++) {
            ratios.add(wire.get(i) / c.get(i));
        }
        return String.format("%s %.1f×", key, median(ratios));
    }

    private static void row(String label, String key, List<String> sides, Map<String, List<Double>> results, boolean higherBetter) {
        StringBuilder b = new StringBuilder("| " + label + " |");
        List<Double> medians = new ArrayList<>();
        for (String side : sides) {
            double m = median(results.get(side + " " + key));
            medians.add(m);
            b.append(' ').append(Double.isNaN(m) ? "—" : higherBetter ? fmt(m) : String.format("%.1f", m)).append(" |");
        }
        for (String other : sides.subList(1, sides.size())) {
            // Runs are paired (the sides take turns within a run): the median of the per-run ratios.
            List<Double> ratios = new ArrayList<>();
            List<Double> a = results.get(sides.get(0) + " " + key);
            List<Double> c = results.get(other + " " + key);
            for (int i = 0; i < a.size(); i++) {
                ratios.add(higherBetter ? a.get(i) / c.get(i) : c.get(i) / a.get(i));
            }
            double ratio = median(ratios);
            b.append(Double.isNaN(ratio) ? " — |" : String.format(" %.1f× |", ratio));
        }
        System.out.println(b);
    }

    /** A running capture of one table by one side. */
    @SuppressWarnings("try") // close() may be interrupted while it waits for the capture to stop
    interface Capture extends AutoCloseable {
        /** Waits until the expected number of events was delivered; returns the {@code System.nanoTime} of the last one. */
        long awaitAll(long deadlineNanos) throws Exception;

        /**
         * In latency mode, after {@link #awaitAll}: per event {sent nanoTime, source ts_ms, envelope ts_ms, recorded
         * epoch ms (ours; -1 for Debezium), delivered nanoTime}.
         */
        List<long[]> records();

        /** The {@code System.nanoTime} of the first event delivered (ours; 0 when not known). */
        default long firstNanos() {
            return 0;
        }
    }

    /** Starts capturing {@code table} with one side, expecting {@code expected} events (latency mode: keeps per-event records). */
    private Capture start(String side, int port, String url, String table, boolean latency, long expected) throws Exception {
        if (side.equals("ours")) {
            return ours(url, table, latency, expected);
        }
        if (side.equals(WIRE)) {
            return WireSide.start(url, table, expected);
        }
        DebeziumSide.Jvm jvm = debeziumJvms.get(side);
        if (jvm == null) {
            jvm = new DebeziumSide.Jvm(port, side, Path.of(flags.get("debezium-kafka-clients")), work.resolve("logs"));
            debeziumJvms.put(side, jvm);
        }
        return DebeziumSide.start(jvm, table, DebeziumSide.pollIntervalMsOf(side), latency, expected);
    }

    /** Latency mode: the record of one delivered event, from the envelope's fields (see {@link Capture#records}). */
    static long[] record(String json, long recordedMillis, long deliveredNanos) {
        long sent = number(json, json.indexOf("\"sent\":") + 7);
        int src = json.indexOf("\"ts_ms\":", json.indexOf("\"source\":"));
        long commitMs = number(json, src + 8);
        long builtMs = number(json, json.indexOf("\"ts_ms\":", src + 8) + 8);
        return new long[] {sent, commitMs, builtMs, recordedMillis, deliveredNanos};
    }

    @SuppressWarnings("try")
    private Capture ours(String url, String table, boolean latency, long expected) {
        Path dir = work.resolve(table + "-" + System.nanoTime());
        EmbeddedEventStore store = Tributary.open(StoreConfig.builder(dir).build());
        PostgresSource source = PostgresSource.builder(table, url).tables(table)
                .snapshotMode(SnapshotMode.NEVER).spillDirectory(dir.resolve("spill"))
                .logicalDecodingWorkMemKb(Integer.parseInt(flags.get("work-mem-kb")))
                // One atomic append per transaction, the 100,000-row one included (about 51 MB of events as the
                // capture counts them, over the 48 MiB default): below the store's maxRequestBytes (64 MiB).
                .maxAppendBytes(OUR_MAX_APPEND_BYTES).build();
        PostgresCapture capture = PostgresCapture.start(store, source);
        Subscription sub = store.subscribeToCategory(table, 0);
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(1);
        AtomicLong doneNanos = new AtomicLong();
        AtomicLong firstNanos = new AtomicLong();
        List<long[]> records = new ArrayList<>();
        Thread reader = new Thread(() -> {
            long seen = 0;
            try {
                while (!stop.get()) {
                    for (RecordedEvent e : sub.poll(10_000, Duration.ofMillis(50))) {
                        long now = System.nanoTime();
                        if (seen == 0) {
                            firstNanos.set(now);
                        }
                        if (latency) {
                            records.add(record(new String(e.data(), StandardCharsets.UTF_8), e.timestamp().toEpochMilli(), now));
                        }
                        if (++seen == expected) {
                            doneNanos.set(now);
                            done.countDown();
                        }
                    }
                }
            } catch (InterruptedException | RuntimeException e) {
                // closed
            }
        }, "ours-reader");
        reader.start();
        return new Capture() {
            @Override
            public long awaitAll(long deadlineNanos) throws InterruptedException {
                if (!done.await(deadlineNanos - System.nanoTime(), TimeUnit.NANOSECONDS)) {
                    throw new IllegalStateException("ours: not all " + expected + " events arrived in time");
                }
                return doneNanos.get();
            }

            @Override
            public long firstNanos() {
                return firstNanos.get();
            }

            @Override
            public List<long[]> records() {
                return records; // complete: the reader added the last one before the latch
            }

            @Override
            public void close() throws Exception {
                long chunked = capture.chunkedAppends();
                if (chunked > 0) {
                    // The measurement is of one atomic append per transaction: a chunked one is not that.
                    throw new IllegalStateException("ours: " + chunked + " appends carried part of a transaction (chunked);"
                            + " raise maxAppendBytes");
                }
                stop.set(true);
                sub.close();
                reader.join(10_000);
                capture.close();
                // As the Debezium side does: an inactive slot would keep WAL on the server for the rest of the run. The
                // server may still count the closed replication connection's walsender as the slot's user for a moment.
                for (int attempt = 0; ; attempt++) {
                    try {
                        PostgresCapture.dropSlotAndPublication(source, true);
                        break;
                    } catch (CdcException e) {
                        if (attempt >= 100) {
                            throw e;
                        }
                        Thread.sleep(100);
                    }
                }
                StoreStats st = store.stats();
                System.err.printf("  store: %d appends in %d groups, %d fsyncs, mean %.2f ms, max %.1f ms%n",
                        st.appendsCompleted(), st.groupCommits(), st.fsyncs(), st.fsyncs() == 0 ? 0 : st.fsyncNanos() / 1e6 / st.fsyncs(),
                        st.maxFsyncNanos() / 1e6);
                store.close();
                // Each store preallocates a 256 MiB segment: do not leave gigabytes behind across runs.
                Files2.deleteRecursively(dir);
            }
        };
    }

    /** Commits {@code txs} transactions of {@code rows} rows, returns events/s until all are delivered. */
    @SuppressWarnings("try")
    private double throughput(int port, String url, int run, String side, String name, int txs, int rows) throws Exception {
        String table = side + "_" + name + run;
        exec(url, "CREATE TABLE " + table + " (id int PRIMARY KEY, customer text, amount numeric(12,2), created timestamptz)");
        long expected = (long) txs * rows;
        try (Capture capture = start(side, port, url, table, false, expected);
             Connection c = DriverManager.getConnection(url, "postgres", ""); Statement s = c.createStatement()) {
            CpuTicks before = cpuTicks(url);
            long start = System.nanoTime();
            for (int t = 0; t < txs; t++) {
                s.execute("INSERT INTO " + table + " SELECT g, 'customer-' || (g % 97), g * 1.25, now()"
                        + " FROM generate_series(" + (t * rows + 1) + ", " + ((t + 1) * rows) + ") g");
            }
            double insertSeconds = (System.nanoTime() - start) / 1e9;
            long end = capture.awaitAll(System.nanoTime() + TimeUnit.MINUTES.toNanos(5));
            double seconds = (end - start) / 1e9;
            double rate = expected / seconds;
            CpuTicks after = cpuTicks(url);
            System.err.printf("run %d %s %s: %d events in %.2f s = %.0f events/s (inserts committed after %.2f s; %s; %s)%n", run,
                    side, name, expected, seconds, rate, insertSeconds, after.perEvent(before, expected), after.since(before));
            if (side.equals("ours")) {
                // Lined up with the capture's own timeline (debug log of CaptureEngine, same clock).
                System.err.printf("timeline harness start %d insertsCommitted %d firstSeen %d lastSeen %d%n", start,
                        start + Math.round(insertSeconds * 1e9), capture.firstNanos(), end);
            }
            return Math.round(rate);
        }
    }

    /** Single-row commits at the rate; returns {p50, p99} in ms of commit-to-delivery. */
    @SuppressWarnings("try")
    private double[] latency(int port, String url, int run, String side, int seconds) throws Exception {
        String table = side + "_latency" + run;
        exec(url, "CREATE TABLE " + table + " (id int PRIMARY KEY, sent bigint)");
        int rate = Integer.parseInt(flags.get("rate"));
        int total = rate * seconds;
        long baseNanos = System.nanoTime();
        long baseMillis = System.currentTimeMillis();
        List<long[]> records;
        try (Capture capture = start(side, port, url, table, true, total)) {
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
            capture.awaitAll(System.nanoTime() + TimeUnit.SECONDS.toNanos(60));
            records = capture.records();
        }
        // The first second warms up the JIT and the connections. Stages: {total nanos, sent, commit, built, recorded,
        // delivered}, the last five in epoch ms.
        List<long[]> stages = new ArrayList<>();
        Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        for (long[] r : records.subList(Math.min(rate, records.size() - 1), records.size())) {
            long nanos = r[4] - r[0];
            histogram.recordValue(Math.max(0, nanos));
            stages.add(new long[] {nanos, baseMillis + (r[0] - baseNanos) / 1_000_000, r[1], r[2], r[3],
                    baseMillis + (r[4] - baseNanos) / 1_000_000});
        }
        double p50 = histogram.getValueAtPercentile(50) / 1e6;
        double p99 = histogram.getValueAtPercentile(99) / 1e6;
        System.err.printf("run %d %s latency at %d commits/s: p50 %.2f ms, p99 %.2f ms; %s%n", run, side, rate, p50, p99,
                stageReport(stages));
        return new double[] {Math.round(p50 * 100) / 100.0, Math.round(p99 * 100) / 100.0};
    }

    /**
     * Per stage (ms, from the epoch-ms clocks, so ±1 ms): median, and the mean over the slowest 1% of events,
     * to show where the tail comes from. Stages: client send → source commit timestamp → event built by the
     * connector → recorded by our store (ours only) → delivered.
     */
    private static String stageReport(List<long[]> all) {
        List<long[]> sorted;
        synchronized (all) {
            sorted = new ArrayList<>(all);
        }
        sorted.sort((a, b) -> Long.compare(a[0], b[0]));
        boolean recorded = sorted.get(0)[4] >= 0;
        int[][] stages = recorded ? new int[][] {{1, 2}, {2, 3}, {3, 4}, {4, 5}} : new int[][] {{1, 2}, {2, 3}, {3, 5}};
        String[] names = recorded ? new String[] {"send→commit", "commit→built", "built→recorded", "recorded→delivered"}
                : new String[] {"send→commit", "commit→built", "built→delivered"};
        List<long[]> slow = sorted.subList(sorted.size() - Math.max(1, sorted.size() / 100), sorted.size());
        StringBuilder b = new StringBuilder("stages p50 / slowest-1% mean:");
        for (int st = 0; st < stages.length; st++) {
            int from = stages[st][0];
            int to = stages[st][1];
            long[] d = sorted.stream().mapToLong(x -> x[to] - x[from]).sorted().toArray();
            double slowMean = slow.stream().mapToLong(x -> x[to] - x[from]).average().orElse(0);
            b.append(String.format(" %s %d / %.1f ms;", names[st], d[d.length / 2], slowMean));
        }
        return b.toString();
    }

    /** The decimal number at {@code at} in {@code json}. */
    static long number(String json, int at) {
        int end = at;
        while (end < json.length() && (Character.isDigit(json.charAt(end)) || json.charAt(end) == '-')) {
            end++;
        }
        return Long.parseLong(json.substring(at, end));
    }

    private long postmasterPid = -1;

    /** CPU used so far by this JVM's threads and the source server's processes (by backend type). */
    private CpuTicks cpuTicks(String url) throws Exception {
        Map<Long, String> roles = new HashMap<>();
        try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pid, backend_type, pg_backend_pid() FROM pg_stat_activity")) {
            while (rs.next()) {
                roles.put(rs.getLong(1), rs.getString(2).replace(' ', '_'));
                if (postmasterPid < 0) {
                    String stat = Files.readString(Path.of("/proc/" + rs.getLong(3) + "/stat"));
                    postmasterPid = Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[1]);
                }
            }
        } catch (java.io.IOException e) {
            postmasterPid = 0; // no /proc
        }
        return CpuTicks.take(postmasterPid, pid -> roles.getOrDefault(pid, "other"));
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
