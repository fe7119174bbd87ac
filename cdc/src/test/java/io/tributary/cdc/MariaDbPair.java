package io.tributary.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.Tributary;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A MariaDB primary and its replica for failover tests: both with the binlog settings a capture needs and
 * {@code log_slave_updates}, the replica ({@code server_id} 2) replicating by GTID ({@code MASTER_USE_GTID = slave_pos})
 * from the primary's state when it started; replication is configured, not started.
 */
final class MariaDbPair implements AutoCloseable {
    final MariaDb primary;
    final MariaDb replica;

    private MariaDbPair(MariaDb primary, MariaDb replica) {
        this.primary = primary;
        this.replica = replica;
    }

    /** Starts both; {@code onPrimaryFirst} runs on the primary before the replica takes its state. */
    static MariaDbPair start(String... onPrimaryFirst) {
        List<String> cdc = List.of("--log-bin=mysql-bin", "--binlog-format=ROW", "--binlog-row-image=FULL",
                "--binlog-row-metadata=FULL", "--log-slave-updates");
        MariaDb primary = MariaDb.start(cdc);
        if (onPrimaryFirst.length > 0) {
            primary.exec(onPrimaryFirst);
        }
        List<String> second = new ArrayList<>(cdc);
        second.add("--server-id=2");
        MariaDb replica = MariaDb.start(second);
        // The replica starts from the primary's present state (each server set up its own accounts and database).
        String at = scalar(primary, "SELECT @@GLOBAL.gtid_binlog_pos");
        replica.exec("RESET MASTER", "SET GLOBAL gtid_slave_pos = '" + at + "'",
                "CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = " + primary.port
                        + ", MASTER_USER = 'root', MASTER_PASSWORD = '', MASTER_USE_GTID = slave_pos, MASTER_SSL_VERIFY_SERVER_CERT = 0");
        return new MariaDbPair(primary, replica);
    }

    static String scalar(MariaDb db, String sql) {
        try {
            return db.scalar(sql, 1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits until the replica has applied everything the primary has written. */
    void caughtUp() {
        String at = scalar(primary, "SELECT @@GLOBAL.gtid_binlog_pos");
        assertThat(scalar(replica, "SELECT MASTER_GTID_WAIT('" + at + "', 60)")).as("replica caught up to " + at).isEqualTo("0");
    }

    /**
     * Runs a capture JVM on the primary (connector {@code crash} of table {@code table} into {@code dir/log}, 64 KiB appends,
     * heartbeats a minute apart: it records no position of its own before the kill), runs {@code sql} there once it streams,
     * and kills it with SIGKILL once at least three chunks of a large transaction are in. Returns how many of the
     * {@code rows} rows of that transaction the log holds: some, not all.
     */
    int cutOffOnPrimary(Path dir, String table, int rows, String... sql) throws Exception {
        MySqlCrashIT.ChildRun child = new MySqlCrashIT.ChildRun(dir, primary.url(), 1000, table, 60_000);
        String ready = child.awaitLine(l -> l.startsWith("status STREAMING") && l.split(" ")[3].equals("true"));
        assertThat(ready).as("child streaming (stderr: %s)", child.stderr()).startsWith("status STREAMING");
        primary.exec(sql);
        String cut = child.awaitLine(l -> l.startsWith("status") && Long.parseLong(l.split(" ")[5]) >= 3);
        child.kill();
        assertThat(cut).as("killed after some chunks (stderr: %s)", child.stderr()).startsWith("status");
        int appended;
        try (EmbeddedEventStore store = Tributary.open(dir.resolve("log"))) {
            appended = SourceDb.category(store, table).size();
        }
        assertThat(appended).as("the transaction was cut off midway").isBetween(1, rows - 1);
        return appended;
    }

    /** The source of {@link #cutOffOnPrimary}'s capture, pointed at the replica (heartbeats every 20 ms). */
    MySqlSource cutOffSourceOnReplica(String table) {
        return MySqlSource.builder("crash", replica.url()).credentials("root", "").tables(table)
                .maxAppendBytes(64 * 1024).heartbeatIntervalMs(20).build();
    }

    @Override
    public void close() {
        replica.close();
        primary.close();
    }
}
