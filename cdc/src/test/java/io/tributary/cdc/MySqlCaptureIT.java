package io.tributary.cdc;

import static io.tributary.cdc.SourceDb.category;
import static io.tributary.cdc.SourceDb.data;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.core.Direction;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StreamName;
import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.Tributary;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Binlog capture against a real MariaDB 11.4: operations, envelope, transactions, resume, schema changes, big transactions. */
class MySqlCaptureIT {
    static MariaDb db;

    @TempDir
    Path dir;

    @BeforeAll
    static void startMariaDb() {
        db = MariaDb.start();
    }

    @AfterAll
    static void stopMariaDb() {
        db.close();
    }

    static List<RecordedEvent> await(EmbeddedEventStore store, String category, Predicate<List<RecordedEvent>> done,
                                     MySqlCapture capture) {
        return SourceDb.await(store, category, done, capture);
    }

    static List<RecordedEvent> awaitCount(EmbeddedEventStore store, String category, int n, MySqlCapture capture) {
        return await(store, category, e -> e.size() >= n, capture);
    }

    @Test
    void savepointsStayInsideTheTransactionAndARolledBackTransactionLeavesNothing() {
        db.exec("CREATE TABLE sp (id int PRIMARY KEY, v int)", "CREATE TABLE notes (id int PRIMARY KEY) ENGINE=MyISAM");
        try (EmbeddedEventStore store = Tributary.open(dir);
             MySqlCapture capture = MySqlCapture.start(store, db.source("savepoints", "sp").build())) {
            db.tx("INSERT INTO sp VALUES (1, 1)", "SAVEPOINT a", "INSERT INTO sp VALUES (2, 2)", "ROLLBACK TO SAVEPOINT a",
                    "INSERT INTO sp VALUES (3, 3)", "RELEASE SAVEPOINT a");
            // Touching a non-transactional table puts the rolled-back transaction in the binlog, ending in ROLLBACK.
            try (java.sql.Connection c = db.connect(); java.sql.Statement st = c.createStatement()) {
                c.setAutoCommit(false);
                st.execute("INSERT INTO sp VALUES (4, 4)");
                st.execute("INSERT INTO notes VALUES (1)");
                c.rollback();
            } catch (java.sql.SQLException e) {
                throw new AssertionError(e);
            }
            db.exec("INSERT INTO sp VALUES (5, 5)");
            List<RecordedEvent> events = await(store, "sp", e -> e.stream().anyMatch(x -> x.stream().value().equals("sp-5")), capture);
            assertThat(events).extracting(e -> e.stream().value()).containsExactly("sp-1", "sp-3", "sp-5");
            assertThat(capture.status().status()).isEqualTo(CdcStatus.State.STREAMING);
        }
    }

    @Test
    void capturesInsertUpdateDeleteAndTruncateWithTheDebeziumEnvelope() {
        db.exec("CREATE TABLE users (id int PRIMARY KEY, email varchar(100) NOT NULL, name text)");
        try (EmbeddedEventStore store = Tributary.open(dir);
             MySqlCapture capture = MySqlCapture.start(store, db.source("crud", "users").build())) {
            awaitPosition(capture); // DDL (the TRUNCATE below) during the snapshot fails it: "Table definition has changed"
            db.tx("INSERT INTO users VALUES (123, 'old@example.com', 'Ada')", "INSERT INTO users VALUES (7, 'b@example.com', NULL)");
            db.exec("UPDATE users SET email = 'new@example.com' WHERE id = 123");
            db.exec("DELETE FROM users WHERE id = 7");
            db.exec("TRUNCATE users");

            List<RecordedEvent> events = awaitCount(store, "users", 5, capture);

            assertThat(events).extracting(e -> e.stream().value())
                    .containsExactly("users-123", "users-7", "users-123", "users-7", "users");
            assertThat(events).extracting(RecordedEvent::type)
                    .containsExactly("cdc.create", "cdc.create", "cdc.update", "cdc.delete", "cdc.truncate");
            JsonNode insert = data(events.get(0));
            assertThat(insert.get("op").asText()).isEqualTo("c");
            assertThat(insert.get("before").isNull()).isTrue();
            assertThat(insert.get("after").toString()).isEqualTo("{\"id\":123,\"email\":\"old@example.com\",\"name\":\"Ada\"}");
            JsonNode source = insert.get("source");
            assertThat(source.get("connector").asText()).isEqualTo("mysql");
            assertThat(source.get("name").asText()).isEqualTo("crud");
            assertThat(source.get("db").asText()).isEqualTo("shop");
            assertThat(source.get("table").asText()).isEqualTo("users");
            assertThat(source.get("snapshot").asText()).isEqualTo("false");
            assertThat(source.get("file").asText()).startsWith("mysql-bin.");
            assertThat(source.get("pos").asLong()).isPositive();
            assertThat(source.get("gtid").asText()).matches("0-1-\\d+");
            assertThat(insert.get("transaction").get("id").asText()).isEqualTo(source.get("gtid").asText());
            assertThat(insert.get("transaction").get("total_order").asLong()).isEqualTo(1);
            assertThat(data(events.get(1)).get("transaction").get("total_order").asLong()).isEqualTo(2);
            assertThat(data(events.get(1)).get("transaction").get("id")).isEqualTo(insert.get("transaction").get("id"));
            assertThat(data(events.get(1)).get("after").get("name").isNull()).as("SQL NULL is JSON null").isTrue();
            assertThat(events.get(1).position()).as("one transaction, one append").isEqualTo(events.get(0).position() + 1);

            JsonNode update = data(events.get(2));
            assertThat(update.get("op").asText()).isEqualTo("u");
            assertThat(update.get("before").get("email").asText()).as("full row image").isEqualTo("old@example.com");
            assertThat(update.get("after").get("email").asText()).isEqualTo("new@example.com");
            JsonNode delete = data(events.get(3));
            assertThat(delete.get("op").asText()).isEqualTo("d");
            assertThat(delete.get("after").isNull()).isTrue();
            assertThat(delete.get("before").get("email").asText()).isEqualTo("b@example.com");
            assertThat(data(events.get(4)).get("op").asText()).isEqualTo("t");

            // The position recorded with the transaction is in the same append, right after its events.
            RecordedEvent position = store.readAll(events.get(1).position() + 1, 1, Direction.FORWARD, io.tributary.core.ReadFilter.all()).events().get(0);
            assertThat(position.stream().value()).isEqualTo("tributary.cdc-crud");
            assertThat(data(position).get("binlog").get("gtid").asText()).isEqualTo(source.get("gtid").asText());
        } finally {
            db.exec("DROP TABLE users");
        }
    }

    @Test
    void resumesAfterRestartWithoutLossOrDuplicates() {
        db.exec("CREATE TABLE resume (id int PRIMARY KEY, v int)");
        MySqlSource source = db.source("resume", "resume").build();
        try (EmbeddedEventStore store = Tributary.open(dir)) {
            try (MySqlCapture capture = MySqlCapture.start(store, source)) {
                for (int i = 0; i < 10; i++) {
                    db.exec("INSERT INTO resume VALUES (" + i + ", 0)");
                }
                awaitCount(store, "resume", 10, capture);
            }
            // changes while no capture runs
            for (int i = 0; i < 10; i++) {
                db.exec("UPDATE resume SET v = 1 WHERE id = " + i);
            }
            db.exec("DELETE FROM resume WHERE id < 5");
            try (MySqlCapture capture = MySqlCapture.start(store, source)) {
                db.exec("INSERT INTO resume VALUES (100, 2)");
                List<RecordedEvent> events = awaitCount(store, "resume", 26, capture);
                sleep(500);
                events = category(store, "resume");
                assertThat(events).hasSize(26);
                List<String> ids = new ArrayList<>();
                events.forEach(e -> ids.add(e.eventId().toString()));
                assertThat(ids).doesNotHaveDuplicates();
                assertThat(events.get(25).stream().value()).isEqualTo("resume-100");
            }
        } finally {
            db.exec("DROP TABLE resume");
        }
    }

    @Test
    void oldEventsDecodeWithTheSchemaOfTheirTimeAcrossAddColumn() {
        db.exec("CREATE TABLE evolving (id int PRIMARY KEY, a varchar(10))");
        MySqlSource source = db.source("evolve", "evolving").snapshotMode(SnapshotMode.NEVER).build();
        try (EmbeddedEventStore store = Tributary.open(dir)) {
            // the capture starts, then stops before the DDL; it reads the old rows after the DDL happened
            try (MySqlCapture capture = MySqlCapture.start(store, source)) {
                awaitPosition(capture);
            }
            db.exec("INSERT INTO evolving VALUES (1, 'old')");
            db.exec("ALTER TABLE evolving ADD COLUMN b int NOT NULL DEFAULT 7 AFTER id");
            db.exec("INSERT INTO evolving VALUES (2, 8, 'new')");
            try (MySqlCapture capture = MySqlCapture.start(store, source)) {
                List<RecordedEvent> events = awaitCount(store, "evolving", 2, capture);
                assertThat(data(events.get(0)).get("after").toString()).isEqualTo("{\"id\":1,\"a\":\"old\"}");
                assertThat(data(events.get(1)).get("after").toString()).isEqualTo("{\"id\":2,\"b\":8,\"a\":\"new\"}");
            }
        } finally {
            db.exec("DROP TABLE evolving");
        }
    }

    @Test
    void appendsALargeTransactionInBoundedChunksInOrder() {
        db.exec("CREATE TABLE big (id int PRIMARY KEY, pad varchar(200))");
        MySqlSource source = db.source("big", "big").maxAppendBytes(64 * 1024).build();
        try (EmbeddedEventStore store = Tributary.open(dir);
             MySqlCapture capture = MySqlCapture.start(store, source)) {
            db.exec("INSERT INTO big SELECT seq, REPEAT('x', 100) FROM seq_1_to_20000");
            List<RecordedEvent> events = awaitCount(store, "big", 20_000, capture);
            assertThat(events).hasSize(20_000);
            for (int i = 0; i < events.size(); i++) {
                assertThat(events.get(i).stream().value()).isEqualTo("big-" + (i + 1));
            }
            assertThat(capture.chunkedAppends()).isGreaterThan(1);
            assertThat(data(events.get(19_999)).get("transaction").get("total_order").asLong()).isEqualTo(20_000);
        } finally {
            db.exec("DROP TABLE big");
        }
    }

    @Test
    void selectsColumnsAndNamesTablesOfOtherDatabasesWithTheirDatabase() {
        db.exec("CREATE DATABASE IF NOT EXISTS other", "CREATE TABLE other.people (id int PRIMARY KEY, name text, secret text)");
        MySqlSource source = db.source("cols").table(TableSelection.of("other.people").columns("name")).build();
        try (EmbeddedEventStore store = Tributary.open(dir);
             MySqlCapture capture = MySqlCapture.start(store, source)) {
            db.exec("INSERT INTO other.people VALUES (1, 'Ada', 'pw')");
            List<RecordedEvent> events = awaitCount(store, "other.people", 1, capture);
            assertThat(events.get(0).stream()).isEqualTo(StreamName.of("other.people-1"));
            assertThat(data(events.get(0)).get("after").toString()).isEqualTo("{\"id\":1,\"name\":\"Ada\"}");
        } finally {
            db.exec("DROP DATABASE other");
        }
    }

    @Test
    void aKeyChangeEndsTheOldRowsStreamAndStartsTheNewOne() {
        db.exec("CREATE TABLE keyed (id int PRIMARY KEY, v int)");
        try (EmbeddedEventStore store = Tributary.open(dir);
             MySqlCapture capture = MySqlCapture.start(store, db.source("keyed", "keyed").build())) {
            awaitPosition(capture); // the TRUNCATE below must not race the snapshot
            db.exec("INSERT INTO keyed VALUES (1, 10)");
            db.exec("UPDATE keyed SET id = 2 WHERE id = 1");
            db.exec("TRUNCATE TABLE shop.keyed");
            List<RecordedEvent> events = awaitCount(store, "keyed", 4, capture);
            assertThat(events).extracting(e -> e.stream().value() + " " + e.type())
                    .containsExactly("keyed-1 cdc.create", "keyed-1 cdc.delete", "keyed-2 cdc.create", "keyed cdc.truncate");
            assertThat(data(events.get(1)).get("before").toString()).isEqualTo("{\"id\":1,\"v\":10}");
            assertThat(data(events.get(2)).get("after").toString()).isEqualTo("{\"id\":2,\"v\":10}");
        } finally {
            db.exec("DROP TABLE keyed");
        }
    }

    @Test
    void recordsThePositionOfTransactionsOnOtherTablesAtTheHeartbeatInterval() throws Exception {
        db.exec("CREATE TABLE watched (id int PRIMARY KEY)", "CREATE TABLE busy (id int PRIMARY KEY)");
        try (EmbeddedEventStore store = Tributary.open(dir);
             MySqlCapture capture = MySqlCapture.start(store, db.source("busy", "watched").build())) {
            awaitPosition(capture);
            long target = 0;
            // A source busy only with tables we do not capture: the position still moves (a restart need not re-read it).
            for (int i = 0; i < 50; i++) {
                db.exec("INSERT INTO busy VALUES (" + i + ")");
            }
            try (java.sql.Connection c = db.connect(); java.sql.Statement s = c.createStatement();
                 java.sql.ResultSet rs = s.executeQuery("SHOW MASTER STATUS")) {
                rs.next();
                target = rs.getLong(2);
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (Long.parseLong(capture.status().sourcePosition().split(" ")[0].split(":")[1]) < target) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("position did not reach " + target + ": " + capture.status());
                }
                sleep(50);
            }
            assertThat(category(store, "watched")).isEmpty();
            assertThat(category(store, "busy")).isEmpty();
        } finally {
            db.exec("DROP TABLE watched", "DROP TABLE busy");
        }
    }

    static void awaitPosition(MySqlCapture capture) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (capture.status().status() != CdcStatus.State.STREAMING) {
            if (System.nanoTime() > deadline || capture.status().status() == CdcStatus.State.FAILED) {
                throw new AssertionError("not streaming: " + capture.status());
            }
            sleep(20);
        }
    }

    /** Waits until the capture's durable position reaches the binlog's current end (everything committed so far). */
    static void awaitCaughtUp(MariaDb db, MySqlCapture capture) throws java.sql.SQLException {
        long target;
        String file;
        try (java.sql.Connection c = db.connect(); java.sql.Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SHOW MASTER STATUS")) {
            rs.next();
            file = rs.getString(1);
            target = rs.getLong(2);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (true) {
            String[] at = capture.status().sourcePosition().split(" ")[0].split(":");
            if (at.length == 2 && at[0].compareTo(file) >= 0 && (at[0].compareTo(file) > 0 || Long.parseLong(at[1]) >= target)) {
                return;
            }
            if (System.nanoTime() > deadline || capture.status().status() == CdcStatus.State.FAILED) {
                throw new AssertionError("position did not reach " + file + ":" + target + ": " + capture.status());
            }
            sleep(50);
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
