package io.tributary.benchmarks;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.WriteRowsEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDeserializer;
import com.github.shyiko.mysql.binlog.network.SSLMode;
import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.format.Json;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The peers of {@link MySqlCdcBenchmarks} on the same MariaDB: Debezium's embedded engine with its
 * MySQL connector, and a raw {@code mysql-binlog-connector-java} client that only receives the
 * events (the deserializer's Java values, no envelope, no log).
 */
final class MySqlPeers {
    private MySqlPeers() {
    }

    /**
     * A raw binlog client from the current binlog end: for each inserted row of {@code table}, hands
     * {@code onRow} the value of column {@code valueColumn} (or 0 when negative).
     */
    static AutoCloseable raw(String host, int port, String db, String table, int valueColumn, Consumer<Long> onRow)
            throws Exception {
        BinaryLogClient c = new BinaryLogClient(host, port, db, "root", "");
        c.setServerId(9_000 + (table.hashCode() & 0xFFF));
        c.setKeepAlive(false);
        c.setSSLMode(SSLMode.DISABLED);
        EventDeserializer d = new EventDeserializer();
        d.setCompatibilityMode(EventDeserializer.CompatibilityMode.DATE_AND_TIME_AS_LONG_MICRO,
                EventDeserializer.CompatibilityMode.CHAR_AND_BINARY_AS_BYTE_ARRAY);
        c.setEventDeserializer(d);
        Map<Long, String> tables = new HashMap<>();
        c.registerEventListener(e -> {
            EventType t = e.getHeader().getEventType();
            if (t == EventType.TABLE_MAP) {
                TableMapEventData m = e.getData();
                tables.put(m.getTableId(), m.getTable());
            } else if (EventType.isWrite(t)) {
                WriteRowsEventData w = e.getData();
                if (table.equals(tables.get(w.getTableId()))) {
                    for (java.io.Serializable[] row : w.getRows()) {
                        Object v = valueColumn < 0 ? null : row[valueColumn];
                        onRow.accept(v instanceof Number n ? n.longValue() : 0L);
                    }
                }
            }
        });
        c.connect(TimeUnit.SECONDS.toMillis(30));
        return c::disconnect;
    }

    /**
     * Debezium's embedded engine with its MySQL connector ({@code io.debezium.connector.mysql.MySqlConnector}),
     * no snapshot, offsets and schema history in memory, JSON without schemas, every other setting at its
     * default. Each change event's JSON value goes to {@code onEvent}. Fails when the engine stops with an
     * error within {@code startMs}, with that error.
     */
    static AutoCloseable debezium(int port, String db, String table, Consumer<String> onEvent, long startMs) throws Exception {
        Properties p = new Properties();
        p.setProperty("name", "bench-" + table);
        p.setProperty("connector.class", "io.debezium.connector.mysql.MySqlConnector");
        p.setProperty("offset.storage", "org.apache.kafka.connect.storage.MemoryOffsetBackingStore");
        p.setProperty("offset.flush.interval.ms", "10000");
        p.setProperty("database.hostname", "127.0.0.1");
        p.setProperty("database.port", Integer.toString(port));
        p.setProperty("database.user", "root");
        p.setProperty("database.password", "");
        p.setProperty("database.server.id", Integer.toString(8_000 + (table.hashCode() & 0xFFF)));
        p.setProperty("topic.prefix", "bench");
        p.setProperty("database.include.list", db);
        p.setProperty("table.include.list", db + "." + table);
        p.setProperty("snapshot.mode", "no_data");
        p.setProperty("key.converter.schemas.enable", "false");
        p.setProperty("value.converter.schemas.enable", "false");
        p.setProperty("schema.history.internal", "io.debezium.relational.history.MemorySchemaHistory");
        AtomicReference<Throwable> failure = new AtomicReference<>();
        DebeziumEngine<ChangeEvent<String, String>> engine = DebeziumEngine.create(Json.class).using(p)
                .using((success, message, error) -> {
                    if (!success) {
                        failure.set(error != null ? error : new IllegalStateException(message));
                    }
                })
                .notifying(record -> {
                    if (record.value() != null) {
                        onEvent.accept(record.value());
                    }
                }).build();
        ExecutorService executor = Executors.newSingleThreadExecutor();
        executor.execute(engine);
        AutoCloseable close = () -> {
            engine.close();
            executor.shutdown();
            executor.awaitTermination(60, TimeUnit.SECONDS);
        };
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(startMs);
        while (System.nanoTime() < deadline) {
            if (failure.get() != null) {
                Throwable f = failure.get();
                try {
                    close.close();
                } catch (RuntimeException alreadyStopped) {
                    // the engine shut itself down after the failure
                }
                throw new IOException("Debezium's MySQL connector stopped: " + f, f);
            }
            Thread.sleep(50);
        }
        return close;
    }
}
