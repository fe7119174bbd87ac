package io.tributary.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.Tributary;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The initial snapshot: consistent, chunked, without locks, then streaming with no gap and no overlap. */
class SnapshotIT {
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
    void snapshotsUnderConcurrentWritesWithNoGapAndNoOverlap() throws Exception {
        db.exec("CREATE TABLE counters (id int PRIMARY KEY, v int NOT NULL)",
                "INSERT INTO counters SELECT g, 0 FROM generate_series(1, 3000) g");
        AtomicBoolean stop = new AtomicBoolean();
        try (EmbeddedEventStore store = Tributary.open(dir);
             PostgresCapture capture = PostgresCapture.start(store, db.source("snap", "counters").snapshotChunkRows(50).build())) {
            Thread writer = RowHistory.countingWrites(db::connect, "counters", 3001, stop, 42);
            writer.start();
            RowHistory history = RowHistory.settle(store, capture, "counters", stop, writer, db::connect);
            assertThat(capture.status().snapshot().rowsDone()).isGreaterThan(2000);
        }
    }

    @Test
    void aTableAddedLaterIsReadInASnapshotOfItsOwnWithNoGapAndNoOverlapWhileTheOthersStream() throws Exception {
        db.exec("CREATE TABLE first_tbl (id int PRIMARY KEY, v int NOT NULL)", "INSERT INTO first_tbl VALUES (1, 0)",
                "CREATE TABLE later_tbl (id int PRIMARY KEY, v int NOT NULL)",
                "INSERT INTO later_tbl SELECT g, 0 FROM generate_series(1, 3000) g");
        try (EmbeddedEventStore store = Tributary.open(dir)) {
            try (PostgresCapture capture = PostgresCapture.start(store, db.source("grow", "first_tbl").build())) {
                SourceDb.awaitCount(store, "first_tbl", 1, capture);
            }
            // While no capture runs: a change to the captured table, changes to the one about to be added.
            db.exec("UPDATE first_tbl SET v = 1 WHERE id = 1", "UPDATE later_tbl SET v = v + 1 WHERE id <= 10");
            AtomicBoolean stop = new AtomicBoolean();
            Thread writer = RowHistory.countingWrites(db::connect, "later_tbl", 3001, stop, 7);
            writer.start();
            try (PostgresCapture capture = PostgresCapture.start(store,
                    db.source("grow", "first_tbl", "later_tbl").snapshotChunkRows(50).build())) {
                assertThat(capture.status().snapshot().done()).as("the added table is to be read").isFalse();
                RowHistory history = RowHistory.settle(store, capture, "later_tbl", stop, writer, db::connect);
                assertThat(history.byRow.values().stream().filter(l -> l.get(0).get("op").asText().equals("r")).count())
                        .as("rows read by the snapshot").isGreaterThan(2000);
                // The table captured all along: its change made while no capture ran, then a new one; not read again.
                db.exec("UPDATE first_tbl SET v = 2 WHERE id = 1");
                List<io.tributary.core.RecordedEvent> first = SourceDb.awaitCount(store, "first_tbl", 3, capture);
                assertThat(first).extracting(e -> SourceDb.data(e).get("op").asText() + SourceDb.data(e).at("/after/v").asInt())
                        .containsExactly("r0", "u1", "u2");
            }
            // Started again with the same tables: nothing is read again.
            long reads = SourceDb.category(store, "later_tbl").stream().filter(e -> e.type().equals("cdc.read")).count();
            try (PostgresCapture capture = PostgresCapture.start(store,
                    db.source("grow", "first_tbl", "later_tbl").snapshotChunkRows(50).build())) {
                assertThat(capture.status().snapshot().done()).isTrue();
                db.exec("INSERT INTO later_tbl VALUES (1000000, 0)");
                SourceDb.await(store, "later_tbl", e -> e.stream().anyMatch(x -> x.stream().value().equals("later_tbl-1000000")),
                        capture);
                assertThat(SourceDb.category(store, "later_tbl").stream().filter(e -> e.type().equals("cdc.read")).count())
                        .isEqualTo(reads);
            }
            // Dropped from the selection, changed meanwhile, selected again: read again, as of then.
            try (PostgresCapture capture = PostgresCapture.start(store, db.source("grow", "first_tbl").build())) {
                assertThat(capture.status().snapshot().done()).isTrue();
            }
            db.exec("UPDATE later_tbl SET v = 100 WHERE id = 1000000");
            try (PostgresCapture capture = PostgresCapture.start(store,
                    db.source("grow", "first_tbl", "later_tbl").snapshotChunkRows(50).build())) {
                SourceDb.await(store, "later_tbl", e -> capture.status().snapshot().done(), capture);
                List<io.tributary.core.RecordedEvent> row = SourceDb.await(store, "later_tbl",
                        e -> e.stream().filter(x -> x.stream().value().equals("later_tbl-1000000")).count() == 2, capture)
                        .stream().filter(x -> x.stream().value().equals("later_tbl-1000000")).toList();
                assertThat(row).extracting(e -> SourceDb.data(e).get("op").asText() + SourceDb.data(e).at("/after/v").asInt())
                        .containsExactly("c0", "r100");
            }
        }
    }


    @Test
    void aCaptureWhoseSlotIsGoneStartsOverWithANewSnapshotOnlyWhenNeeded() {
        db.exec("CREATE TABLE gone (id int PRIMARY KEY, v int NOT NULL)", "INSERT INTO gone VALUES (1, 1), (2, 2)");
        PostgresSource whenNeeded = db.source("gone", "gone").snapshotMode(SnapshotMode.WHEN_NEEDED).build();
        try (EmbeddedEventStore store = Tributary.open(dir)) {
            try (PostgresCapture capture = PostgresCapture.start(store, whenNeeded)) {
                db.exec("INSERT INTO gone VALUES (3, 3)");
                SourceDb.awaitCount(store, "gone", 3, capture);
            }
            // The slot is dropped (by hand, or lost in a failover); the table changes while nothing captures.
            PostgresCapture.dropSlotAndPublication(whenNeeded, false);
            db.exec("UPDATE gone SET v = 10 WHERE id = 1", "DELETE FROM gone WHERE id = 2");
            List<io.tributary.core.RecordedEvent> before = store.readAll(0, 10_000, io.tributary.core.Direction.FORWARD,
                    io.tributary.core.ReadFilter.all()).events();
            assertThatThrownBy(() -> PostgresCapture.start(store, db.source("gone", "gone").build()))
                    .isInstanceOf(SourceConfigurationException.class).hasMessageContaining("is missing")
                    .hasMessageContaining("set snapshotMode WHEN_NEEDED");
            assertThat(store.readAll(0, 10_000, io.tributary.core.Direction.FORWARD, io.tributary.core.ReadFilter.all())
                    .events()).as("nothing written").isEqualTo(before);
            try (PostgresCapture capture = PostgresCapture.start(store, whenNeeded)) {
                List<io.tributary.core.RecordedEvent> events = SourceDb.awaitCount(store, "gone", 5, capture);
                assertThat(events.subList(3, 5)).as("the rows as they are now, read again")
                        .extracting(e -> e.stream().value() + " " + SourceDb.data(e).get("op").asText() + SourceDb.data(e).at("/after/v").asInt())
                        .containsExactly("gone-1 r10", "gone-3 r3");
                db.exec("INSERT INTO gone VALUES (4, 4)");
                assertThat(SourceDb.awaitCount(store, "gone", 6, capture).get(5).stream().value()).isEqualTo("gone-4");
                assertThat(capture.status().status()).isEqualTo(CdcStatus.State.STREAMING);
            }
        }
    }

    @Test
    void aTruncateOfAnAddedTableBeforeItWasReadIsNotAppendedAfterItsRows() {
        db.exec("CREATE TABLE pt_first (id int PRIMARY KEY, v int NOT NULL)", "INSERT INTO pt_first VALUES (1, 0)",
                "CREATE TABLE pt_later (id int PRIMARY KEY, v int NOT NULL)", "INSERT INTO pt_later VALUES (1, 0), (2, 0)");
        try (EmbeddedEventStore store = Tributary.open(dir)) {
            try (PostgresCapture capture = PostgresCapture.start(store, db.source("ptrunc", "pt_first").build())) {
                SourceDb.awaitCount(store, "pt_first", 1, capture);
            }
            // While nothing captures: the table is added to the publication by hand, then reloaded.
            db.exec("ALTER PUBLICATION tributary_ptrunc ADD TABLE pt_later", "TRUNCATE pt_later",
                    "INSERT INTO pt_later VALUES (10, 1), (11, 1)");
            try (PostgresCapture capture = PostgresCapture.start(store, db.source("ptrunc", "pt_first", "pt_later").build())) {
                SourceDb.await(store, "pt_later", e -> capture.status().snapshot().done(), capture);
                db.exec("UPDATE pt_first SET v = 1 WHERE id = 1", "TRUNCATE pt_later", "INSERT INTO pt_later VALUES (12, 1)");
                List<io.tributary.core.RecordedEvent> events = SourceDb.await(store, "pt_later",
                        e -> e.stream().anyMatch(x -> x.stream().value().equals("pt_later-12")), capture);
                assertThat(events).as("the rows as read, then only what came after").extracting(e -> e.stream().value()
                        + " " + SourceDb.data(e).get("op").asText()).containsExactly("pt_later-10 r", "pt_later-11 r",
                        "pt_later t", "pt_later-12 c");
            }
        }
    }

    @Test
    void aTableIsNotDroppedFromTheSelectionWhileATransactionIsHalfAppended() throws Exception {
        db.exec("CREATE TABLE ph_a (id int PRIMARY KEY)", "CREATE TABLE ph_b (id int PRIMARY KEY)", "INSERT INTO ph_a VALUES (1)");
        try (EmbeddedEventStore store = Tributary.open(dir)) {
            try (PostgresCapture capture = PostgresCapture.start(store, db.source("phalf", "ph_a", "ph_b").build())) {
                SourceDb.awaitCount(store, "ph_a", 1, capture);
            }
            // As a crash in the middle of a large transaction leaves the offset: its progress recorded with it.
            SourceDb.rewriteOffset(store, "phalf", json -> json.putObject("partial").put("commitLsn", "FFFF/0").put("eventsDone", 5));
            List<io.tributary.core.RecordedEvent> before = store.readAll(0, 10_000, io.tributary.core.Direction.FORWARD,
                    io.tributary.core.ReadFilter.all()).events();
            assertThatThrownBy(() -> PostgresCapture.start(store, db.source("phalf", "ph_a").build()))
                    .isInstanceOf(SourceConfigurationException.class).hasMessageContaining("half appended")
                    .hasMessageContaining("[public.ph_b] is no longer captured").hasMessageContaining("Start it once with the tables it had");
            assertThat(store.readAll(0, 10_000, io.tributary.core.Direction.FORWARD, io.tributary.core.ReadFilter.all())
                    .events()).as("nothing written").isEqualTo(before);
        }
    }

    @Test
    void aSlotTheServerInvalidatedIsRefusedOrStartedOverOnlyWhenNeeded() throws Exception {
        db.exec("CREATE TABLE inval (id int PRIMARY KEY, v int NOT NULL)", "INSERT INTO inval VALUES (1, 1)",
                "CREATE TABLE inval_ballast (id int, pad text)");
        PostgresSource whenNeeded = db.source("inval", "inval").snapshotMode(SnapshotMode.WHEN_NEEDED).build();
        try (EmbeddedEventStore store = Tributary.open(dir)) {
            try (PostgresCapture capture = PostgresCapture.start(store, whenNeeded)) {
                SourceDb.awaitCount(store, "inval", 1, capture);
            }
            // While nothing captures, more WAL than the server keeps for a slot: it invalidates the capture's.
            try {
                db.exec("ALTER SYSTEM SET max_slot_wal_keep_size = '1MB'", "SELECT pg_reload_conf()");
                for (int i = 0; i < 5 && !slotLost("tributary_inval"); i++) {
                    db.exec("INSERT INTO inval_ballast SELECT g, repeat('x', 500) FROM generate_series(1, 40000) g",
                            "SELECT pg_switch_wal()", "CHECKPOINT");
                }
                assertThat(slotLost("tributary_inval")).as("slot invalidated").isTrue();
            } finally {
                db.exec("ALTER SYSTEM RESET max_slot_wal_keep_size", "SELECT pg_reload_conf()");
            }
            db.exec("UPDATE inval SET v = 2 WHERE id = 1");
            List<io.tributary.core.RecordedEvent> before = store.readAll(0, 10_000, io.tributary.core.Direction.FORWARD,
                    io.tributary.core.ReadFilter.all()).events();
            assertThatThrownBy(() -> PostgresCapture.start(store, db.source("inval", "inval").build()))
                    .isInstanceOf(SourceConfigurationException.class).hasMessageContaining("was invalidated by the server")
                    .hasMessageContaining("max_slot_wal_keep_size").hasMessageContaining("set snapshotMode WHEN_NEEDED");
            assertThat(store.readAll(0, 10_000, io.tributary.core.Direction.FORWARD, io.tributary.core.ReadFilter.all())
                    .events()).as("nothing written").isEqualTo(before);
            try (PostgresCapture capture = PostgresCapture.start(store, whenNeeded)) {
                assertThat(SourceDb.awaitCount(store, "inval", 2, capture)).extracting(e -> SourceDb.data(e).get("op").asText()
                        + SourceDb.data(e).at("/after/v").asInt()).containsExactly("r1", "r2");
                db.exec("UPDATE inval SET v = 3 WHERE id = 1");
                assertThat(SourceDb.data(SourceDb.awaitCount(store, "inval", 3, capture).get(2)).at("/after/v").asInt()).isEqualTo(3);
            }
        }
    }

    private static boolean slotLost(String slot) throws Exception {
        try (java.sql.Connection c = db.connect(); java.sql.PreparedStatement s = c.prepareStatement(
                "SELECT wal_status FROM pg_replication_slots WHERE slot_name = ?")) {
            s.setString(1, slot);
            try (java.sql.ResultSet rs = s.executeQuery()) {
                return rs.next() && "lost".equals(rs.getString(1));
            }
        }
    }

    @Test
    void snapshotEventsAreReadsMarkedAsSnapshot() {
        db.exec("CREATE TABLE seeded (id int PRIMARY KEY, v int NOT NULL)", "INSERT INTO seeded VALUES (1, 10), (2, 20)");
        try (EmbeddedEventStore store = Tributary.open(dir);
             PostgresCapture capture = PostgresCapture.start(store, db.source("seeded", "seeded").build())) {
            List<io.tributary.core.RecordedEvent> events = SourceDb.awaitCount(store, "seeded", 2, capture);
            JsonNode first = SourceDb.data(events.get(0));
            assertThat(first.get("op").asText()).isEqualTo("r");
            assertThat(events.get(0).type()).isEqualTo("cdc.read");
            assertThat(first.get("source").get("snapshot").asText()).isEqualTo("true");
            assertThat(first.get("after").toString()).isEqualTo("{\"id\":1,\"v\":10}");
            assertThat(events.get(1).stream().value()).isEqualTo("seeded-2");
        }
    }

    @Test
    void aTableWithoutAKeyIsSnapshottedAsOneAppend() {
        // No key to resume by: a crash mid-table re-reads it whole, so the table is one append (no
        // row can be in the log twice), though it is read in chunks of 20 rows.
        db.exec("CREATE TABLE nokey (v int)", "INSERT INTO nokey SELECT g FROM generate_series(1, 250) g");
        try (EmbeddedEventStore store = Tributary.open(dir);
             PostgresCapture capture = PostgresCapture.start(store, db.source("nokey", "nokey").snapshotChunkRows(20).build())) {
            List<io.tributary.core.RecordedEvent> events = SourceDb.awaitCount(store, "nokey", 250, capture);
            assertThat(events).hasSize(250).allSatisfy(e -> assertThat(e.stream().value()).isEqualTo("nokey"));
            assertThat(events.stream().map(e -> SourceDb.data(e).at("/after/v").asInt()).sorted().toList())
                    .isEqualTo(java.util.stream.IntStream.rangeClosed(1, 250).boxed().toList());
            assertThat(events.stream().map(io.tributary.core.RecordedEvent::eventId).distinct()).hasSize(250);
            // one append: consecutive positions, nothing of the capture's position stream between them
            assertThat(events.get(249).position() - events.get(0).position()).isEqualTo(249);
        } finally {
            db.exec("DROP TABLE nokey");
        }
    }


}
