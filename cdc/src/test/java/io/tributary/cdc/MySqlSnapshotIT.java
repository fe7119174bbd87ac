package io.tributary.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.core.RecordedEvent;
import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.StoreConfig;
import io.tributary.store.Tributary;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The initial snapshot on a real MariaDB (consistent snapshot, no locks) and the value mapping of every type. */
class MySqlSnapshotIT {
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

    @Test
    void snapshotsUnderConcurrentWritesWithNoGapAndNoOverlap() throws Exception {
        db.exec("CREATE TABLE counters (id int PRIMARY KEY, v int NOT NULL)",
                "INSERT INTO counters SELECT seq, 0 FROM seq_1_to_3000");
        AtomicBoolean stop = new AtomicBoolean();
        try (EmbeddedEventStore store = Tributary.open(dir);
             MySqlCapture capture = MySqlCapture.start(store, db.source("snap", "counters").snapshotChunkRows(50).build())) {
            Thread writer = writer("counters", 3001, stop, 42);
            writer.start();
            RowHistory history = RowHistory.settle(store, capture, "counters", stop, writer, db::connect);
            assertThat(capture.status().snapshot().rowsDone()).isGreaterThan(2000);
        }
    }

    @ParameterizedTest(name = "ALGORITHM={0}")
    @ValueSource(strings = {"COPY", "INSTANT"})
    void readsEveryRowOnceWhenACapturedTableIsAlteredDuringTheSnapshot(String algorithm) throws Exception {
        // big_a is read first and long enough for an ALTER of big_b to commit before big_b is read. A rebuilt table
        // (COPY) is refused to the snapshot's older read view ("Table definition has changed", 1412): the rest is read
        // in a new consistent snapshot, a new segment. An instant ADD COLUMN is readable in the old snapshot.
        db.exec("CREATE TABLE big_a (id int PRIMARY KEY, v int NOT NULL, pad varchar(100))",
                "INSERT INTO big_a SELECT seq, 0, REPEAT('x', 100) FROM seq_1_to_100000",
                "CREATE TABLE big_b (id int PRIMARY KEY, v int NOT NULL)",
                "INSERT INTO big_b SELECT seq, 0 FROM seq_1_to_3000");
        AtomicBoolean stop = new AtomicBoolean();
        MySqlSource source = db.source("ddl_" + algorithm.toLowerCase(java.util.Locale.ROOT), "big_a", "big_b").snapshotChunkRows(50).build();
        try (EmbeddedEventStore store = Tributary.open(dir);
             MySqlCapture capture = MySqlCapture.start(store, source)) {
            Thread writeA = writer("big_a", 100_001, stop, 1);
            Thread writeB = writer("big_b", 3_001, stop, 2);
            writeA.start();
            writeB.start();
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
            while (capture.status().snapshot().rowsDone() == 0) {
                assertThat(System.nanoTime()).as("snapshot progress: %s", capture.status()).isLessThan(deadline);
                Thread.sleep(5);
            }
            db.exec("ALTER TABLE big_b ADD COLUMN extra int NOT NULL DEFAULT 7, ALGORITHM=" + algorithm);
            assertThat(capture.status().snapshot().rowsDone()).as("still reading big_a").isLessThan(100_000);
            MySqlCaptureIT.await(store, "big_b", e -> capture.status().snapshot().done(), capture);
            Thread.sleep(300);
            stop.set(true);
            writeA.join();
            writeB.join();
            MySqlCaptureIT.awaitCaughtUp(db, capture);
            for (String table : List.of("big_a", "big_b")) {
                Map<Integer, Integer> expected = RowHistory.rows(db::connect, table);
                RowHistory history = new RowHistory(SourceDb.category(store, table));
                assertThat(history.state()).as("%s folded from the log%s", table, history.diff(expected)).isEqualTo(expected);
                assertThat(history.repeatedReads()).as("rows of %s read once", table).isEmpty();
                history.byRow.forEach((id, events) -> RowHistory.checkCountsUp(id, events));
                assertThat(history.changes).as("changes of %s streamed during the snapshot", table).isNotEmpty();
            }
            // big_b was read at the new point, after the ALTER: its rows have the new column.
            List<JsonNode> reads = SourceDb.category(store, "big_b").stream().map(SourceDb::data)
                    .filter(d -> d.get("op").asText().equals("r")).toList();
            assertThat(reads).hasSizeGreaterThan(2_000).allSatisfy(d -> assertThat(d.get("after").get("extra").asInt()).isEqualTo(7));
            JsonNode position = SourceDb.JSON.readTree(store.readStream(source.offsetStream(), Long.MAX_VALUE, 1,
                    io.tributary.core.Direction.BACKWARD).events().get(0).data());
            assertThat(position.at("/snapshot/segments")).as("segments: %s", position).hasSize(algorithm.equals("COPY") ? 3 : 2);
            assertThat(capture.status().status()).isEqualTo(CdcStatus.State.STREAMING);
        } finally {
            stop.set(true);
            db.exec("DROP TABLE big_a", "DROP TABLE big_b");
        }
    }

    @Test
    void splitsSnapshotChunksOfWideRowsByMaxAppendBytes() throws Exception {
        // 300 rows of 64 KiB: one chunk of snapshotChunkRows (1,024) would be a 20 MB append; the store takes 1 MiB.
        db.exec("CREATE TABLE wide (id int PRIMARY KEY, v int NOT NULL, body mediumtext)",
                "INSERT INTO wide SELECT seq, 0, REPEAT(CHAR(65 + seq % 26), 65536) FROM seq_1_to_300");
        StoreConfig config = StoreConfig.builder(dir).maxRequestBytes(1 << 20).build();
        MySqlSource source = db.source("wide", "wide").maxAppendBytes(256 << 10).build();
        try (EmbeddedEventStore store = Tributary.open(config);
             MySqlCapture capture = MySqlCapture.start(store, source)) {
            MySqlCaptureIT.awaitCount(store, "wide", 300, capture);
            db.exec("INSERT INTO wide VALUES (301, 0, REPEAT('z', 65536))");
            List<RecordedEvent> events = MySqlCaptureIT.awaitCount(store, "wide", 301, capture);
            assertThat(events).hasSize(301);
            RowHistory history = new RowHistory(events);
            assertThat(history.repeatedReads()).isEmpty();
            assertThat(history.state()).hasSize(301);
            for (int i = 0; i < 300; i++) {
                JsonNode d = SourceDb.data(events.get(i));
                assertThat(d.get("op").asText()).isEqualTo("r");
                assertThat(d.at("/after/id").asInt()).isEqualTo(i + 1);
                assertThat(d.at("/after/body").asText()).hasSize(65536).startsWith(String.valueOf((char) (65 + (i + 1) % 26)));
            }
            assertThat(SourceDb.data(events.get(300)).get("op").asText()).isEqualTo("c");
            assertThat(capture.status().snapshot().rowsDone()).isEqualTo(300);
            // Appends of at most 256 KiB and one row: at least 300 * 64 KiB / (256 KiB + 64 KiB) positions.
            long positions = store.readStream(source.offsetStream(), 0, 10_000, io.tributary.core.Direction.FORWARD).events().size();
            assertThat(positions).isGreaterThanOrEqualTo(60);
        } finally {
            db.exec("DROP TABLE wide");
        }
    }

    @Test
    void snapshotsATableWithoutAKeyInChunksAsOneAppend() {
        // Rows of a keyless table share the stream <table>: each needs its own event id. Read in chunks,
        // written as one append (a crash mid-table re-reads it whole: no row may be in the log twice).
        db.exec("CREATE TABLE nokey (v int)", "INSERT INTO nokey SELECT seq FROM seq_1_to_120");
        try (EmbeddedEventStore store = Tributary.open(dir);
             MySqlCapture capture = MySqlCapture.start(store, db.source("nokey", "nokey").snapshotChunkRows(50).build())) {
            MySqlCaptureIT.awaitCount(store, "nokey", 120, capture);
            db.exec("INSERT INTO nokey VALUES (121)");
            List<RecordedEvent> events = MySqlCaptureIT.awaitCount(store, "nokey", 121, capture);
            assertThat(events).hasSize(121).allSatisfy(e -> assertThat(e.stream().value()).isEqualTo("nokey"));
            assertThat(events.stream().map(e -> SourceDb.data(e).at("/after/v").asInt()).toList())
                    .isEqualTo(java.util.stream.IntStream.rangeClosed(1, 121).boxed().toList());
            assertThat(events.stream().map(e -> SourceDb.data(e).get("op").asText()).distinct().toList()).containsExactly("r", "c");
            assertThat(events.stream().map(RecordedEvent::eventId).distinct()).hasSize(121);
            assertThat(events.get(119).position() - events.get(0).position()).as("the snapshot's 120 rows in one append").isEqualTo(119);
        } finally {
            db.exec("DROP TABLE nokey");
        }
    }

    @Test
    void aTableAddedLaterIsReadInASnapshotOfItsOwnWithNoGapAndNoOverlapWhileTheOthersStream() throws Exception {
        db.exec("CREATE TABLE first_tbl (id int PRIMARY KEY, v int NOT NULL)", "INSERT INTO first_tbl VALUES (1, 0)",
                "CREATE TABLE later_tbl (id int PRIMARY KEY, v int NOT NULL)",
                "INSERT INTO later_tbl SELECT seq, 0 FROM seq_1_to_3000");
        try (EmbeddedEventStore store = Tributary.open(dir)) {
            try (MySqlCapture capture = MySqlCapture.start(store, db.source("grow", "first_tbl").build())) {
                MySqlCaptureIT.awaitCount(store, "first_tbl", 1, capture);
            }
            // While no capture runs: a change to the captured table, changes to the one about to be added (these are in
            // the binlog after the stored position: the snapshot has them, and the stream must not apply them again).
            db.exec("UPDATE first_tbl SET v = 1 WHERE id = 1", "UPDATE later_tbl SET v = v + 1 WHERE id <= 10");
            AtomicBoolean stop = new AtomicBoolean();
            Thread writer = writer("later_tbl", 3001, stop, 7);
            writer.start();
            try (MySqlCapture capture = MySqlCapture.start(store,
                    db.source("grow", "first_tbl", "later_tbl").snapshotChunkRows(50).build())) {
                assertThat(capture.status().snapshot().done()).as("the added table is to be read").isFalse();
                RowHistory history = RowHistory.settle(store, capture, "later_tbl", stop, writer, db::connect);
                assertThat(history.byRow.values().stream().filter(l -> l.get(0).get("op").asText().equals("r")).count())
                        .as("rows read by the snapshot").isGreaterThan(2000);
                db.exec("UPDATE first_tbl SET v = 2 WHERE id = 1");
                List<RecordedEvent> first = MySqlCaptureIT.awaitCount(store, "first_tbl", 3, capture);
                assertThat(first).extracting(e -> SourceDb.data(e).get("op").asText() + SourceDb.data(e).at("/after/v").asInt())
                        .containsExactly("r0", "u1", "u2");
            }
            // Dropped from the selection, changed meanwhile, selected again: read again, as of then.
            try (MySqlCapture capture = MySqlCapture.start(store, db.source("grow", "first_tbl").build())) {
                assertThat(capture.status().snapshot().done()).isTrue();
            }
            db.exec("INSERT INTO later_tbl VALUES (1000000, 100)");
            try (MySqlCapture capture = MySqlCapture.start(store,
                    db.source("grow", "first_tbl", "later_tbl").snapshotChunkRows(50).build())) {
                MySqlCaptureIT.await(store, "later_tbl", e -> capture.status().snapshot().done(), capture);
                List<RecordedEvent> row = MySqlCaptureIT.await(store, "later_tbl",
                        e -> e.stream().anyMatch(x -> x.stream().value().equals("later_tbl-1000000")), capture)
                        .stream().filter(x -> x.stream().value().equals("later_tbl-1000000")).toList();
                assertThat(row).extracting(e -> SourceDb.data(e).get("op").asText() + SourceDb.data(e).at("/after/v").asInt())
                        .as("read by the new snapshot, not streamed from the binlog as well").containsExactly("r100");
            }
        }
    }

    @Test
    void aKeylessTableAddedLaterHasEachRowOnce() {
        db.exec("CREATE TABLE k_first (id int PRIMARY KEY, v int NOT NULL)", "INSERT INTO k_first VALUES (1, 0)",
                "CREATE TABLE k_nokey (v int)", "INSERT INTO k_nokey VALUES (1), (2), (3)");
        try (EmbeddedEventStore store = Tributary.open(dir)) {
            try (MySqlCapture capture = MySqlCapture.start(store, db.source("keyless", "k_first").build())) {
                MySqlCaptureIT.awaitCount(store, "k_first", 1, capture);
            }
            db.exec("INSERT INTO k_nokey VALUES (4)"); // in the binlog after the stored position, and in the snapshot
            try (MySqlCapture capture = MySqlCapture.start(store, db.source("keyless", "k_first", "k_nokey").build())) {
                MySqlCaptureIT.await(store, "k_nokey", e -> capture.status().snapshot().done(), capture);
                db.exec("UPDATE k_first SET v = 1 WHERE id = 1", "INSERT INTO k_nokey VALUES (5)");
                List<RecordedEvent> events = MySqlCaptureIT.await(store, "k_nokey",
                        e -> e.stream().anyMatch(x -> SourceDb.data(x).at("/after/v").asInt() == 5), capture);
                assertThat(events).extracting(e -> SourceDb.data(e).get("op").asText() + SourceDb.data(e).at("/after/v").asInt())
                        .containsExactlyInAnyOrder("r1", "r2", "r3", "r4", "c5");
            }
        }
    }

    @Test
    void aTableSelectedAgainOnAServerThatWroteNothingSinceIsReadAgain() {
        db.exec("CREATE TABLE i_first (id int PRIMARY KEY, v int NOT NULL)", "INSERT INTO i_first VALUES (1, 0)",
                "CREATE TABLE i_later (id int PRIMARY KEY, v int NOT NULL)", "INSERT INTO i_later VALUES (1, 0), (2, 0)");
        try (EmbeddedEventStore store = Tributary.open(dir)) {
            try (MySqlCapture capture = MySqlCapture.start(store, db.source("idle", "i_first").build())) {
                MySqlCaptureIT.awaitCount(store, "i_first", 1, capture);
            }
            try (MySqlCapture capture = MySqlCapture.start(store, db.source("idle", "i_first", "i_later").build())) {
                MySqlCaptureIT.awaitCount(store, "i_later", 2, capture);
            }
            try (MySqlCapture capture = MySqlCapture.start(store, db.source("idle", "i_first").build())) {
                assertThat(capture.status().snapshot().done()).isTrue();
            }
            // The same binlog point as the first reading: its rows must not repeat that reading's event ids.
            try (MySqlCapture capture = MySqlCapture.start(store, db.source("idle", "i_first", "i_later").build())) {
                List<RecordedEvent> events = MySqlCaptureIT.awaitCount(store, "i_later", 4, capture);
                assertThat(events).extracting(e -> e.stream().value() + " " + SourceDb.data(e).get("op").asText())
                        .containsExactly("i_later-1 r", "i_later-2 r", "i_later-1 r", "i_later-2 r");
                assertThat(capture.status().status()).isEqualTo(CdcStatus.State.STREAMING);
            }
        }
    }

    @Test
    void aTruncateOfAnAddedTableBeforeItWasReadIsNotAppendedAfterItsRows() {
        db.exec("CREATE TABLE t_first (id int PRIMARY KEY, v int NOT NULL)", "INSERT INTO t_first VALUES (1, 0)",
                "CREATE TABLE t_later (id int PRIMARY KEY, v int NOT NULL)", "INSERT INTO t_later VALUES (1, 0), (2, 0)");
        try (EmbeddedEventStore store = Tributary.open(dir)) {
            try (MySqlCapture capture = MySqlCapture.start(store, db.source("trunc", "t_first").build())) {
                MySqlCaptureIT.awaitCount(store, "t_first", 1, capture);
            }
            // While nothing captures, the table about to be added is reloaded.
            db.exec("TRUNCATE TABLE t_later", "INSERT INTO t_later VALUES (10, 1), (11, 1)");
            try (MySqlCapture capture = MySqlCapture.start(store, db.source("trunc", "t_first", "t_later").build())) {
                MySqlCaptureIT.await(store, "t_later", e -> capture.status().snapshot().done(), capture);
                db.exec("UPDATE t_first SET v = 1 WHERE id = 1", "TRUNCATE TABLE t_later", "INSERT INTO t_later VALUES (12, 1)");
                List<RecordedEvent> events = MySqlCaptureIT.await(store, "t_later",
                        e -> e.stream().anyMatch(x -> x.stream().value().equals("t_later-12")), capture);
                assertThat(events).as("the rows as read, then only what came after").extracting(e -> e.stream().value()
                        + " " + SourceDb.data(e).get("op").asText()).containsExactly("t_later-10 r", "t_later-11 r", "t_later t",
                        "t_later-12 c");
            }
        }
    }

    @Test
    void aTableIsNotDroppedFromTheSelectionWhileATransactionIsHalfAppended() throws Exception {
        db.exec("CREATE TABLE h_a (id int PRIMARY KEY)", "CREATE TABLE h_b (id int PRIMARY KEY)", "INSERT INTO h_a VALUES (1)");
        try (EmbeddedEventStore store = Tributary.open(dir)) {
            try (MySqlCapture capture = MySqlCapture.start(store, db.source("half", "h_a", "h_b").build())) {
                MySqlCaptureIT.awaitCount(store, "h_a", 1, capture);
            }
            // As a crash in the middle of a large transaction leaves the offset: its progress recorded with it.
            SourceDb.rewriteOffset(store, "half", json -> json.putObject("partial").put("gtid", "0-1-999999").put("eventsDone", 5)
                    .putObject("begin").put("file", json.get("binlog").get("file").asText())
                    .put("pos", json.get("binlog").get("pos").asLong()));
            long before = store.readAll(0, 10_000, io.tributary.core.Direction.FORWARD, io.tributary.core.ReadFilter.all())
                    .events().size();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> MySqlCapture.start(store, db.source("half", "h_a").build()))
                    .isInstanceOf(SourceConfigurationException.class).hasMessageContaining("half appended")
                    .hasMessageContaining("[shop.h_b] is no longer captured").hasMessageContaining("Start it once with the tables it had");
            assertThat(store.readAll(0, 10_000, io.tributary.core.Direction.FORWARD, io.tributary.core.ReadFilter.all())
                    .events()).as("nothing written").hasSize((int) before);
        }
    }

    private static Thread writer(String table, int firstNew, AtomicBoolean stop, long seed) {
        return RowHistory.countingWrites(db::connect, table, firstNew, stop, seed);
    }

    @Test
    void mapsEveryTypeTheSameInTheSnapshotAndInTheBinlog() {
        db.exec("CREATE TABLE typed (id int PRIMARY KEY, ti tinyint, tu tinyint unsigned, b boolean, si smallint,"
                + " su smallint unsigned, mi mediumint unsigned, i int, iu int unsigned, bi bigint, bu bigint unsigned,"
                + " f float, d double, dec1 decimal(30,10), vc varchar(20), ch char(5), lat varchar(10) CHARACTER SET latin1,"
                + " tx text, j json, bl blob, bn binary(4), vb varbinary(8), dt date, dtm datetime(6), ts timestamp(3) NULL,"
                + " tm time(6), y year, e enum('small','medium','large'), st set('a','b','c'), bt bit(1), b8 bit(8), n int)");
        String values = "127, 255, true, -32768, 65535, 16777215, -2147483648, 4294967295, -9223372036854775808,"
                + " 18446744073709551615, 1.5, 2.25, '12345678901234567890.0123456789', 'héllo €', 'ab', 'café',"
                + " 'long text', '{\"a\": [1, 2]}', X'00FF10', X'0102', X'DEADBEEF', '2024-02-29', '2024-02-29 13:14:15.123456',"
                + " '2024-02-29 07:44:15.500', '13:14:15.5', 2024, 'medium', 'a,c', b'1', b'10100101', NULL";
        db.exec("SET time_zone = '+00:00'", "INSERT INTO typed VALUES (1, " + values + ")");
        try (EmbeddedEventStore store = Tributary.open(dir);
             MySqlCapture capture = MySqlCapture.start(store, db.source("typed", "typed").build())) {
            MySqlCaptureIT.awaitCount(store, "typed", 1, capture);
            db.exec("SET time_zone = '+00:00'", "INSERT INTO typed VALUES (2, " + values + ")");
            List<RecordedEvent> events = MySqlCaptureIT.awaitCount(store, "typed", 2, capture);
            JsonNode read = SourceDb.data(events.get(0)).get("after");
            JsonNode streamed = SourceDb.data(events.get(1)).get("after");
            assertThat(SourceDb.data(events.get(0)).get("op").asText()).isEqualTo("r");
            assertThat(SourceDb.data(events.get(1)).get("op").asText()).isEqualTo("c");
            ((com.fasterxml.jackson.databind.node.ObjectNode) read).remove("id");
            ((com.fasterxml.jackson.databind.node.ObjectNode) streamed).remove("id");
            assertThat(streamed.toString()).as("binlog and snapshot agree").isEqualTo(read.toString());
            assertThat(streamed.toString()).isEqualTo("{\"ti\":127,\"tu\":255,\"b\":true,\"si\":-32768,\"su\":65535,"
                    + "\"mi\":16777215,\"i\":-2147483648,\"iu\":4294967295,\"bi\":-9223372036854775808,"
                    + "\"bu\":18446744073709551615,\"f\":1.5,\"d\":2.25,\"dec1\":\"12345678901234567890.0123456789\","
                    + "\"vc\":\"héllo €\",\"ch\":\"ab\",\"lat\":\"café\",\"tx\":\"long text\",\"j\":{\"a\":[1,2]},"
                    + "\"bl\":\"AP8Q\",\"bn\":\"AQIAAA==\",\"vb\":\"3q2+7w==\",\"dt\":\"2024-02-29\","
                    + "\"dtm\":\"2024-02-29T13:14:15.123456\",\"ts\":\"2024-02-29T07:44:15.500Z\",\"tm\":\"13:14:15.5\","
                    + "\"y\":2024,\"e\":\"medium\",\"st\":\"a,c\",\"bt\":true,\"b8\":165,\"n\":null}");
        } finally {
            db.exec("DROP TABLE typed");
        }
    }



}
