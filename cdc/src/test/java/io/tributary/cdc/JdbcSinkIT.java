package io.tributary.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.cdc.internal.SinkApplier;
import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.Tributary;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PostgreSQL to PostgreSQL: a table mirrored through the log by the JDBC sink, stopped, restarted, replayed. */
class JdbcSinkIT {
    static SourceDb db;
    static final String COLUMNS = "(id int PRIMARY KEY, email text, tags text[], doc jsonb, amount numeric(20,4),"
            + " at timestamptz, blob bytea, body text, active boolean)";

    @TempDir
    Path dir;

    @BeforeAll
    static void startPostgres() {
        db = SourceDb.start();
        db.exec("CREATE DATABASE mirror");
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        db.close();
    }

    @Test
    void mirrorsATableIntoAnotherDatabaseAndCatchesUpAfterARestart() throws Exception {
        String target = "jdbc:postgresql://localhost:" + db.postgres.getPort() + "/mirror";
        db.exec("CREATE TABLE users " + COLUMNS, "ALTER TABLE users ALTER COLUMN body SET STORAGE EXTERNAL",
                "INSERT INTO users VALUES (1, 'ada@example.com', '{a,\"b c\"}', '{\"k\": [1]}', 12.5, now(), '\\x0001', 'x', true)");
        // NOT NULL on the target: an update with an unchanged TOASTed body must not insert a row without it.
        exec(target, "CREATE TABLE users " + COLUMNS.replace("body text", "body text NOT NULL"));
        JdbcSinkConfig config = JdbcSinkConfig.of("mirror", target, Map.of("users", "users"));
        try (EmbeddedEventStore store = Tributary.open(dir);
             PostgresCapture capture = PostgresCapture.start(store, db.source("sink", "users").build())) {
            try (JdbcSink sink = JdbcSink.start(store, config)) {
                db.exec("INSERT INTO users VALUES (2, 'bob@example.com', NULL, NULL, -1, NULL, NULL, repeat('z', 9000), false)",
                        "UPDATE users SET email = 'ada@new.example' WHERE id = 1",
                        "UPDATE users SET active = true WHERE id = 2",   // body is an unchanged TOASTed value
                        "INSERT INTO users VALUES (3, 'c@example.com', '{}', '[]', 0, now(), '\\x', '', NULL)");
                awaitSame(target, sink);
            }
            db.exec("DELETE FROM users WHERE id = 3", "UPDATE users SET amount = amount + 1");
            try (JdbcSink sink = JdbcSink.start(store, config)) {
                awaitSame(target, sink);
            }
            exec(target, "UPDATE tributary_cdc_sink_checkpoint SET position = -1");
            try (JdbcSink sink = JdbcSink.start(store, config)) {
                awaitSame(target, sink);
                assertThat(sink.lastError()).isEmpty();
            }
            assertThat(capture.status().status()).isEqualTo(CdcStatus.State.STREAMING);
        }
    }

    @Test
    void sendsRunsOfLikeChangesAsOneBatchAndStillAppliesEveryChangeInOrder() throws Exception {
        String target = "jdbc:postgresql://localhost:" + db.postgres.getPort() + "/mirror";
        db.exec("CREATE TABLE items (id int PRIMARY KEY, name text, qty int)");
        exec(target, "CREATE TABLE items (id int PRIMARY KEY, name text, qty int)");
        try (EmbeddedEventStore store = Tributary.open(dir);
             PostgresCapture capture = PostgresCapture.start(store, db.source("batches", "items").build())) {
            // runs of inserts, updates of rows inserted in the same run, deletes and re-inserts of
            // the same keys, a truncate in the middle and rows after it: the order decides the result
            db.exec("INSERT INTO items SELECT g, 'n' || g, g FROM generate_series(1, 2000) g",
                    "UPDATE items SET qty = qty + 1 WHERE id % 3 = 0",
                    "DELETE FROM items WHERE id % 5 = 0",
                    "INSERT INTO items SELECT g, 'again ' || g, -g FROM generate_series(5, 2000, 5) g",
                    "UPDATE items SET name = NULL WHERE id % 7 = 0",
                    "TRUNCATE items",
                    "INSERT INTO items SELECT g, 'after ' || g, g * 2 FROM generate_series(1, 1500) g",
                    "DELETE FROM items WHERE id > 1400",
                    "UPDATE items SET qty = 0 WHERE id % 11 = 0");
            // 2000 + 666 + 400 + 400 + 285 changes, the truncate, 1500 + 100 + 127 changes
            List<io.tributary.core.RecordedEvent> events = SourceDb.awaitCount(store, "items", 5_479, capture);
            try (SinkApplier applier = new SinkApplier(JdbcSinkConfig.of("batches", target, Map.of("items", "items")))) {
                for (int from = 0; from < events.size(); from += 1_000) {
                    applier.apply(events.subList(from, Math.min(events.size(), from + 1_000)));
                }
                assertThat(rows(target, "items")).isEqualTo(rows(db.url(), "items")).hasSize(1400);
                // one round trip per run of like changes (and per checkpoint), not one per change
                assertThat(applier.roundTrips()).as("round trips for %d changes", events.size()).isLessThan(events.size() / 50);
            }
        }
    }

    private void awaitSame(String target, JdbcSink sink) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        List<String> source = rows(db.url());
        while (!rows(target).equals(source)) {
            assertThat(sink.lastError()).isEmpty();
            assertThat(System.nanoTime()).as("target %s never matched source %s", rows(target), source).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private static void exec(String url, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static List<String> rows(String url) throws Exception {
        return rows(url, "users");
    }

    private static List<String> rows(String url, String table) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT u::text FROM " + table + " u ORDER BY id")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
