package io.tributary.benchmarks;

import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.format.Json;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The peer in {@link CdcBenchmarks}, run in its own JVM by {@link DebeziumSide} (Debezium 3.6.1 needs
 * the kafka-clients of its Kafka Connect, 4.3, the Kafka Streams peer 4.4): Debezium's embedded
 * engine with its PostgreSQL connector (pgoutput, its own slot and publication, no snapshot,
 * offsets in memory, JSON without schemas, every other setting at its default, or
 * {@code poll.interval.ms} set).
 *
 * <p>Argument: the server's port. One JVM serves every capture of a side, one after the other, so
 * its JIT is as warm as ours in the parent. Standard input:
 * {@code start <table> <pollIntervalMs|default> <count|latency> <expectedEvents>} starts a capture and
 * prints {@code ready} once its slot streams; in {@code count} mode it prints {@code done <nanoTime>}
 * when the expected event was handed to the consumer callback; in {@code latency} mode one line per
 * event, {@code l <sent nanoTime> <source ts_ms> <envelope ts_ms> <delivered nanoTime>} ({@code sent}
 * is the row's column; {@code System.nanoTime} is the machine's monotonic clock, the same in every JVM
 * on Linux), then {@code done}; {@code stop} stops the engine, drops its slot and prints {@code closed};
 * end of input ends the JVM.
 */
final class DebeziumChild {
    private DebeziumChild() {
    }

    /** Serves captures one after the other; see the class description. */
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null && line.startsWith("start ")) {
                String[] f = line.split(" ");
                capture(port, f[1], f[2], f[3].equals("latency"), Long.parseLong(f[4]), in, out);
            }
        }
        System.exit(0);
    }

    /** One capture of {@code table}, until {@code stop}. */
    private static void capture(int port, String table, String poll, boolean latency, long expected, BufferedReader in,
                                PrintStream out) throws Exception {
        String slot = "dbz_" + table;
        Properties p = new Properties();
        p.setProperty("name", "bench-" + table);
        p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        p.setProperty("offset.storage", "org.apache.kafka.connect.storage.MemoryOffsetBackingStore");
        p.setProperty("offset.flush.interval.ms", "10000");
        p.setProperty("database.hostname", "localhost");
        p.setProperty("database.port", Integer.toString(port));
        p.setProperty("database.user", "postgres");
        p.setProperty("database.password", "");
        p.setProperty("database.dbname", "postgres");
        p.setProperty("topic.prefix", "bench");
        p.setProperty("plugin.name", "pgoutput");
        p.setProperty("slot.name", slot);
        p.setProperty("publication.name", slot);
        p.setProperty("publication.autocreate.mode", "filtered");
        p.setProperty("table.include.list", "public." + table);
        p.setProperty("snapshot.mode", "no_data");
        p.setProperty("key.converter.schemas.enable", "false");
        p.setProperty("value.converter.schemas.enable", "false");
        p.setProperty("schema.history.internal", "io.debezium.relational.history.MemorySchemaHistory");
        if (!poll.equals("default")) {
            // How long the engine's poll waits for its queue to fill when it holds fewer than max.batch.size records.
            p.setProperty("poll.interval.ms", poll);
        }
        AtomicLong seen = new AtomicLong();
        List<long[]> records = new ArrayList<>();
        DebeziumEngine<ChangeEvent<String, String>> engine = DebeziumEngine.create(Json.class).using(p).notifying(record -> {
            if (record.value() == null) {
                return;
            }
            long now = System.nanoTime();
            if (latency) {
                long[] r = CdcBenchmarks.record(record.value(), -1, now);
                synchronized (records) {
                    records.add(r);
                }
            }
            if (seen.incrementAndGet() == expected) {
                if (latency) {
                    synchronized (records) {
                        for (long[] r : records) {
                            out.println("l " + r[0] + " " + r[1] + " " + r[2] + " " + r[4]);
                        }
                    }
                    out.println("done");
                } else {
                    out.println("done " + now);
                }
            }
        }).build();
        ExecutorService executor = Executors.newSingleThreadExecutor();
        executor.execute(engine);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!slotActive(port, slot)) {
            if (System.nanoTime() > deadline) {
                System.err.println("Debezium did not start streaming from slot " + slot);
                System.exit(1);
            }
            Thread.sleep(50);
        }
        out.println("ready");
        String line;
        while ((line = in.readLine()) != null && !line.equals("stop")) {
            // wait
        }
        engine.close();
        executor.shutdown();
        executor.awaitTermination(60, TimeUnit.SECONDS);
        for (int i = 0; i < 100 && slotActive(port, slot); i++) {
            Thread.sleep(100);
        }
        try (Connection c = connect(port); PreparedStatement s = c.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
            s.setString(1, slot);
            s.execute();
        }
        out.println("closed");
    }

    private static boolean slotActive(int port, String slot) throws Exception {
        try (Connection c = connect(port);
             PreparedStatement s = c.prepareStatement("SELECT active FROM pg_replication_slots WHERE slot_name = ?")) {
            s.setString(1, slot);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private static Connection connect(int port) throws Exception {
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/postgres", "postgres", "");
    }
}
