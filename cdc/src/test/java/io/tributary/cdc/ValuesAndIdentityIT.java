package io.tributary.cdc;

import static io.tributary.cdc.SourceDb.awaitCount;
import static io.tributary.cdc.SourceDb.data;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.core.RecordedEvent;
import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.Tributary;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Type mapping, unchanged TOASTed values and REPLICA IDENTITY against a real PostgreSQL. */
class ValuesAndIdentityIT {
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
    void mapsEveryCommonTypeToJson() {
        db.exec("CREATE TYPE mood AS ENUM ('sad', 'happy')",
                "CREATE TABLE typed (id bigint PRIMARY KEY, s smallint, i int, b boolean, n numeric(30,10), f float8, r real,"
                        + " t text, vc varchar(10), c char(3), ts timestamp, tz timestamptz, d date, u uuid, j json, jb jsonb,"
                        + " by bytea, ia int[], ta text[], m mood, ma mood[], iv interval, tm time, big numeric)");
        try (EmbeddedEventStore store = Tributary.open(dir);
             PostgresCapture capture = PostgresCapture.start(store, db.source("types", "typed").build())) {
            db.exec("SET TIME ZONE 'Asia/Kolkata'",
                    "INSERT INTO typed VALUES (9223372036854775807, -32768, 2147483647, true, 12345678901234567890.0123456789, 1.5,"
                            + " 0.25, 'héllo \"quoted\"', 'abc', 'xy', '2024-02-29 13:14:15.123456', '2024-02-29 13:14:15.5+05:30',"
                            + " '2024-02-29', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{\"a\": [1, 2]}', '{\"b\": {\"c\": null}}',"
                            + " '\\x00ff10', '{1,NULL,3}', '{\"a,b\",\"c\\\"d\",NULL}', 'happy', '{sad,happy}', '1 day 02:00:00',"
                            + " '10:11:12', 'NaN')");
            db.exec("INSERT INTO typed (id) VALUES (1)");
            List<RecordedEvent> events = awaitCount(store, "typed", 2, capture);
            JsonNode a = data(events.get(0)).get("after");
            assertThat(a.get("id").asLong()).isEqualTo(Long.MAX_VALUE);
            assertThat(a.get("s").asInt()).isEqualTo(-32768);
            assertThat(a.get("i").asInt()).isEqualTo(Integer.MAX_VALUE);
            assertThat(a.get("b").isBoolean()).isTrue();
            assertThat(a.get("b").asBoolean()).isTrue();
            assertThat(a.get("n").isTextual()).as("numeric is exact text").isTrue();
            assertThat(a.get("n").asText()).isEqualTo("12345678901234567890.0123456789");
            assertThat(a.get("f").asDouble()).isEqualTo(1.5);
            assertThat(a.get("r").asDouble()).isEqualTo(0.25);
            assertThat(a.get("t").asText()).isEqualTo("héllo \"quoted\"");
            assertThat(a.get("vc").asText()).isEqualTo("abc");
            assertThat(a.get("c").asText()).isEqualTo("xy ");
            assertThat(a.get("ts").asText()).isEqualTo("2024-02-29T13:14:15.123456");
            assertThat(a.get("tz").asText()).as("timestamptz as a UTC instant").isEqualTo("2024-02-29T07:44:15.500Z");
            assertThat(a.get("d").asText()).isEqualTo("2024-02-29");
            assertThat(a.get("u").asText()).isEqualTo("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
            assertThat(a.get("j").toString()).as("json is embedded JSON").isEqualTo("{\"a\":[1,2]}");
            assertThat(a.get("jb").toString()).isEqualTo("{\"b\":{\"c\":null}}");
            assertThat(a.get("by").asText()).as("bytea as base64").isEqualTo("AP8Q");
            assertThat(a.get("ia").toString()).isEqualTo("[1,null,3]");
            assertThat(a.get("ta").toString()).isEqualTo("[\"a,b\",\"c\\\"d\",null]");
            assertThat(a.get("m").asText()).isEqualTo("happy");
            assertThat(a.get("ma").toString()).isEqualTo("[\"sad\",\"happy\"]");
            assertThat(a.get("iv").asText()).isEqualTo("1 day 02:00:00");
            assertThat(a.get("tm").asText()).isEqualTo("10:11:12");
            assertThat(a.get("big").asText()).isEqualTo("NaN");
            JsonNode nulls = data(events.get(1)).get("after");
            assertThat(nulls.size()).isEqualTo(a.size());
            nulls.properties().forEach(e -> {
                if (!e.getKey().equals("id")) {
                    assertThat(e.getValue().isNull()).as(e.getKey()).isTrue();
                }
            });
        }
    }

    @Test
    void marksUnchangedToastedValuesExplicitly() {
        db.exec("CREATE TABLE docs (id int PRIMARY KEY, title text, body text)",
                "ALTER TABLE docs ALTER COLUMN body SET STORAGE EXTERNAL");
        try (EmbeddedEventStore store = Tributary.open(dir);
             PostgresCapture capture = PostgresCapture.start(store, db.source("toast", "docs").build())) {
            db.exec("INSERT INTO docs VALUES (1, 'a', repeat('0123456789', 1000))");
            db.exec("UPDATE docs SET title = 'b' WHERE id = 1");
            List<RecordedEvent> events = awaitCount(store, "docs", 2, capture);
            assertThat(data(events.get(0)).get("after").get("body").asText()).hasSize(10_000);
            JsonNode update = data(events.get(1));
            assertThat(update.get("after").get("title").asText()).isEqualTo("b");
            assertThat(update.get("after").get("body").asText()).isEqualTo("__debezium_unavailable_value");
            assertThat(update.get("unavailable").toString()).isEqualTo("[\"body\"]");
        }
    }

    @Test
    void replicaIdentityFullGivesTheWholeOldRowAndFillsToastedValues() {
        db.exec("CREATE TABLE full_rows (id int PRIMARY KEY, v text, body text)",
                "ALTER TABLE full_rows ALTER COLUMN body SET STORAGE EXTERNAL",
                "ALTER TABLE full_rows REPLICA IDENTITY FULL");
        try (EmbeddedEventStore store = Tributary.open(dir);
             PostgresCapture capture = PostgresCapture.start(store, db.source("full", "full_rows").build())) {
            db.exec("INSERT INTO full_rows VALUES (1, 'a', repeat('x', 5000))");
            db.exec("UPDATE full_rows SET v = 'b' WHERE id = 1");
            db.exec("DELETE FROM full_rows WHERE id = 1");
            List<RecordedEvent> events = awaitCount(store, "full_rows", 3, capture);
            JsonNode update = data(events.get(1));
            assertThat(update.get("before").get("v").asText()).isEqualTo("a");
            assertThat(update.get("before").get("body").asText()).hasSize(5000);
            assertThat(update.get("after").get("v").asText()).isEqualTo("b");
            assertThat(update.get("after").get("body").asText()).as("taken from the full old row").hasSize(5000);
            assertThat(update.has("unavailable")).isFalse();
            JsonNode delete = data(events.get(2));
            assertThat(delete.get("before").get("v").asText()).isEqualTo("b");
            assertThat(delete.get("before").get("body").asText()).hasSize(5000);
        }
    }

    @Test
    void tablesWithoutKeyGoToTheTableStream() {
        db.exec("CREATE TABLE logbook (line text)", "ALTER TABLE logbook REPLICA IDENTITY FULL");
        try (EmbeddedEventStore store = Tributary.open(dir);
             PostgresCapture capture = PostgresCapture.start(store, db.source("nokey", "logbook").build())) {
            db.exec("INSERT INTO logbook VALUES ('one')", "DELETE FROM logbook");
            List<RecordedEvent> events = awaitCount(store, "logbook", 2, capture);
            assertThat(events).extracting(e -> e.stream().value()).containsOnly("logbook");
            assertThat(data(events.get(1)).get("before").get("line").asText()).isEqualTo("one");
        }
    }
}
