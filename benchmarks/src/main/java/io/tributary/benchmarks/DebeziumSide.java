package io.tributary.benchmarks;

import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.format.Json;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The peer in {@link CdcBenchmarks}: Debezium's embedded engine with its PostgreSQL connector
 * (pgoutput, its own slot and publication, no snapshot, offsets in memory, JSON without schemas,
 * every other setting at its default). Each change event's JSON value goes to the consumer.
 */
@SuppressWarnings("try")
final class DebeziumSide implements AutoCloseable {
    private final DebeziumEngine<ChangeEvent<String, String>> engine;
    private final ExecutorService executor = Executors.newSingleThreadExecutor();
    private final int port;
    private final String slot;

    private DebeziumSide(int port, String table, Path work, Consumer<String> onEvent) {
        this.port = port;
        this.slot = "dbz_" + table;
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
        this.engine = DebeziumEngine.create(Json.class).using(p).notifying(record -> {
            if (record.value() != null) {
                onEvent.accept(record.value());
            }
        }).build();
    }

    /** Starts the engine and waits until its slot streams. */
    static DebeziumSide start(int port, String table, Path work, Consumer<String> onEvent) throws Exception {
        DebeziumSide side = new DebeziumSide(port, table, work, onEvent);
        side.executor.execute(side.engine);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!side.slotActive()) {
            if (System.nanoTime() > deadline) {
                side.engine.close();
                side.executor.shutdownNow();
                throw new IllegalStateException("Debezium did not start streaming from slot " + side.slot);
            }
            Thread.sleep(50);
        }
        return side;
    }

    private boolean slotActive() throws Exception {
        try (Connection c = connect();
             PreparedStatement s = c.prepareStatement("SELECT active FROM pg_replication_slots WHERE slot_name = ?")) {
            s.setString(1, slot);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private Connection connect() throws Exception {
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/postgres", "postgres", "");
    }

    /** Stops the engine and drops its slot so the server keeps no WAL for it. */
    @Override
    public void close() throws Exception {
        engine.close();
        executor.shutdown();
        executor.awaitTermination(60, TimeUnit.SECONDS);
        for (int i = 0; i < 100 && slotActive(); i++) {
            Thread.sleep(100);
        }
        try (Connection c = connect();
             PreparedStatement s = c.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
            s.setString(1, slot);
            s.execute();
        }
    }
}
