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
