package io.tributary.benchmarks;

import io.tributary.store.Durability;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Entry point of the child JVMs that {@link LogBenchmarks} starts: runs one measurement and
 * prints its figures as one line {@code RESULT key=value ...} on standard output, with this
 * JVM's peak RSS ({@code VmHWM}) and heap peak. Each measurement gets a fresh JVM so runs are
 * independent and the memory figures belong to that measurement alone.
 *
 * <p>Usage: {@code BenchChild <task> --key=value ...}; tasks: {@code raw-append}, {@code raw-append-segments},
 * {@code store-append}, {@code store-clients}, {@code pg-clients}, {@code build-log},
 * {@code raw-log}, {@code raw-read}, {@code read-all}, {@code read-stream}, {@code recover},
 * {@code crash-append}; for {@link CqrsBenchmarks}: {@code cqrs-build-log}, {@code cqrs-catchup},
 * {@code cqrs-raw-read}, {@code cqrs-latency}; for {@link StreamsBenchmarks}: {@code streams-count}; for
 * {@link StreamsRepartitionBenchmarks}: {@code streams-repartition}. Not meant to be started by hand; see {@link LogBenchmarks}.
 */
public final class BenchChild {
    /** The prefix of the result line. */
    static final String RESULT = "RESULT";

    private BenchChild() {
    }

    /**
     * Runs the task named by {@code args[0]} and exits 0, or prints the failure and exits 1.
     *
     * @param args the task and its {@code --key=value} arguments
     */
    public static void main(String[] args) {
        PrintStream out = System.out;
        try {
            Map<String, Object> result = run(args[0], parse(args), out);
            ProcMemory.addSelf(result);
            StringBuilder line = new StringBuilder(RESULT);
            result.forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
            out.println(line);
            out.flush();
            System.exit(0);
        } catch (Throwable e) {
            e.printStackTrace();
            System.exit(1);
        }
    }

    private static Map<String, Object> run(String task, Map<String, String> a, PrintStream out) throws Exception {
        Path dir = Path.of(required(a, "dir"));
        Events events = new Events(Long.parseLong(required(a, "seed")), Integer.parseInt(a.getOrDefault("eventBytes", "200")));
        long segmentBytes = Long.parseLong(a.getOrDefault("segmentBytes", "0"));
        switch (task) {
            case "raw-append":
                return RawAppendPeer.run(dir, integer(a, "batches"), integer(a, "warmupBatches"), integer(a, "batchSize"), events);
            case "raw-append-segments":
                return RawAppendPeer.runSegmented(dir, integer(a, "batches"), integer(a, "warmupBatches"), integer(a, "batchSize"),
                        events, segmentBytes > 0 ? segmentBytes : 256L << 20);
            case "store-append":
                return StoreAppend.run(dir, integer(a, "batches"), integer(a, "warmupBatches"), integer(a, "batchSize"), events,
                        segmentBytes);
            case "store-clients":
                return StoreClients.run(dir, integer(a, "clients"), decimal(a, "warmupSeconds"), decimal(a, "measureSeconds"),
                        events, segmentBytes);
            case "pg-clients":
                return PostgresClients.run(dir, integer(a, "clients"), decimal(a, "warmupSeconds"), decimal(a, "measureSeconds"),
                        events);
            case "build-log":
                return LogBuilder.run(dir, Long.parseLong(required(a, "events")), integer(a, "batchSize"),
                        Durability.parse(required(a, "durability")), segmentBytes, events);
            case "raw-log":
                return RawReadPeer.writeSynthetic(dir, Long.parseLong(required(a, "events")), events);
            case "raw-read":
                return RawReadPeer.run(dir, segmentBytes, Long.parseLong(required(a, "logBytes")), decimal(a, "minSeconds"));
            case "read-all":
                return LogReads.readAll(dir, integer(a, "pageSize"), segmentBytes);
            case "read-stream":
                return LogReads.readStream(dir, integer(a, "warmReads"), decimal(a, "warmSeconds"),
                        Boolean.parseBoolean(a.getOrDefault("dropCaches", "false")), segmentBytes);
            case "recover":
                return Recovery.openAndAppend(dir, segmentBytes, events);
            case "crash-append":
                Recovery.appendUntilKilled(dir, Durability.parse(required(a, "durability")), segmentBytes,
                        Long.parseLong(required(a, "armAfterEvents")), integer(a, "batchSize"), events, required(a, "tag"), out);
                return new LinkedHashMap<>();
            case "cqrs-build-log":
                return CqrsWork.buildLog(dir, Long.parseLong(required(a, "events")), integer(a, "products"), segmentBytes,
                        Long.parseLong(required(a, "seed")));
            case "cqrs-catchup":
                return CqrsWork.catchUp(required(a, "store"), Path.of(required(a, "log")), dir, segmentBytes, integer(a, "batchEvents"),
                        Long.parseLong(required(a, "units")));
            case "cqrs-raw-read":
                return CqrsWork.rawReads(dir, integer(a, "pageSize"), integer(a, "batchEvents"), segmentBytes);
            case "cqrs-latency":
                return CqrsWork.latency(required(a, "store"), dir, segmentBytes, integer(a, "rate"), decimal(a, "warmupSeconds"),
                        decimal(a, "measureSeconds"), integer(a, "products"), Long.parseLong(required(a, "seed")));
            case "streams-count":
                return StreamsCount.run(required(a, "engine"), Long.parseLong(required(a, "events")), integer(a, "keys"),
                        Long.parseLong(required(a, "seed")), dir, integer(a, "commitEvery"));
            case "streams-repartition":
                return StreamsRepartition.run(required(a, "engine"), Long.parseLong(required(a, "events")), integer(a, "keys"),
                        Long.parseLong(required(a, "seed")), dir, integer(a, "batchEvents"));
            default:
                throw new IllegalArgumentException("unknown task '" + task + "'");
        }
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> map = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            int eq = arg.indexOf('=');
            if (!arg.startsWith("--") || eq < 0) {
                throw new IllegalArgumentException("child argument '" + arg + "' is not --key=value");
            }
            map.put(arg.substring(2, eq), arg.substring(eq + 1));
        }
        return map;
    }

    private static String required(Map<String, String> a, String key) {
        String value = a.get(key);
        if (value == null) {
            throw new IllegalArgumentException("child argument --" + key + " is missing");
        }
        return value;
    }

    private static int integer(Map<String, String> a, String key) {
        return Integer.parseInt(required(a, key));
    }

    private static double decimal(Map<String, String> a, String key) {
        return Double.parseDouble(required(a, key));
    }
}
