package io.tributary.cdc;

import static io.tributary.cdc.SourceDb.category;
import static io.tributary.cdc.SourceDb.data;
import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.core.RecordedEvent;
import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.Tributary;
import java.nio.file.Path;
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
    static MariaDbPair pair;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        pair = MariaDbPair.start();
        pair.replica.exec("START SLAVE");
    }

    @AfterAll
    static void stop() {
        pair.close();
    }

    @Test
    void aTransactionInChunksOfAnotherDomainReadFirstKeepsTheCutOffTransactionsProgress() throws Exception {
        int rows = 20_000;
        MariaDb primary = pair.primary;
        MariaDb replica = pair.replica;
        primary.exec("CREATE TABLE big (id int PRIMARY KEY, v varchar(200))");
        pair.caughtUp();
        replica.exec("STOP SLAVE"); // the replica applies the primary's large transaction only later
        int appended = pair.cutOffOnPrimary(dir, "big", rows, "INSERT INTO big SELECT seq, REPEAT('x', 200) FROM seq_1_to_" + rows);
        // On the replica, before it applies that transaction: a large one of its own in GTID domain 1.
        replica.exec("SET SESSION gtid_domain_id = 1",
                "INSERT INTO big SELECT seq + " + rows + ", REPEAT('y', 200) FROM seq_1_to_" + rows);
        replica.exec("START SLAVE");
        pair.caughtUp();
        replica.exec("STOP SLAVE");
        MySqlSource moved = pair.cutOffSourceOnReplica("big");
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
