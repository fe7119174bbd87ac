package io.tributary.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.Tributary;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
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
        Random random = new Random(42);
        try (EmbeddedEventStore store = Tributary.open(dir);
             PostgresCapture capture = PostgresCapture.start(store, db.source("snap", "counters").snapshotChunkRows(50).build())) {
            // Every update adds 1, so a row's change events must count up by one from its snapshot value.
            Thread writer = new Thread(() -> {
                try (Connection c = db.connect(); Statement s = c.createStatement()) {
                    int next = 3001;
                    while (!stop.get()) {
                        int id = 1 + random.nextInt(next - 1);
                        switch (random.nextInt(4)) {
                            case 0 -> s.execute("INSERT INTO counters VALUES (" + next++ + ", 0)");
                            case 1 -> s.execute("DELETE FROM counters WHERE id = " + id);
                            default -> s.execute("UPDATE counters SET v = v + 1 WHERE id = " + id);
                        }
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            writer.start();
            SourceDb.await(store, "counters", e -> capture.status().snapshot().done(), capture);
            Thread.sleep(300);
            stop.set(true);
            writer.join();
            Map<Integer, Integer> expected = table();
            try {
                SourceDb.await(store, "counters", e -> new RowHistory(e).state().equals(expected), capture);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + new RowHistory(SourceDb.category(store, "counters")).diff(expected), e);
            }
            RowHistory history = new RowHistory(SourceDb.category(store, "counters"));
            assertThat(history.repeatedReads()).isEmpty();
            assertThat(capture.status().snapshot().rowsDone()).isGreaterThan(2000);
            history.byRow.forEach((id, events) -> checkCountsUp(id, events));
            assertThat(history.changes).as("changes streamed during the snapshot").isNotEmpty();
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

    private static void checkCountsUp(int id, List<JsonNode> events) {
        Integer v = null;
        for (JsonNode d : events) {
            String op = d.get("op").asText();
            switch (op) {
                case "r", "c" -> {
                    assertThat(v).as("row %d: %s of a row that exists (%s)", id, op, events).isNull();
                    v = d.get("after").get("v").asInt();
                }
                case "u" -> {
                    assertThat(v).as("row %d: update of a missing row (%s)", id, events).isNotNull();
                    assertThat(d.get("after").get("v").asInt()).as("row %d: no gap and no overlap (%s)", id, events).isEqualTo(v + 1);
                    v = v + 1;
                }
                case "d" -> {
                    assertThat(v).as("row %d: delete of a missing row (%s)", id, events).isNotNull();
                    v = null;
                }
                default -> throw new AssertionError(op);
            }
        }
    }

    private static Map<Integer, Integer> table() throws Exception {
        Map<Integer, Integer> out = new TreeMap<>();
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, v FROM counters")) {
            while (rs.next()) {
                out.put(rs.getInt(1), rs.getInt(2));
            }
        }
        return out;
    }
}
