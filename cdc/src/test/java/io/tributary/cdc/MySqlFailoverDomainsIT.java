package io.tributary.cdc;

import static io.tributary.cdc.SourceDb.category;
import static io.tributary.cdc.SourceDb.data;
import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.core.RecordedEvent;
import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.Tributary;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failover to a server whose binlog orders two GTID domains differently from the server the capture left: a large
 * transaction cut off midway on the primary (domain 0), and on the replica a large transaction of domain 1 written before
 * the replica applied it. Both are appended in chunks on the replica; the first one's progress must survive the second
 * one's chunks (at most one transaction in chunks per domain). Its own pair of servers: the replica's domain-1
 * transaction is not on the primary, so a capture that saw it could not move back there (MySqlFailoverIT does).
 */
class MySqlFailoverDomainsIT {
    static MariaDb primary;
    static MariaDb replica;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        List<String> cdc = List.of("--log-bin=mysql-bin", "--binlog-format=ROW", "--binlog-row-image=FULL",
                "--binlog-row-metadata=FULL", "--log-slave-updates");
        primary = MariaDb.start(cdc);
        List<String> second = new java.util.ArrayList<>(cdc);
        second.add("--server-id=2");
        replica = MariaDb.start(second);
        String at = scalar(primary, "SELECT @@GLOBAL.gtid_binlog_pos");
        replica.exec("RESET MASTER", "SET GLOBAL gtid_slave_pos = '" + at + "'",
                "CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = " + primary.port
                        + ", MASTER_USER = 'root', MASTER_PASSWORD = '', MASTER_USE_GTID = slave_pos, MASTER_SSL_VERIFY_SERVER_CERT = 0",
                "START SLAVE");
    }

    @AfterAll
    static void stop() {
        replica.close();
        primary.close();
    }

    private static String scalar(MariaDb db, String sql) {
        try {
            return db.scalar(sql, 1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void caughtUp() {
        String at = scalar(primary, "SELECT @@GLOBAL.gtid_binlog_pos");
        assertThat(scalar(replica, "SELECT MASTER_GTID_WAIT('" + at + "', 60)")).as("replica caught up to " + at).isEqualTo("0");
    }

    @Test
    void aTransactionInChunksOfAnotherDomainReadFirstKeepsTheCutOffTransactionsProgress() throws Exception {
        int rows = 20_000;
        primary.exec("CREATE TABLE big (id int PRIMARY KEY, v varchar(200))");
        caughtUp();
        replica.exec("STOP SLAVE"); // the replica applies the primary's large transaction only later
        // A capture JVM on the primary, appending in 64 KiB chunks, killed once part of the large transaction is in.
        MySqlCrashIT.ChildRun child = new MySqlCrashIT.ChildRun(dir, primary.url(), 1000, "big", 60_000);
        String ready = child.awaitLine(l -> l.startsWith("status STREAMING") && l.split(" ")[3].equals("true"));
        assertThat(ready).as("child streaming (stderr: %s)", child.stderr()).startsWith("status STREAMING");
        primary.exec("INSERT INTO big SELECT seq, REPEAT('x', 200) FROM seq_1_to_" + rows);
        String cut = child.awaitLine(l -> l.startsWith("status") && Long.parseLong(l.split(" ")[5]) >= 3);
        child.kill();
        assertThat(cut).as("killed after some chunks (stderr: %s)", child.stderr()).startsWith("status");
        int appended;
        try (EmbeddedEventStore store = Tributary.open(dir.resolve("log"))) {
            appended = category(store, "big").size();
        }
        assertThat(appended).as("the transaction was cut off midway").isBetween(1, rows - 1);
        // On the replica, before it applies that transaction: a large one of its own in GTID domain 1.
        replica.exec("SET SESSION gtid_domain_id = 1",
                "INSERT INTO big SELECT seq + " + rows + ", REPEAT('y', 200) FROM seq_1_to_" + rows);
        replica.exec("START SLAVE");
        caughtUp();
        replica.exec("STOP SLAVE");
        MySqlSource moved = MySqlSource.builder("crash", replica.url()).credentials("root", "").tables("big")
                .maxAppendBytes(64 * 1024).heartbeatIntervalMs(20).build();
        try (EmbeddedEventStore store = Tributary.open(dir.resolve("log"));
             MySqlCapture capture = MySqlCapture.start(store, moved)) {
            List<RecordedEvent> events = MySqlCaptureIT.awaitCount(store, "big", 2 * rows, capture);
            assertThat(capture.status().status()).as("last error: %s", capture.status().lastError()).isEqualTo(CdcStatus.State.STREAMING);
            assertThat(events.stream().map(e -> e.stream().value()).distinct().count()).as("every row once").isEqualTo(2L * rows);
            assertThat(events).hasSize(2 * rows);
            // The replica's own transaction first (its binlog order), then the rest of the cut-off one.
            assertThat(data(events.get(appended)).get("source").get("gtid").asText()).startsWith("1-2-");
            assertThat(data(events.get(events.size() - 1)).get("source").get("gtid").asText()).startsWith("0-1-");
            replica.exec("INSERT INTO big VALUES (0, 'after')");
            assertThat(MySqlCaptureIT.awaitCount(store, "big", 2 * rows + 1, capture)).hasSize(2 * rows + 1);
        }
        // Restarted once more: nothing is pending any more, nothing repeated.
        try (EmbeddedEventStore store = Tributary.open(dir.resolve("log"));
             MySqlCapture capture = MySqlCapture.start(store, moved)) {
            replica.exec("INSERT INTO big VALUES (-1, 'last')");
            assertThat(MySqlCaptureIT.awaitCount(store, "big", 2 * rows + 2, capture)).hasSize(2 * rows + 2);
        }
    }
}
