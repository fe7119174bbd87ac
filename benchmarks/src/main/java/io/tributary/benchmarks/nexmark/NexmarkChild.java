package io.tributary.benchmarks.nexmark;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Entry point of the child JVMs that {@link NexmarkBenchmarks} starts: runs one query on one
 * engine over the generated events and prints one line {@code RESULT key=value ...} with the
 * throughput, the query thread's CPU time per event ({@link QueryCpu}), the result digest and this
 * JVM's peak RSS ({@code VmHWM}). With
 * {@code --rowsFile=PATH} it also writes the sorted canonical result rows there.
 *
 * <p>Usage: {@code NexmarkChild --engine=tributary|flink|kstreams|input --query=q0..q8 --events=N --seed=S
 * [--delayUs=100] [--rowsFile=PATH]}.
 */
public final class NexmarkChild {
    /** The prefix of the result line. */
    static final String RESULT = "RESULT";

    private NexmarkChild() {
    }

    /**
     * Runs the measurement and exits 0, or prints the failure and exits 1.
     *
     * @param args {@code --key=value} arguments
     */
    public static void main(String[] args) {
        try {
            Map<String, String> a = parse(args);
            Query query = Query.parse(required(a, "query"));
            String engine = required(a, "engine");
            NexmarkConfig base = NexmarkConfig.defaults(Long.parseLong(required(a, "events")), Long.parseLong(a.getOrDefault("seed", "42")));
            NexmarkConfig config = new NexmarkConfig(base.events(), base.seed(), base.baseTimeMs(),
                    Long.parseLong(a.getOrDefault("delayUs", "100")), base.numActivePeople(), base.numInFlightAuctions(),
                    base.hotAuctionRatio(), base.hotSellersRatio(), base.hotBiddersRatio());
            EncodedEvents events = EncodedEvents.generate(config);
            System.gc(); // the generator's garbage is not the engine's
            long warmup = Long.parseLong(a.getOrDefault("warmupEvents", "0"));
            if (warmup > 0) {
                // The same engine and query on the first events, untimed, results dropped: JIT-compiled
                // code and a grown heap for the timed run, on every engine alike.
                NexmarkConfig w = new NexmarkConfig(Math.min(warmup, config.events()), config.seed(), config.baseTimeMs(),
                        config.interEventDelayUs(), config.numActivePeople(), config.numInFlightAuctions(),
                        config.hotAuctionRatio(), config.hotSellersRatio(), config.hotBiddersRatio());
                run(engine, query, w, EncodedEvents.generate(w), new Results(query));
            }
            Results out = new Results(query);
            QueryCpu.reset();
            long nanos = run(engine, query, config, events, out);
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("engine", engine);
            result.put("query", query.id());
            result.put("events", config.events());
            result.put("elapsedMs", nanos / 1e6);
            result.put("eventsPerSec", config.events() / (nanos / 1e9));
            long cpu = QueryCpu.nanos();
            result.put("queryCpuNsPerEvent", cpu < 0 ? -1 : cpu / (double) config.events());
            result.put("emitted", out.emitted());
            result.put("rssPeakBytes", peakRssBytes());
            result.put("heapPeakBytes", heapPeakBytes());
            List<String> rows = out.canonicalRows();
            result.put("rows", rows.size());
            result.put("digest", Results.digest(rows));
            String rowsFile = a.get("rowsFile");
            if (rowsFile != null) {
                Files.write(Path.of(rowsFile), rows, StandardCharsets.UTF_8);
            }
            StringBuilder line = new StringBuilder(RESULT);
            result.forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
            System.out.println(line);
            System.out.flush();
            System.exit(0);
        } catch (Throwable e) {
            e.printStackTrace();
            System.exit(1);
        }
    }

    /** Runs {@code query} on {@code engine}; returns the elapsed nanoseconds. */
    static long run(String engine, Query query, NexmarkConfig config, EncodedEvents events, Results out) throws Exception {
        switch (engine) {
            case "tributary":
                return TributaryQueries.run(query, config, events, out);
            case "flink":
                return FlinkQueries.run(query, config, events, out);
            case "kstreams":
                return KafkaStreamsQueries.run(query, config, events, out);
            case "input":
                return readOnly(events, out);
            default:
                throw new IllegalArgumentException("unknown engine '" + engine + "' (tributary, flink, kstreams)");
        }
    }

    /** The input alone: every event decoded, nothing processed (the floor under every engine's time). */
    private static long readOnly(EncodedEvents events, Results out) {
        QueryCpu.start();
        long start = System.nanoTime();
        long sum = 0;
        for (int n = 0; n < events.size(); n++) {
            sum += EventCodec.decode(events.data(n)).dateTime();
        }
        long nanos = System.nanoTime() - start;
        QueryCpu.stop();
        if (sum == 42) {
            out.upsert(0, Values.CategoryAvg.EMPTY); // keeps the loop from being optimized away
        }
        return nanos;
    }

    /** Peak resident set size (VmHWM) of this process in bytes, -1 when unknown. */
    static long peakRssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024L;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    private static long heapPeakBytes() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> map = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (!arg.startsWith("--") || eq < 0) {
                throw new IllegalArgumentException("argument '" + arg + "' is not --key=value");
            }
            map.put(arg.substring(2, eq), arg.substring(eq + 1));
        }
        return map;
    }

    private static String required(Map<String, String> a, String key) {
        String v = a.get(key);
        if (v == null) {
            throw new IllegalArgumentException("argument --" + key + " is missing");
        }
        return v;
    }
}
