package io.tributary.cdc;

import static io.tributary.cdc.SourceDb.category;
import static io.tributary.cdc.SourceDb.data;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.core.Direction;
import io.tributary.core.ReadFilter;
import io.tributary.core.RecordedEvent;
import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.Tributary;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failover: a capture moved from a MariaDB primary to its replica (GTID replication, {@code log_slave_updates})
 * continues after the last captured transaction by GTID — the replica's binlog positions are its own — with nothing
 * lost and nothing repeated, and a transaction has the same event ids whichever server it is read from. A replica
 * that has not replicated all that was captured is refused, nothing written.
 */
class MySqlFailoverIT {
    static MariaDbPair pair;
    static MariaDb primary;
    static MariaDb replica;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        // A second GTID domain, idle from now on: the replica gets it through gtid_slave_pos, not in its binlog.
        pair = MariaDbPair.start("SET SESSION gtid_domain_id = 5", "CREATE TABLE idle_domain (id int PRIMARY KEY)");
        primary = pair.primary;
        replica = pair.replica;
    }

    @AfterAll
    static void stop() {
        pair.close();
    }

    @BeforeEach
    void replicate() {
        replica.exec("START SLAVE");
    }

    private static List<String> changes(List<RecordedEvent> events) {
        return events.stream().map(e -> e.stream().value() + " " + data(e).get("op").asText()).toList();
    }

    private static List<RecordedEvent> all(EmbeddedEventStore store) {
        return store.readAll(0, 10_000, Direction.FORWARD, ReadFilter.all()).events();
    }

    @Test
    void aCaptureMovedToTheReplicaContinuesByGtidWithNothingLostOrRepeated() {
        primary.exec("CREATE TABLE fo (id int PRIMARY KEY, v int)");
        pair.caughtUp();
        try (EmbeddedEventStore store = Tributary.open(dir.resolve("moved"));
             EmbeddedEventStore onReplica = Tributary.open(dir.resolve("replica"));
             // The same connector reading the replica all along (another binlog client id: a server serves one reader
             // per id): the same transactions must get the same event ids.
             MySqlCapture watch = MySqlCapture.start(onReplica, replica.source("fo", "fo").serverId(4242).build())) {
            try (MySqlCapture capture = MySqlCapture.start(store, primary.source("fo", "fo").build())) {
                primary.exec("INSERT INTO fo VALUES (1, 1)", "INSERT INTO fo VALUES (2, 2)");
                primary.tx("UPDATE fo SET v = 11 WHERE id = 1", "UPDATE fo SET v = 22 WHERE id = 2");
                MySqlCaptureIT.awaitCount(store, "fo", 4, capture);
            }
            // Written on the primary while no capture runs, replicated, then the primary is gone.
            primary.exec("INSERT INTO fo VALUES (3, 3)");
            primary.tx("INSERT INTO fo VALUES (4, 4)", "UPDATE fo SET v = 111 WHERE id = 1");
            primary.exec("DELETE FROM fo WHERE id = 2");
            pair.caughtUp();
            replica.exec("STOP SLAVE");
            MySqlSource moved = MySqlSource.builder("fo", replica.url()).credentials("root", "").tables("fo")
                    .heartbeatIntervalMs(200).build();
            try (MySqlCapture capture = MySqlCapture.start(store, moved)) {
                MySqlCaptureIT.awaitCount(store, "fo", 8, capture);
                replica.exec("INSERT INTO fo VALUES (5, 5)"); // the replica is the primary now
                MySqlCaptureIT.awaitCount(store, "fo", 9, capture);
            }
            // Restarted on the replica: its own position now, resumed there; nothing repeated.
            try (MySqlCapture capture = MySqlCapture.start(store, moved)) {
                replica.exec("UPDATE fo SET v = 6 WHERE id = 5");
                MySqlCaptureIT.awaitCount(store, "fo", 10, capture);
            }
            List<RecordedEvent> events = category(store, "fo");
            assertThat(changes(events)).containsExactly("fo-1 c", "fo-2 c", "fo-1 u", "fo-2 u", "fo-3 c", "fo-4 c", "fo-1 u",
                    "fo-2 d", "fo-5 c", "fo-5 u");
            assertThat(data(events.get(6)).get("after").get("v").asInt()).isEqualTo(111);
            assertThat(data(events.get(7)).get("source").get("gtid").asText()).as("replicated: the primary's GTID").startsWith("0-1-");
            assertThat(data(events.get(8)).get("source").get("gtid").asText()).as("written on the replica").startsWith("0-2-");
            List<RecordedEvent> watched = MySqlCaptureIT.awaitCount(onReplica, "fo", 10, watch);
            assertThat(events).extracting(RecordedEvent::eventId).as("the same ids on both servers")
                    .containsExactlyElementsOf(watched.stream().map(RecordedEvent::eventId).toList());
        }
    }

    @Test
    void aReplicaThatHasNotReplicatedWhatWasCapturedIsRefusedAndNothingIsWritten() {
        primary.exec("CREATE TABLE lagging (id int PRIMARY KEY, v int)");
        pair.caughtUp();
        replica.exec("STOP SLAVE");
        try (EmbeddedEventStore store = Tributary.open(dir)) {
            try (MySqlCapture capture = MySqlCapture.start(store, primary.source("lag", "lagging").build())) {
                primary.exec("INSERT INTO lagging VALUES (1, 1)");
                MySqlCaptureIT.awaitCount(store, "lagging", 1, capture);
            }
            replica.exec("CREATE TABLE replica_only (id int PRIMARY KEY)"); // its own transaction: a later sequence number
            List<RecordedEvent> before = all(store);
            MySqlSource behind = MySqlSource.builder("lag", replica.url()).credentials("root", "").tables("lagging")
                    .heartbeatIntervalMs(200).build();
            assertThatThrownBy(() -> MySqlCapture.start(store, behind)).isInstanceOf(SourceConfigurationException.class)
                    .hasMessageContaining("has not replicated everything captured").hasMessageContaining("MASTER_GTID_WAIT")
                    .hasMessageContaining("delete the stream tributary.cdc-lag");
            assertThat(all(store)).as("nothing written").isEqualTo(before);
            // Once it has caught up, the same capture continues there (still a replica, reading what it replicates).
            replica.exec("START SLAVE");
            pair.caughtUp();
            try (MySqlCapture capture = MySqlCapture.start(store, behind)) {
                primary.exec("INSERT INTO lagging VALUES (2, 2)");
                assertThat(changes(MySqlCaptureIT.awaitCount(store, "lagging", 2, capture))).containsExactly("lagging-1 c", "lagging-2 c");
            }
        }
    }

    @Test
    void aReplicaThatPurgedWhatFollowsTheCapturedTransactionsIsRefused() {
        primary.exec("CREATE TABLE purged (id int PRIMARY KEY, v int)");
        try (EmbeddedEventStore store = Tributary.open(dir)) {
            try (MySqlCapture capture = MySqlCapture.start(store, primary.source("purged", "purged").build())) {
                primary.exec("INSERT INTO purged VALUES (1, 1)");
                MySqlCaptureIT.awaitCount(store, "purged", 1, capture);
            }
            primary.exec("INSERT INTO purged VALUES (2, 2)");
            pair.caughtUp();
            // The replica starts a new binlog after row 2 and drops the older ones: what followed row 1 is gone there.
            replica.exec("FLUSH BINARY LOGS");
            String newest;
            try (java.sql.Connection c = replica.connect(); java.sql.Statement st = c.createStatement();
                 java.sql.ResultSet rs = st.executeQuery("SHOW MASTER STATUS")) {
                rs.next();
                newest = rs.getString(1);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            // MariaDB keeps a binlog until the engines have checkpointed past it: purge until it is gone.
            for (int i = 0; !oldestBinlog(replica).equals(newest); i++) {
                assertThat(i).as("the replica's old binlogs purged").isLessThan(300);
                replica.exec("PURGE BINARY LOGS TO '" + newest + "'");
                sleep(100);
            }
            List<RecordedEvent> before = all(store);
            MySqlSource moved = MySqlSource.builder("purged", replica.url()).credentials("root", "").tables("purged").build();
            assertThatThrownBy(() -> MySqlCapture.start(store, moved)).isInstanceOf(SourceConfigurationException.class)
                    .hasMessageContaining("are purged from it").hasMessageContaining("binlog_expire_logs_seconds");
            assertThat(all(store)).as("nothing written").isEqualTo(before);
        }
    }

    @Test
    void killNineWhileTheCaptureMovesBetweenPrimaryAndReplicaLosesAndRepeatsNothing() throws Exception {
        // MySqlCrashIT's workload and checks (large transactions appended in chunks included), each restart on the
        // other server: every move is a resume by GTID, back to the primary included.
        long seed = Long.getLong("crash.seed", System.nanoTime());
        System.out.println("MySqlFailoverIT seed " + seed + " (replay with -Dcrash.seed=" + seed + ")");
        MySqlCrashIT.run(dir, seed, primary, round -> round % 2 == 1 ? replica : primary, false);
    }

    @Test
    void aLargeTransactionCutOffMidwayOnThePrimaryIsCompletedFromTheReplicaOnce() throws Exception {
        int rows = 20_000;
        primary.exec("CREATE TABLE big (id int PRIMARY KEY, v varchar(200))");
        pair.caughtUp();
        primary.exec("CREATE TABLE not_captured (id int PRIMARY KEY)");
        // A transaction on another table, then the large one: the stored position stays before both.
        pair.cutOffOnPrimary(dir, "big", rows, "INSERT INTO not_captured VALUES (1)",
                "INSERT INTO big SELECT seq, REPEAT('x', 200) FROM seq_1_to_" + rows);
        pair.caughtUp();
        replica.exec("STOP SLAVE");
        // The rest comes from the replica: the transaction found again there by its GTID, the part in the log skipped.
        // Frequent heartbeats: the other table's transaction, read first, is recorded as a position on its own, and the
        // large transaction's progress must survive that.
        MySqlSource moved = pair.cutOffSourceOnReplica("big");
        try (EmbeddedEventStore store = Tributary.open(dir.resolve("log"));
             MySqlCapture capture = MySqlCapture.start(store, moved)) {
            List<RecordedEvent> events = MySqlCaptureIT.awaitCount(store, "big", rows, capture);
            assertThat(events.stream().map(e -> e.stream().value()).distinct().count()).as("every row once").isEqualTo(rows);
            assertThat(changes(events)).allMatch(c -> c.endsWith(" c"));
            replica.exec("INSERT INTO big VALUES (0, 'after')");
            assertThat(MySqlCaptureIT.awaitCount(store, "big", rows + 1, capture)).hasSize(rows + 1);
        }
    }

    @Test
    void tablesAddedInTheSameStartAsAMoveToAnotherServerAreRefusedAndNothingIsWritten() {
        primary.exec("CREATE TABLE moving (id int PRIMARY KEY)", "CREATE TABLE joining (id int PRIMARY KEY)",
                "INSERT INTO moving VALUES (1)", "INSERT INTO joining VALUES (1)");
        try (EmbeddedEventStore store = Tributary.open(dir)) {
            try (MySqlCapture capture = MySqlCapture.start(store, primary.source("moving", "moving").build())) {
                MySqlCaptureIT.awaitCount(store, "moving", 1, capture);
            }
            pair.caughtUp();
            List<RecordedEvent> before = all(store);
            MySqlSource both = MySqlSource.builder("moving", replica.url()).credentials("root", "").tables("moving", "joining").build();
            assertThatThrownBy(() -> MySqlCapture.start(store, both)).isInstanceOf(SourceConfigurationException.class)
                    .hasMessageContaining("tables were added to it").hasMessageContaining("joining")
                    .hasMessageContaining("start it once on this server with the tables it had");
            assertThat(all(store)).as("nothing written").isEqualTo(before);
            // As asked: moved first with its tables, then the table added there.
            MySqlSource moved = MySqlSource.builder("moving", replica.url()).credentials("root", "").tables("moving").build();
            try (MySqlCapture capture = MySqlCapture.start(store, moved)) {
                replica.exec("INSERT INTO moving VALUES (2)");
                MySqlCaptureIT.awaitCount(store, "moving", 2, capture);
            }
            try (MySqlCapture capture = MySqlCapture.start(store, both)) {
                assertThat(MySqlCaptureIT.awaitCount(store, "joining", 1, capture)).extracting(e -> data(e).get("op").asText())
                        .containsExactly("r");
            }
        }
    }

    @Test
    void aChunkedTransactionRecordedWithoutItsGtidIsFinishedOnlyWhereItBegan() throws Exception {
        primary.exec("CREATE TABLE oldchunk (id int PRIMARY KEY)");
        try (EmbeddedEventStore store = Tributary.open(dir)) {
            try (MySqlCapture capture = MySqlCapture.start(store, primary.source("oldchunk", "oldchunk").build())) {
                primary.exec("INSERT INTO oldchunk VALUES (1)");
                MySqlCaptureIT.awaitCount(store, "oldchunk", 1, capture);
            }
            // The offset as a version before GTIDs were recorded with chunks would have left it: a transaction half
            // appended, known by its place in the primary's binlog only.
            SourceDb.rewriteOffset(store, "oldchunk", json -> json.putObject("partial").put("eventsDone", 5).putObject("begin")
                    .put("file", json.get("binlog").get("file").asText()).put("pos", json.get("binlog").get("pos").asLong()));
            pair.caughtUp();
            List<RecordedEvent> before = all(store);
            MySqlSource moved = MySqlSource.builder("oldchunk", replica.url()).credentials("root", "").tables("oldchunk").build();
            assertThatThrownBy(() -> MySqlCapture.start(store, moved)).isInstanceOf(SourceConfigurationException.class)
                    .hasMessageContaining("its GTID was not recorded").hasMessageContaining("finish it on the server it began on");
            assertThat(all(store)).as("nothing written").isEqualTo(before);
        }
    }

    @Test
    void aSnapshotWhosePositionFilterIsStillActiveIsFinishedOnlyWhereItRan() throws Exception {
        primary.exec("CREATE TABLE gated (id int PRIMARY KEY)", "INSERT INTO gated VALUES (1)");
        try (EmbeddedEventStore store = Tributary.open(dir)) {
            try (MySqlCapture capture = MySqlCapture.start(store, primary.source("gated", "gated").build())) {
                MySqlCaptureIT.awaitCount(store, "gated", 1, capture);
            }
            // As a snapshot resumed after a crash leaves it: rows of a key range read again at a later point of the
            // primary's binlog, so changes before that point are still told apart by primary positions.
            SourceDb.rewriteOffset(store, "gated", json -> {
                com.fasterxml.jackson.databind.node.ObjectNode later = json.withObject("/snapshot").withArray("segments").addObject();
                later.put("table", "shop.gated").putArray("afterKey").add("0");
                later.putObject("point").put("file", json.get("binlog").get("file").asText())
                        .put("pos", json.get("binlog").get("pos").asLong() + 1_000_000);
            });
            pair.caughtUp();
            List<RecordedEvent> before = all(store);
            MySqlSource moved = MySqlSource.builder("gated", replica.url()).credentials("root", "").tables("gated").build();
            assertThatThrownBy(() -> MySqlCapture.start(store, moved)).isInstanceOf(SourceConfigurationException.class)
                    .hasMessageContaining("rows the snapshot read again after a crash")
                    .hasMessageContaining("continue on that server until the capture has passed it");
            assertThat(all(store)).as("nothing written").isEqualTo(before);
        }
    }

    private static String oldestBinlog(MariaDb db) {
        try (java.sql.Connection c = db.connect(); java.sql.Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SHOW BINARY LOGS")) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
