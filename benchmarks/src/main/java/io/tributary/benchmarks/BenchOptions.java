package io.tributary.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The harness's settings, parsed from {@code --flag value} (or {@code --flag=value}) arguments.
 * Every flag has a default; {@code --smoke} first switches to small sizes for a quick check,
 * and flags given with it still win. See {@link #usage()}.
 *
 * @param only              benchmarks to run: append, clients, read, recovery
 * @param peersOnly         run only the peers (raw FileChannel, PostgreSQL), not the store
 * @param runs              runs per measurement; the report shows medians
 * @param events            size of the log for the read and recovery benchmarks
 * @param appendEvents      events appended per run of the batch-append benchmark
 * @param batchSize         events per batch in the batch-append benchmark and the log build
 * @param appendWarmupBatches batches appended before timing starts
 * @param clients           client counts of the concurrent-clients benchmark
 * @param warmupSeconds     warm-up of each concurrent-clients measurement
 * @param measureSeconds    measured period of each concurrent-clients measurement
 * @param eventBytes        size of an event (type + data + metadata)
 * @param segmentBytes      the store's segment size
 * @param workDir           where logs, data and results go
 * @param reuseLog          reuse a log built by an earlier invocation with the same sizes
 * @param buildDurability   durability used to build the shared log (fsynced at close either way)
 * @param crashDurability   durability of the appender killed in the recovery benchmark
 * @param crashAfterEvents  events the victim has acknowledged before it is killed
 * @param readPageSize      events per page of the {@code $all} read
 * @param warmReads         repeated reads of the 1,000-event stream
 * @param warmReadSeconds   time budget of those reads (at least 10 reads are made)
 * @param dropCaches        drop the OS page cache before the cold stream read (needs root)
 * @param jvmOptions        options of the child JVMs
 * @param childTimeoutMinutes longest a child JVM may run
 * @param seed              base seed of the event ids; each child JVM gets its own (seed + n)
 */
record BenchOptions(Set<String> only, boolean peersOnly, int runs, long events, long appendEvents, int batchSize,
                    int appendWarmupBatches, List<Integer> clients, double warmupSeconds, double measureSeconds,
                    int eventBytes, long segmentBytes, Path workDir, boolean reuseLog, String buildDurability,
                    String crashDurability, long crashAfterEvents, int readPageSize, int warmReads, double warmReadSeconds,
                    boolean dropCaches, List<String> jvmOptions, long childTimeoutMinutes, long seed) {

    /** The benchmarks, in the order they run. */
    static final List<String> BENCHMARKS = List.of("append", "clients", "read", "recovery");

    /** Whether {@code benchmark} was selected. */
    boolean runs(String benchmark) {
        return only.contains(benchmark);
    }

    /** The flag reference printed by {@code --help}. */
    static String usage() {
        return String.join(System.lineSeparator(),
                "Usage: benchmarks/run.sh [flags]   (or java -cp <classpath> io.tributary.benchmarks.LogBenchmarks [flags])",
                "  --only LIST               append,clients,read,recovery (default: all)",
                "  --peers-only              run only the peers (raw FileChannel, PostgreSQL), not the store",
                "  --smoke                   small sizes for a quick check (1 run, 200k-event log, 3 s loads)",
                "  --runs N                  runs per measurement, medians reported (default 5)",
                "  --events N                log size for read and recovery (default 10000000)",
                "  --append-events N         events per run of the batch-append benchmark (default 5000000)",
                "  --batch N                 events per batch (default 1000)",
                "  --append-warmup-batches N untimed batches first (default 50)",
                "  --clients LIST            concurrent clients (default 1,16,256)",
                "  --warmup-seconds S        warm-up per client measurement (default 3)",
                "  --seconds S               measured period per client measurement (default 10)",
                "  --event-bytes N           event size, type+data+metadata (default 200)",
                "  --segment-bytes N         store segment size (default 268435456)",
                "  --work-dir DIR            data, logs and results (default benchmarks/target/bench-work)",
                "  --reuse-log               reuse a log built earlier with the same --events/--event-bytes",
                "  --build-durability D      durability for building the log: none|fsync|interval:<ms> (default none)",
                "  --crash-durability D      durability of the killed appender (default none)",
                "  --crash-after-events N    events acknowledged before the kill (default 100000)",
                "  --read-page N             events per $all page (default 4096)",
                "  --warm-reads N            warm reads of the 1,000-event stream (default 1000)",
                "  --warm-read-seconds S     ...or as many as fit in S seconds, at least 10 (default 20)",
                "  --drop-caches             drop the OS page cache before the cold stream read (root)",
                "  --jvm-opts \"...\"          child JVM options (default \"-Xmx4g\")",
                "  --child-timeout-minutes N (default 60)",
                "  --seed N                  base seed of event ids (default: the current time, so a reused log",
                "                            never gets ids it already holds; printed in the report)");
    }

    /** Parses {@code args}; throws {@link IllegalArgumentException} naming a bad flag. */
    static BenchOptions parse(String[] args) {
        Map<String, String> given = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "'; flags start with --\n" + usage());
            }
            String key = arg.substring(2);
            String value;
            int eq = key.indexOf('=');
            if (eq >= 0) {
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            } else if (Set.of("peers-only", "smoke", "reuse-log", "drop-caches", "help").contains(key)) {
                value = "true";
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException("flag --" + key + " needs a value\n" + usage());
            }
            given.put(key, value);
        }
        boolean smoke = Boolean.parseBoolean(given.getOrDefault("smoke", "false"));
        Map<String, String> v = new LinkedHashMap<>();
        v.put("only", String.join(",", BENCHMARKS));
        v.put("peers-only", "false");
        v.put("runs", smoke ? "1" : "5");
        v.put("events", smoke ? "200000" : "10000000");
        v.put("append-events", smoke ? "500000" : "5000000");
        v.put("batch", "1000");
        v.put("append-warmup-batches", smoke ? "10" : "50");
        v.put("clients", "1,16,256");
        v.put("warmup-seconds", smoke ? "1" : "3");
        v.put("seconds", smoke ? "3" : "10");
        v.put("event-bytes", "200");
        v.put("segment-bytes", Long.toString(256L << 20));
        v.put("work-dir", "benchmarks/target/bench-work");
        v.put("reuse-log", "false");
        v.put("build-durability", "none");
        v.put("crash-durability", "none");
        v.put("crash-after-events", smoke ? "20000" : "100000");
        v.put("read-page", "4096");
        v.put("warm-reads", smoke ? "200" : "1000");
        v.put("warm-read-seconds", smoke ? "5" : "20");
        v.put("drop-caches", "false");
        v.put("jvm-opts", "-Xmx4g");
        v.put("child-timeout-minutes", "60");
        v.put("seed", Long.toString(System.currentTimeMillis()));
        for (Map.Entry<String, String> e : given.entrySet()) {
            if (!e.getKey().equals("smoke") && !e.getKey().equals("help") && !v.containsKey(e.getKey())) {
                throw new IllegalArgumentException("unknown flag --" + e.getKey() + "\n" + usage());
            }
            v.put(e.getKey(), e.getValue());
        }
        Set<String> only = new LinkedHashSet<>();
        for (String name : v.get("only").split(",")) {
            String b = name.trim().toLowerCase(Locale.ROOT);
            if (!BENCHMARKS.contains(b)) {
                throw new IllegalArgumentException("--only: '" + name + "' is not one of " + BENCHMARKS);
            }
            only.add(b);
        }
        List<Integer> clients = new ArrayList<>();
        for (String c : v.get("clients").split(",")) {
            clients.add(positive("clients", Integer.parseInt(c.trim())));
        }
        List<String> jvm = new ArrayList<>(Arrays.asList(v.get("jvm-opts").trim().split("\\s+")));
        jvm.removeIf(String::isEmpty);
        BenchOptions options = new BenchOptions(only, Boolean.parseBoolean(v.get("peers-only")),
                positive("runs", Integer.parseInt(v.get("runs"))),
                positive("events", Long.parseLong(v.get("events"))),
                positive("append-events", Long.parseLong(v.get("append-events"))),
                positive("batch", Integer.parseInt(v.get("batch"))),
                Integer.parseInt(v.get("append-warmup-batches")),
                List.copyOf(clients),
                Double.parseDouble(v.get("warmup-seconds")),
                Double.parseDouble(v.get("seconds")),
                positive("event-bytes", Integer.parseInt(v.get("event-bytes"))),
                positive("segment-bytes", Long.parseLong(v.get("segment-bytes"))),
                Path.of(v.get("work-dir")).toAbsolutePath(),
                Boolean.parseBoolean(v.get("reuse-log")),
                v.get("build-durability"),
                v.get("crash-durability"),
                positive("crash-after-events", Long.parseLong(v.get("crash-after-events"))),
                positive("read-page", Integer.parseInt(v.get("read-page"))),
                positive("warm-reads", Integer.parseInt(v.get("warm-reads"))),
                positive("warm-read-seconds", Double.parseDouble(v.get("warm-read-seconds"))),
                Boolean.parseBoolean(v.get("drop-caches")),
                List.copyOf(jvm),
                positive("child-timeout-minutes", Long.parseLong(v.get("child-timeout-minutes"))),
                Long.parseLong(v.get("seed")));
        if (options.events() < 2L * LogBuilder.TARGET_EVENTS) {
            throw new IllegalArgumentException("--events must be at least " + 2 * LogBuilder.TARGET_EVENTS);
        }
        return options;
    }

    /** Whether {@code --help} was asked for. */
    static boolean wantsHelp(String[] args) {
        return Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h");
    }

    private static <N extends Number> N positive(String flag, N value) {
        if (value.doubleValue() <= 0) {
            throw new IllegalArgumentException("--" + flag + " must be positive, got " + value);
        }
        return value;
    }
}
