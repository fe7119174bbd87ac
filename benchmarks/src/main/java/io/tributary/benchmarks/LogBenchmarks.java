package io.tributary.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * The benchmark harness: measures the embedded store side by side with a peer on the same
 * machine in the same run, and prints a Markdown report of medians and store/peer ratios.
 *
 * <ol>
 *   <li>{@code append}: durable batched append (fsync, one writer, batches of 1,000) against a
 *       raw {@code FileChannel} write + {@code force(false)} loop.</li>
 *   <li>{@code clients}: durable single-event appends from 1, 16, 256 concurrent clients
 *       against INSERTs into embedded PostgreSQL with its default durability.</li>
 *   <li>{@code read}: {@code $all} forward over the whole shared log against a raw sequential
 *       read of the segment files; a 1,000-event stream cold and warm.</li>
 *   <li>{@code recovery}: open + first append after a clean close and after kill -9.</li>
 * </ol>
 *
 * Every measurement runs in a fresh child JVM ({@link BenchChild}); the shared log for the read
 * and recovery benchmarks is built once per invocation (or reused with {@code --reuse-log}).
 * A failed measurement is listed under "Problems" and the rest go on. Run with {@code --help}
 * for the flags; {@code benchmarks/run.sh} builds and runs it.
 */
public final class LogBenchmarks {
    /** The raw read peer repeats its pass over the log for at least this long. */
    private static final double PEER_READ_SECONDS = 2.0;
    private final BenchOptions options;
    private final ChildJvm jvm;
    private final Report report = new Report();
    private SharedLog log;

    private LogBenchmarks(BenchOptions options, ChildJvm jvm) {
        this.options = options;
        this.jvm = jvm;
    }

    /**
     * Runs the selected benchmarks and prints the report to standard output (progress goes to
     * standard error); the report is also saved under the work directory.
     *
     * @param args flags, see {@code --help}
     */
    public static void main(String[] args) throws IOException, InterruptedException {
        if (BenchOptions.wantsHelp(args)) {
            System.out.println(BenchOptions.usage());
            return;
        }
        BenchOptions options;
        try {
            options = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Files.createDirectories(options.workDir());
        ChildJvm jvm = new ChildJvm(options.jvmOptions(), options.workDir().resolve("logs"), options.childTimeoutMinutes(),
                options.seed());
        new LogBenchmarks(options, jvm).runAll();
    }

    private void runAll() throws IOException, InterruptedException {
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
        report.paragraph("## Tributary benchmarks, " + stamp + " UTC" + (options.peersOnly() ? " (peers only)" : ""));
        report.paragraph(Machine.describe(options.workDir()) + "  \n" + settings());
        if (options.runs("append")) {
            section("append", this::append);
        }
        if (options.runs("clients")) {
            section("clients", this::clients);
        }
        if (options.runs("read")) {
            section("read", this::read);
        }
        if (options.runs("recovery")) {
            section("recovery", this::recovery);
        }
        String markdown = report.markdown();
        System.out.println(markdown);
        Path saved = options.workDir().resolve("results-" + stamp + ".md");
        Files.writeString(saved, markdown);
        progress("report saved to " + saved + "; child JVM logs in " + options.workDir().resolve("logs"));
    }

    private String settings() {
        return String.format("Settings: %d run(s), medians; %d-byte events; append %,d events/run in batches of %d; "
                        + "clients %s for %.0f s (+%.0f s warm-up); log %,d events; segments %,d bytes; child JVM %s; "
                        + "seed %d",
                options.runs(), options.eventBytes(), options.appendEvents(), options.batchSize(), options.clients(),
                options.measureSeconds(), options.warmupSeconds(), options.events(), options.segmentBytes(),
                String.join(" ", options.jvmOptions()), options.seed());
    }

    /** A benchmark body; may throw, which is reported as a problem of that section. */
    private interface Section {
        void run() throws Exception;
    }

    private void section(String name, Section body) {
        progress("== " + name);
        try {
            body.run();
        } catch (Exception e) {
            report.endTable();
            report.problem(name + " benchmark aborted", e);
            progress(name + " aborted: " + e);
        }
    }

    // ---------------------------------------------------------------- 1. durable batched append

    private void append() throws IOException, InterruptedException {
        int batches = (int) Math.max(1, (options.appendEvents() + options.batchSize() - 1) / options.batchSize());
        Samples s = new Samples();
        for (int run = 0; run < options.runs(); run++) {
            Path rawDir = options.workDir().resolve("append/raw-" + run);
            Path storeDir = options.workDir().resolve("append/store-" + run);
            Path segDir = options.workDir().resolve("append/segments-" + run);
            List<String> common = List.of("--batches=" + batches, "--warmupBatches=" + options.appendWarmupBatches(),
                    "--batchSize=" + options.batchSize());
            for (boolean store : order(run)) {
                if (store) {
                    Optional<ChildJvm.Result> r = attempt("store append, run " + (run + 1),
                            () -> jvm.run("store-append", args(storeDir, common)));
                    collect(s, "store", r, "eventsPerSec", "batchP50Micros", "batchP99Micros", "rssPeakBytes",
                            "store.bytesWritten", "store.eventsAppended", "store.fsyncs");
                } else {
                    Optional<ChildJvm.Result> r = attempt("raw append peer, run " + (run + 1),
                            () -> jvm.run("raw-append", args(rawDir, common)));
                    collect(s, "peer", r, "eventsPerSec", "batchP50Micros", "batchP99Micros", "rssPeakBytes", "bytesPerEvent");
                    // The same loop into segments prepared as the store prepares its own (see RawAppendPeer.runSegmented):
                    // not the goal's peer, the line between what the disk costs a sustained log and what the store adds.
                    Optional<ChildJvm.Result> g = attempt("raw append into segments, run " + (run + 1),
                            () -> jvm.run("raw-append-segments", args(segDir, common)));
                    collect(s, "segments", g, "eventsPerSec", "batchP50Micros", "batchP99Micros");
                }
            }
            Files2.deleteRecursively(rawDir);
            Files2.deleteRecursively(segDir);
            Files2.deleteRecursively(storeDir);
        }
        double ratio = s.medianRatio("store.eventsPerSec", "peer.eventsPerSec");
        report.paragraph("### 1. Durable append, batches of " + options.batchSize() + " events (fsync, one writer)");
        report.paragraph("Peer: raw `FileChannel.write` + `force(false)` per batch into a preallocated file, "
                + Stats.fixed(s.median("peer.bytesPerEvent"), 0) + " bytes per event (48-byte header + event). "
                + "Ratio = median of the per-run ratios store/peer.");
        report.table("Figure", "Store", "Raw FileChannel peer", "Ratio store/peer", "Goal", "Met");
        report.row("events/s (median)", Stats.count(s.median("store.eventsPerSec")), Stats.count(s.median("peer.eventsPerSec")),
                Stats.fixed(ratio, 2), "≥ 0.70", Report.verdict(ratio, ratio >= 0.7));
        report.row("events/s per run", Stats.runs(s.all("store.eventsPerSec"), 0), Stats.runs(s.all("peer.eventsPerSec"), 0),
                Stats.runs(s.ratios("store.eventsPerSec", "peer.eventsPerSec"), 2), "", "");
        report.row("batch latency p50 / p99 (ms)", ms(s, "store.batchP50Micros") + " / " + ms(s, "store.batchP99Micros"),
                ms(s, "peer.batchP50Micros") + " / " + ms(s, "peer.batchP99Micros"), "", "", "");
        report.row("log bytes per event", Stats.fixed(s.medianRatio("store.store.bytesWritten", "store.store.eventsAppended"), 1),
                Stats.fixed(s.median("peer.bytesPerEvent"), 0), "", "", "");
        report.row("fsyncs per batch", Stats.fixed(s.median("store.store.fsyncs") / (batches + options.appendWarmupBatches()), 2),
                "1.00", "", "", "");
        report.row("peak RSS (child JVM)", Stats.mib(s.median("store.rssPeakBytes")), Stats.mib(s.median("peer.rssPeakBytes")),
                "", "", "");
        report.endTable();
        if (s.median("segments.eventsPerSec") > 0) {
            report.paragraph("Not the goal's peer, the line between the disk and the store: the same raw loop into "
                    + Stats.mib(options.segmentBytes() > 0 ? options.segmentBytes() : 256L << 20) + " segment files prepared as the store "
                    + "prepares its own (the first written with zeros before the timer, each next one written with zeros by a "
                    + "background thread from half full, fsynced every 2 MiB). What it loses against the loop above is what "
                    + "preparing new space costs a log on this disk; what the store loses against it is the store's own work.");
            report.table("Figure", "Raw loop into segments", "Ratio segments/raw loop", "Ratio store/segments");
            report.row("events/s (median)", Stats.count(s.median("segments.eventsPerSec")),
                    Stats.fixed(s.medianRatio("segments.eventsPerSec", "peer.eventsPerSec"), 2),
                    Stats.fixed(s.medianRatio("store.eventsPerSec", "segments.eventsPerSec"), 2));
            report.row("events/s per run", Stats.runs(s.all("segments.eventsPerSec"), 0),
                    Stats.runs(s.ratios("segments.eventsPerSec", "peer.eventsPerSec"), 2),
                    Stats.runs(s.ratios("store.eventsPerSec", "segments.eventsPerSec"), 2));
            report.row("batch latency p50 / p99 (ms)", ms(s, "segments.batchP50Micros") + " / " + ms(s, "segments.batchP99Micros"),
                    "", "");
            report.endTable();
        }
    }

    // ---------------------------------------------------------------- 2. concurrent clients

    private void clients() throws IOException, InterruptedException {
        report.paragraph("### 2. Durable single-event appends from concurrent clients");
        report.paragraph("Each client owns a stream and loops: append one event (exact expected version), wait, repeat; "
                + "one thread per client. Store: fsync durability. Peer: embedded PostgreSQL, one INSERT per event into "
                + "`events(position bigserial PK, stream, version, event_id uuid, type, data bytea, metadata bytea, "
                + "UNIQUE(stream, version))`, auto-commit, fsync=on, synchronous_commit=on, one JDBC connection per "
                + "client. Throughput and latency over " + Stats.fixed(options.measureSeconds(), 0) + " s after "
                + Stats.fixed(options.warmupSeconds(), 0) + " s warm-up; ratio = median of per-run ratios.");
        report.table("Clients", "Store appends/s", "Store p50 / p99 ms", "PostgreSQL inserts/s", "PG p50 / p99 ms",
                "Ratio store/PG", "Ratio per run", "Goal", "Met", "Store events/fsync", "Peak RSS store / PG client / PG server");
        for (int clients : options.clients()) {
            Samples s = new Samples();
            for (int run = 0; run < options.runs(); run++) {
                Path storeDir = options.workDir().resolve("clients/store-" + clients + "-" + run);
                Path pgDir = options.workDir().resolve("clients/pg-" + clients + "-" + run);
                List<String> common = List.of("--clients=" + clients, "--warmupSeconds=" + options.warmupSeconds(),
                        "--measureSeconds=" + options.measureSeconds());
                for (boolean store : order(run)) {
                    if (store) {
                        Optional<ChildJvm.Result> r = attempt("store, " + clients + " clients, run " + (run + 1),
                                () -> jvm.run("store-clients", args(storeDir, common)));
                        collect(s, "store", r, "opsPerSec", "p50Micros", "p99Micros", "rssPeakBytes", "store.eventsAppended",
                                "store.fsyncs");
                    } else {
                        Optional<ChildJvm.Result> r = attempt("PostgreSQL, " + clients + " clients, run " + (run + 1),
                                () -> jvm.run("pg-clients", args(pgDir, common)));
                        collect(s, "pg", r, "opsPerSec", "p50Micros", "p99Micros", "rssPeakBytes", "pg.serverRssBytes");
                    }
                }
                Files2.deleteRecursively(storeDir);
                Files2.deleteRecursively(pgDir);
            }
            double ratio = s.medianRatio("store.opsPerSec", "pg.opsPerSec");
            boolean goal = clients == 256;
            report.row(Integer.toString(clients), Stats.count(s.median("store.opsPerSec")),
                    ms(s, "store.p50Micros") + " / " + ms(s, "store.p99Micros"), Stats.count(s.median("pg.opsPerSec")),
                    ms(s, "pg.p50Micros") + " / " + ms(s, "pg.p99Micros"), Stats.fixed(ratio, 2),
                    Stats.runs(s.ratios("store.opsPerSec", "pg.opsPerSec"), 2), goal ? "≥ 5" : "",
                    goal ? Report.verdict(ratio, ratio >= 5) : "",
                    Stats.fixed(s.medianRatio("store.store.eventsAppended", "store.store.fsyncs"), 1),
                    Stats.mib(s.median("store.rssPeakBytes")) + " / " + Stats.mib(s.median("pg.rssPeakBytes")) + " / "
                            + Stats.mib(s.median("pg.pg.serverRssBytes")));
        }
        report.endTable();
        report.paragraph("PG server RSS: postmaster and backends at the end of the load, private memory summed and shared "
                + "memory counted once (an estimate).");
    }

    // ---------------------------------------------------------------- 3. reads

    private void read() throws IOException, InterruptedException {
        SharedLog shared = options.peersOnly() ? syntheticLog() : sharedLog();
        List<String> peerArgs = List.of("--logBytes=" + shared.logBytes(),
                "--segmentBytes=" + (options.peersOnly() ? 0 : options.segmentBytes()), "--minSeconds=" + PEER_READ_SECONDS);
        List<String> primeArgs = List.of("--logBytes=" + shared.logBytes(),
                "--segmentBytes=" + (options.peersOnly() ? 0 : options.segmentBytes()), "--minSeconds=0");
        Samples s = new Samples();
        for (int run = 0; run < options.runs(); run++) {
            if (run == 0 || options.dropCaches()) {
                // both sides read from a warm page cache; --drop-caches empties it for the stream read
                attempt("priming the page cache", () -> jvm.run("raw-read", argsNoSegment(shared.data(), primeArgs)));
            }
            for (boolean store : order(run)) {
                if (store) {
                    Optional<ChildJvm.Result> r = attempt("store $all read, run " + (run + 1),
                            () -> jvm.run("read-all", args(shared.data(), List.of("--pageSize=" + options.readPageSize()))));
                    collect(s, "all", r, "eventsPerSec", "events", "openMillis", "rssPeakBytes");
                } else {
                    Optional<ChildJvm.Result> r = attempt("raw read peer, run " + (run + 1),
                            () -> jvm.run("raw-read", argsNoSegment(shared.data(), peerArgs)));
                    collect(s, "peer", r, "bytesPerSec", "rssPeakBytes");
                    s.add("peer.eventsPerSec", r.map(x -> x.number("bytesPerSec") / shared.bytesPerEvent()).orElse(Double.NaN));
                }
            }
            if (!options.peersOnly()) {
                Optional<ChildJvm.Result> r = attempt("stream read, run " + (run + 1), () -> jvm.run("read-stream",
                        args(shared.data(), List.of("--warmReads=" + options.warmReads(), "--warmSeconds=" + options.warmReadSeconds(),
                                "--dropCaches=" + options.dropCaches()))));
                collect(s, "stream", r, "coldMicros", "warmP50Micros", "warmP99Micros", "rssPeakBytes", "warmReads");
                r.ifPresent(x -> s.add("stream.dropped", "true".equals(x.text("pageCacheDropped", "false")) ? 1 : 0));
            }
        }
        double ratio = s.medianRatio("all.eventsPerSec", "peer.eventsPerSec");
        double all = s.median("all.eventsPerSec");
        report.paragraph("### 3. Reads of a " + Stats.count(shared.events()) + "-event log" + (shared.reused() ? " (reused)" : ""));
        report.paragraph("`$all` forward from position 0 to the head in pages of " + options.readPageSize() + " (store opened "
                + "before timing; page cache warm). Peer: sequential `FileChannel.read` (1 MiB buffer, passes repeated for "
                + Stats.fixed(PEER_READ_SECONDS, 0) + " s) of the "
                + (options.peersOnly() ? "synthetic log file" : "segment files") + ", bytes/s turned into events/s at "
                + Stats.fixed(shared.bytesPerEvent(), 1) + " log bytes per event" + (shared.bytesEstimated() ? " (estimated)" : "")
                + ". " + shared.note());
        report.table("Figure", "Store", "Raw read peer", "Ratio store/peer", "Goal", "Met");
        report.row("$all events/s (median)", Stats.count(all), Stats.count(s.median("peer.eventsPerSec")), Stats.fixed(ratio, 3),
                "≥ 2,000,000 events/s", Report.verdict(all, all >= 2_000_000));
        report.row("$all events/s per run", Stats.runs(s.all("all.eventsPerSec"), 0), Stats.runs(s.all("peer.eventsPerSec"), 0),
                Stats.runs(s.ratios("all.eventsPerSec", "peer.eventsPerSec"), 3), "", "");
        report.row("peer MB/s", "", Stats.fixed(s.median("peer.bytesPerSec") / 1e6, 0), "", "", "");
        report.row("events read by $all / store open before it (ms)", Stats.count(s.median("all.events")) + " / "
                + Stats.fixed(s.median("all.openMillis"), 0), "", "", "", "");
        report.row("1,000-event stream, cold: first read after open (ms)", Stats.fixed(s.median("stream.coldMicros") / 1e3, 2),
                "", "", "", "");
        report.row("1,000-event stream, warm p50 / p99 (ms) over " + Stats.count(s.median("stream.warmReads")) + " reads",
                ms(s, "stream.warmP50Micros") + " / " + ms(s, "stream.warmP99Micros"), "", "", "", "");
        report.row("peak RSS $all / stream read / peer", Stats.mib(s.median("all.rssPeakBytes")) + " / "
                + Stats.mib(s.median("stream.rssPeakBytes")), Stats.mib(s.median("peer.rssPeakBytes")), "", "", "");
        report.endTable();
        if (options.dropCaches() && s.median("stream.dropped") < 1) {
            report.paragraph("Note: --drop-caches was asked for but the page cache could not be dropped (not permitted here).");
        }
    }

    // ---------------------------------------------------------------- 4. recovery

    private void recovery() throws IOException, InterruptedException {
        if (options.peersOnly()) {
            report.paragraph("### 4. Recovery: skipped (no peer; store only)");
            return;
        }
        SharedLog shared = sharedLog();
        Samples s = new Samples();
        for (int run = 0; run < options.runs(); run++) {
            String tag = Integer.toString(run);
            Optional<ChildJvm.Result> clean = attempt("recovery after clean close, run " + (run + 1),
                    () -> jvm.run("recover", args(shared.data(), List.of())));
            collect(s, "clean", clean, "openAndAppendMillis", "openMillis", "rssPeakBytes", "headPosition");
            Optional<ChildJvm.Result> victim = attempt("appender to kill, run " + (run + 1),
                    () -> jvm.runUntilKilled("crash-append", args(shared.data(), List.of("--durability=" + options.crashDurability(),
                            "--armAfterEvents=" + options.crashAfterEvents(), "--batchSize=100", "--tag=" + tag)), Recovery.ARMED));
            collect(s, "victim", victim, "armed", "rssPeakBytes");
            if (victim.isPresent()) {
                Optional<ChildJvm.Result> unclean = attempt("recovery after kill -9, run " + (run + 1),
                        () -> jvm.run("recover", args(shared.data(), List.of())));
                collect(s, "unclean", unclean, "openAndAppendMillis", "openMillis", "rssPeakBytes", "headPosition");
                if (clean.isPresent() && unclean.isPresent()) {
                    // positions are gap-free: what the victim left = new head - old head - the probe event
                    long survived = (long) (unclean.get().number("headPosition") - clean.get().number("headPosition")) - 1;
                    long acknowledged = (long) victim.get().number("armed");
                    s.add("victim.survived", survived);
                    if (survived < acknowledged) {
                        report.problem("recovery after kill -9, run " + (run + 1), new IllegalStateException(
                                "acknowledged events lost: the killed appender had at least " + acknowledged
                                        + " events acknowledged (durability " + options.crashDurability() + "), but the head "
                                        + "moved from " + (long) clean.get().number("headPosition") + " to "
                                        + (long) unclean.get().number("headPosition") + " (" + survived + " events kept)"));
                    }
                }
            }
        }
        double clean = s.median("clean.openAndAppendMillis");
        double unclean = s.median("unclean.openAndAppendMillis");
        report.paragraph("### 4. Recovery of a " + Stats.count(shared.events()) + "-event log");
        report.paragraph("Time from `Tributary.open` to the first acknowledged fsync append, in a fresh JVM (class loading "
                + "included, JVM start excluded). Unclean: a child appending with " + options.crashDurability()
                + " durability (batches of 100, 8 in flight) is killed with `Process.destroyForcibly()` (SIGKILL) once it has "
                + Stats.count(options.crashAfterEvents()) + " events acknowledged. No peer.");
        report.table("Figure", "Median", "Per run", "Goal", "Met", "Peak RSS");
        report.row("clean close → open + first append (ms)", Stats.fixed(clean, 0), Stats.runs(s.all("clean.openAndAppendMillis"), 0),
                "< 2,000 ms", Report.verdict(clean, clean < 2_000), Stats.mib(s.median("clean.rssPeakBytes")));
        report.row("clean close → open only (ms)", Stats.fixed(s.median("clean.openMillis"), 0),
                Stats.runs(s.all("clean.openMillis"), 0), "", "", "");
        report.row("kill -9 → open + first append (ms)", Stats.fixed(unclean, 0),
                Stats.runs(s.all("unclean.openAndAppendMillis"), 0), "< 10,000 ms", Report.verdict(unclean, unclean < 10_000),
                Stats.mib(s.median("unclean.rssPeakBytes")));
        report.row("kill -9 → open only (ms)", Stats.fixed(s.median("unclean.openMillis"), 0),
                Stats.runs(s.all("unclean.openMillis"), 0), "", "", "");
        report.row("events acknowledged by the victim before the kill / found after recovery",
                Stats.count(s.median("victim.armed")) + " / " + Stats.count(s.median("victim.survived")),
                Stats.runs(s.all("victim.armed"), 0) + " / " + Stats.runs(s.all("victim.survived"), 0), "found ≥ acknowledged",
                Report.verdict(s.median("victim.survived"), lostNone(s)), Stats.mib(s.median("victim.rssPeakBytes")) + " (victim)");
        report.endTable();
    }

    private static boolean lostNone(Samples s) {
        List<Double> armed = s.all("victim.armed");
        List<Double> survived = s.all("victim.survived");
        for (int i = 0; i < Math.min(armed.size(), survived.size()); i++) {
            if (survived.get(i) < armed.get(i)) {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- shared log

    /** The log shared by the read and recovery benchmarks. */
    private record SharedLog(Path data, long events, long logBytes, double bytesPerEvent, boolean bytesEstimated,
                             boolean reused, String note) {
    }

    private SharedLog sharedLog() throws IOException, InterruptedException {
        if (log != null) {
            return log;
        }
        Path base = options.workDir().resolve("log-" + options.events() + "x" + options.eventBytes() + "b");
        Path data = base.resolve("data");
        Path descriptor = base.resolve("log.txt");
        if (options.reuseLog() && Files.exists(descriptor)) {
            java.util.Map<String, String> d = Files2.readKeyValues(descriptor);
            if (Long.toString(options.segmentBytes()).equals(d.get("segmentBytes"))) {
                progress("reusing the log in " + data);
                log = new SharedLog(data, Long.parseLong(d.get("events")), Long.parseLong(d.get("logBytes")),
                        Double.parseDouble(d.get("bytesPerEvent")), Boolean.parseBoolean(d.get("bytesEstimated")), true,
                        d.getOrDefault("note", ""));
                return log;
            }
        }
        Files2.deleteRecursively(base);
        Files.createDirectories(base);
        progress("building a " + options.events() + "-event log in " + data);
        ChildJvm.Result build = jvm.run("build-log", args(data, List.of("--events=" + options.events(),
                "--batchSize=" + options.batchSize(), "--durability=" + options.buildDurability())));
        long events = (long) build.number("events");
        long logBytes = (long) build.number("store.bytesWritten", -1);
        boolean estimated = logBytes <= 0;
        long segmentTotal = 0;
        List<Path> segments = RawReadPeer.segmentFiles(data, options.segmentBytes());
        for (Path p : segments) {
            segmentTotal += Files.size(p);
        }
        double bytesPerEvent = estimated ? (double) segmentTotal / events : (double) logBytes / events;
        String note = String.format("Log build: %,d events in %.1f s (%s events/s, durability %s), %d segment files, "
                        + "%s on disk, peak RSS %s.", events, build.number("seconds"), Stats.count(build.number("eventsPerSec")),
                options.buildDurability(), segments.size(), Stats.mib(Files2.sizeOf(data)), Stats.mib(build.number("rssPeakBytes")));
        Files.writeString(descriptor, "events=" + events + "\nlogBytes=" + (estimated ? -1 : logBytes) + "\nbytesPerEvent="
                + bytesPerEvent + "\nbytesEstimated=" + estimated + "\nsegmentBytes=" + options.segmentBytes() + "\nnote=" + note + "\n");
        log = new SharedLog(data, events, estimated ? -1 : logBytes, bytesPerEvent, estimated, false, note);
        return log;
    }

    private SharedLog syntheticLog() throws IOException, InterruptedException {
        Path dir = options.workDir().resolve("synthetic");
        Files2.deleteRecursively(dir);
        ChildJvm.Result r = jvm.run("raw-log", args(dir, List.of("--events=" + options.events())));
        return new SharedLog(dir, options.events(), (long) r.number("bytes"), r.number("bytesPerEvent"), false, false,
                "Peers-only: a synthetic log of peer frames stands in for the store's segments.");
    }

    // ---------------------------------------------------------------- helpers

    /** Peer first on even runs, store first on odd runs, so neither always runs on a warmer machine. */
    private List<Boolean> order(int run) {
        List<Boolean> sides = new ArrayList<>();
        if (!options.peersOnly()) {
            sides.add(true);
        }
        if (run % 2 == 0) {
            sides.add(0, false);
        } else {
            sides.add(false);
        }
        return sides;
    }

    private List<String> args(Path dir, List<String> extra) {
        List<String> all = new ArrayList<>(argsNoSegment(dir, extra));
        all.add("--segmentBytes=" + options.segmentBytes());
        return all;
    }

    private List<String> argsNoSegment(Path dir, List<String> extra) {
        List<String> all = new ArrayList<>();
        all.add("--dir=" + dir);
        all.add("--eventBytes=" + options.eventBytes());
        all.addAll(extra);
        return all;
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

    private static String ms(Samples s, String micros) {
        return Stats.fixed(s.median(micros) / 1e3, 2);
    }

    private static void progress(String message) {
        System.err.println("[bench " + java.time.LocalTime.now().withNano(0) + "] " + message);
    }
}
