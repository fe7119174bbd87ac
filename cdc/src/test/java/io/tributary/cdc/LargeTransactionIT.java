package io.tributary.cdc;

import static io.tributary.cdc.SourceDb.awaitCount;
import static io.tributary.cdc.SourceDb.category;
import static io.tributary.cdc.SourceDb.data;
import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.core.RecordedEvent;
import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.StoreConfig;
import io.tributary.store.Tributary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transactions larger than PostgreSQL's logical_decoding_work_mem (64 kB here) arrive streamed
 * (protocol v2) before they commit: they are spilled to disk, dropped on abort, and appended in
 * bounded chunks on commit.
 */
class LargeTransactionIT {
    static SourceDb db;

    @TempDir
    Path dir;

    @BeforeAll
    static void startPostgres() {
        db = SourceDb.start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        db.close();
    }

    @Test
    void streamsAHugeTransactionWithBoundedMemoryAndKeepsItsOrder() throws Exception {
        db.exec("CREATE TABLE bulk (id int PRIMARY KEY, pad text)");
        Path spill = dir.resolve("spill");
        try (EmbeddedEventStore store = Tributary.open(dir.resolve("log"));
             PostgresCapture capture = PostgresCapture.start(store, db.source("bulk", "bulk")
                     .maxTransactionMemoryBytes(64 * 1024).maxAppendBytes(256 * 1024).spillDirectory(spill).build())) {
            db.exec("INSERT INTO bulk SELECT g, repeat('p', 50) FROM generate_series(1, 30000) g");
            List<RecordedEvent> events = awaitCount(store, "bulk", 30_000, capture);
            assertThat(events).hasSize(30_000);
            assertThat(events).extracting(e -> data(e).get("after").get("id").asInt())
                    .containsExactlyElementsOf(IntStream.rangeClosed(1, 30_000).boxed().collect(Collectors.toList()));
            assertThat(events).extracting(e -> data(e).get("transaction").get("id").asText()).containsOnly(
                    data(events.get(0)).get("transaction").get("id").asText());
            assertThat(capture.chunkedAppends()).as("appended in bounded chunks").isGreaterThan(10);
            try (Stream<Path> files = Files.list(spill)) {
                assertThat(files).as("spill files are removed after the commit").isEmpty();
            }
        }
    }

    /**
     * The source's logicalDecodingWorkMemKb is the server's logical_decoding_work_mem for the capture's own
     * replication connection: with 64 MB a 5,000-row transaction arrives at its commit, with the server's 64 kB
     * (0: not set) it is streamed before it (pg_stat_replication_slots counts the slot's streamed transactions);
     * the log is the same either way.
     */
    @Test
    void logicalDecodingWorkMemKbDecidesWhetherATransactionIsStreamed() throws Exception {
        db.exec("CREATE TABLE workmem (id int PRIMARY KEY, pad text)");
        try (EmbeddedEventStore streamedStore = Tributary.open(dir.resolve("streamed"));
             EmbeddedEventStore wholeStore = Tributary.open(dir.resolve("whole"));
             PostgresCapture streamed = PostgresCapture.start(streamedStore, db.source("wm_server", "workmem").build());
             PostgresCapture whole = PostgresCapture.start(wholeStore, db.source("wm_own", "workmem")
                     .logicalDecodingWorkMemKb(64 * 1024).build())) {
            db.exec("INSERT INTO workmem SELECT g, repeat('w', 60) FROM generate_series(1, 5000) g");
            List<RecordedEvent> a = awaitCount(streamedStore, "workmem", 5000, streamed);
            List<RecordedEvent> b = awaitCount(wholeStore, "workmem", 5000, whole);
            assertThat(b).extracting(e -> data(e).get("after")).containsExactlyElementsOf(
                    a.stream().map(e -> data(e).get("after")).toList());
            assertThat(b).extracting(e -> e.stream().value()).containsExactlyElementsOf(
                    a.stream().map(e -> e.stream().value()).toList());
            // {streamed, decoded} transactions of each slot, once its walsender has reported decoding the insert
            long[] server = slotTxns("tributary_wm_server");
            Thread.sleep(1000); // the statistics collector's interval (500 ms): the other slot's counters are in too
            long[] own = slotTxns("tributary_wm_own");
            assertThat(server[0]).as("streamed with the server's 64 kB").isPositive();
            assertThat(own[0]).as("sent at its commit with 64 MB (" + own[1] + " transactions decoded)").isZero();
        }
    }

    /** The slot's {stream_txns, total_txns}, once total_txns counts a transaction (counters are reported with a delay). */
    private static long[] slotTxns(String slot) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            try (java.sql.Connection c = db.connect(); java.sql.Statement st = c.createStatement();
                 java.sql.ResultSet rs = st.executeQuery("SELECT stream_txns, total_txns FROM pg_stat_replication_slots"
                         + " WHERE slot_name = '" + slot + "'")) {
                if (rs.next() && (rs.getLong(1) > 0 || rs.getLong(2) > 0)) {
                    return new long[] {rs.getLong(1), rs.getLong(2)};
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no transaction statistics for slot " + slot);
            }
            Thread.sleep(100);
        }
    }

    @Test
    void aTransactionTouchingTensOfThousandsOfRowsIsOneAtomicAppend() {
        db.exec("CREATE TABLE wide (id int PRIMARY KEY)");
        try (EmbeddedEventStore store = Tributary.open(dir.resolve("log"));
             PostgresCapture capture = PostgresCapture.start(store, db.source("wide", "wide").build())) {
            db.exec("INSERT INTO wide SELECT g FROM generate_series(1, 25000) g");
            List<RecordedEvent> events = awaitCount(store, "wide", 25_000, capture);
            assertThat(events).hasSize(25_000);
            assertThat(capture.chunkedAppends()).as("25,000 row streams in one append").isZero();
            // One append: consecutive positions (a chunk would end with its position event in the
            // offset stream between them), one commit time.
            for (int i = 1; i < events.size(); i++) {
                assertThat(events.get(i).position()).isEqualTo(events.get(i - 1).position() + 1);
            }
            assertThat(events).extracting(RecordedEvent::timestamp).containsOnly(events.get(0).timestamp());
        }
    }

    @Test
    void aTransactionLargerThanTheStoreTakesStopsTheCaptureWithWhatToChangeAndWritesNothingOfIt() throws Exception {
        db.exec("CREATE TABLE toolarge (id int PRIMARY KEY, pad text)");
        // A store taking requests of at most 1 MiB, a source left at its 48 MiB maxAppendBytes.
        StoreConfig small = StoreConfig.builder(dir.resolve("small-log")).segmentSizeBytes(8 << 20)
                .maxRequestBytes(1 << 20).build();
        try (EmbeddedEventStore store = Tributary.open(small);
             PostgresCapture capture = PostgresCapture.start(store, db.source("toolarge", "toolarge").build())) {
            db.exec("INSERT INTO toolarge SELECT g, repeat('p', 100) FROM generate_series(1, 20000) g");
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (capture.status().status() != CdcStatus.State.FAILED && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(capture.status().status()).isEqualTo(CdcStatus.State.FAILED);
            assertThat(capture.status().lastError()).hasValueSatisfying(m -> assertThat(m)
                    .contains("maxAppendBytes").contains("maxRequestBytes"));
            assertThat(category(store, "toolarge")).as("nothing of the transaction").isEmpty();
        }
    }

    @Test
    void dropsAbortedStreamedTransactionsAndRolledBackSubtransactions() {
        db.exec("CREATE TABLE sub (id int PRIMARY KEY, pad text)");
        try (EmbeddedEventStore store = Tributary.open(dir.resolve("log"));
             PostgresCapture capture = PostgresCapture.start(store, db.source("sub", "sub").build())) {
            try {
                db.tx("INSERT INTO sub SELECT g, repeat('a', 40) FROM generate_series(1, 5000) g",
                        "SELECT 1/0");
            } catch (IllegalStateException expected) {
                // the whole streamed transaction aborts
            }
            db.tx("INSERT INTO sub SELECT g, repeat('b', 40) FROM generate_series(1, 5000) g",
                    "SAVEPOINT s1",
                    "INSERT INTO sub SELECT g, repeat('c', 40) FROM generate_series(100001, 105000) g",
                    "ROLLBACK TO SAVEPOINT s1",
                    "INSERT INTO sub VALUES (0, 'last')");
            db.exec("INSERT INTO sub VALUES (-1, 'marker')");
            List<RecordedEvent> events = awaitCount(store, "sub", 5002, capture);
            assertThat(events).hasSize(5002);
            assertThat(events).noneMatch(e -> data(e).get("after").get("pad").asText().startsWith("a"));
            assertThat(events).noneMatch(e -> data(e).get("after").get("id").asInt() > 100_000);
            assertThat(category(store, "sub").get(5001).stream().value()).isEqualTo("sub--1");
        }
    }
}
