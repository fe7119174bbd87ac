package io.tributary.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.core.Direction;
import io.tributary.core.RecordedEvent;
import io.tributary.core.ReadFilter;
import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.Tributary;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stored binlog position is resumed only on the binlog it is of: after {@code RESET MASTER}, or on an unrelated
 * server whose binlog file has the same name, the same file and offset hold other events, and the capture refuses
 * to start instead of reading from there — nor does it continue by GTID, as both servers have {@code server_id} 1 and
 * their GTIDs only look alike (a real failover to a replica: {@link MySqlFailoverIT}). A restart on the same binlog
 * resumes as always.
 */
class MySqlPositionIT {
    static MariaDb db;
    static MariaDb other;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        db = MariaDb.start();
        other = MariaDb.start();
    }

    @AfterAll
    static void stop() {
        db.close();
        other.close();
    }

    private static List<RecordedEvent> all(EmbeddedEventStore store) {
        return store.readAll(0, 10_000, Direction.FORWARD, ReadFilter.all()).events();
    }

    @Test
    void aPositionOfAnotherServersBinlogIsRefusedAndNothingIsWritten() {
        db.exec("CREATE TABLE moved (id int PRIMARY KEY, v int)");
        other.exec("CREATE TABLE moved (id int PRIMARY KEY, v int)");
        for (int i = 0; i < 5; i++) {
            other.exec("INSERT INTO moved VALUES (" + i + ", 0)", "DELETE FROM moved WHERE id = " + i);
        }
        try (EmbeddedEventStore store = Tributary.open(dir)) {
            try (MySqlCapture capture = MySqlCapture.start(store, db.source("moved", "moved").build())) {
                db.exec("INSERT INTO moved VALUES (1, 1)", "INSERT INTO moved VALUES (2, 2)");
                MySqlCaptureIT.awaitCount(store, "moved", 2, capture);
            }
            // The same capture again on its own server: resumes (the check passes), nothing repeated.
            try (MySqlCapture capture = MySqlCapture.start(store, db.source("moved", "moved").build())) {
                db.exec("INSERT INTO moved VALUES (3, 3)");
                assertThat(MySqlCaptureIT.awaitCount(store, "moved", 3, capture)).hasSize(3);
            }
            List<RecordedEvent> before = all(store);
            // "Failed over" to another server: its binlog is also mysql-bin.000001, with other events.
            MySqlSource moved = MySqlSource.builder("moved", other.url()).credentials("root", "").tables("moved").build();
            assertThatThrownBy(() -> MySqlCapture.start(store, moved)).isInstanceOf(SourceConfigurationException.class)
                    .hasMessageContaining("is not in this server's binlog").hasMessageContaining("another server (a failover)")
                    .hasMessageContaining("a server with this server's server_id (1)")
                    .hasMessageContaining("delete the stream tributary.cdc-moved");
            assertThat(all(store)).as("nothing written").isEqualTo(before);
        }
    }

    @Test
    void aPurgedPositionStartsOverWithANewSnapshotOnlyWhenNeeded() throws Exception {
        db.exec("CREATE TABLE purged_t (id int PRIMARY KEY, v int)", "INSERT INTO purged_t VALUES (1, 1), (2, 2)");
        MySqlSource whenNeeded = db.source("purged", "purged_t").snapshotMode(SnapshotMode.WHEN_NEEDED).build();
        try (EmbeddedEventStore store = Tributary.open(dir)) {
            try (MySqlCapture capture = MySqlCapture.start(store, whenNeeded)) {
                db.exec("INSERT INTO purged_t VALUES (3, 3)");
                MySqlCaptureIT.awaitCount(store, "purged_t", 3, capture);
            }
            // While nothing captures: changes, then the binlog file holding the position is purged.
            db.exec("UPDATE purged_t SET v = 10 WHERE id = 1", "DELETE FROM purged_t WHERE id = 2", "FLUSH BINARY LOGS");
            purgeTo(db.scalar("SHOW MASTER STATUS", 1));
            List<RecordedEvent> before = all(store);
            assertThatThrownBy(() -> MySqlCapture.start(store, db.source("purged", "purged_t").build()))
                    .isInstanceOf(SourceConfigurationException.class).hasMessageContaining("is no longer on the server (purged)")
                    .hasMessageContaining("set snapshotMode WHEN_NEEDED");
            assertThat(all(store)).as("nothing written").isEqualTo(before);
            try (MySqlCapture capture = MySqlCapture.start(store, whenNeeded)) {
                List<RecordedEvent> events = MySqlCaptureIT.awaitCount(store, "purged_t", 5, capture);
                assertThat(events.subList(3, 5)).as("the rows as they are now, read again")
                        .extracting(e -> e.stream().value() + " " + SourceDb.data(e).get("op").asText() + SourceDb.data(e).at("/after/v").asInt())
                        .containsExactly("purged_t-1 r10", "purged_t-3 r3");
                db.exec("INSERT INTO purged_t VALUES (4, 4)");
                assertThat(MySqlCaptureIT.awaitCount(store, "purged_t", 6, capture).get(5).stream().value()).isEqualTo("purged_t-4");
                assertThat(capture.status().status()).isEqualTo(CdcStatus.State.STREAMING);
            }
        } finally {
            db.exec("RESET MASTER"); // the other tests' captures of db start in mysql-bin.000001, as other's binlog does
        }
    }

    /** Purges db's binlogs before {@code file}; a file a closed capture's dump thread still holds is purged once it lets go. */
    private static void purgeTo(String file) throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (true) {
            db.exec("PURGE BINARY LOGS TO '" + file + "'");
            if (db.scalar("SHOW BINARY LOGS", 1).equals(file)) {
                return;
            }
            assertThat(System.nanoTime()).as("binlogs before " + file + " purged").isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    @Test
    void aPositionFromBeforeResetMasterIsRefused() {
        other.exec("CREATE TABLE reset_t (id int PRIMARY KEY, v int)");
        try (EmbeddedEventStore store = Tributary.open(dir)) {
            try (MySqlCapture capture = MySqlCapture.start(store, other.source("reset", "reset_t").build())) {
                other.exec("INSERT INTO reset_t VALUES (1, 1)");
                MySqlCaptureIT.awaitCount(store, "reset_t", 1, capture);
            }
            other.exec("RESET MASTER");
            for (int i = 0; i < 20; i++) {
                other.exec("INSERT INTO reset_t VALUES (" + (100 + i) + ", 0)");
            }
            assertThatThrownBy(() -> MySqlCapture.start(store, other.source("reset", "reset_t").build()))
                    .isInstanceOf(SourceConfigurationException.class).hasMessageContaining("is not in this server's binlog")
                    .hasMessageContaining("RESET MASTER");
        }
    }

    @Test
    void aPositionWithoutGtidStateIsNotResumedOnAServerWithAnotherServerId() {
        // A binlog without GTIDs yet (RESET MASTER, nothing written since): the position stored is a file and an offset
        // only, as on MySQL. On another server that file name exists too, with other events at that offset.
        try (MariaDb seven = MariaDb.start(List.of("--log-bin=mysql-bin", "--binlog-format=ROW", "--binlog-row-image=FULL",
                "--binlog-row-metadata=FULL", "--server-id=7"));
             EmbeddedEventStore store = Tributary.open(dir)) {
            seven.exec("CREATE TABLE quiet (id int PRIMARY KEY)", "RESET MASTER");
            MySqlSource.Builder source = MySqlSource.builder("quiet", seven.url()).credentials("root", "").tables("quiet")
                    .snapshotMode(SnapshotMode.NEVER);
            try (MySqlCapture capture = MySqlCapture.start(store, source.build())) {
                assertThat(capture.status().sourcePosition()).doesNotContain("gtid");
            }
            db.exec("CREATE TABLE quiet (id int PRIMARY KEY)");
            List<RecordedEvent> before = all(store);
            MySqlSource elsewhere = MySqlSource.builder("quiet", db.url()).credentials("root", "").tables("quiet")
                    .snapshotMode(SnapshotMode.NEVER).build();
            assertThatThrownBy(() -> MySqlCapture.start(store, elsewhere)).isInstanceOf(SourceConfigurationException.class)
                    .hasMessageContaining("recorded reading the server with server_id 7; this server has server_id 1")
                    .hasMessageContaining("delete the stream tributary.cdc-quiet");
            assertThat(all(store)).as("nothing written").isEqualTo(before);
            // Its own server still resumes.
            try (MySqlCapture capture = MySqlCapture.start(store, source.build())) {
                seven.exec("INSERT INTO quiet VALUES (1)");
                assertThat(MySqlCaptureIT.awaitCount(store, "quiet", 1, capture)).hasSize(1);
            }
        }
    }
}
