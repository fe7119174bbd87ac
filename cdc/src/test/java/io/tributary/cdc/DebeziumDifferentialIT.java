package io.tributary.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.format.Json;
import io.tributary.core.RecordedEvent;
import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.Tributary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The differential test of issue 5: Debezium's embedded engine (PostgreSQL connector, pgoutput) and
 * our {@link PostgresCapture} capture the same workload on the same embedded PostgreSQL, each from
 * its own slot; {@code op}, {@code before} and {@code after} must agree event for event.
 *
 * <p>Debezium is configured to minimise representation differences: {@code decimal.handling.mode=string},
 * {@code time.precision.mode=isostring}, {@code binary.handling.mode=base64}, JSON without schemas,
 * {@code skipped.operations=none} (so it emits truncates), our heartbeat messages excluded.
 * The normalisations that remain — each a documented difference of representation, not of content —
 * are applied only to the columns of the named types, and are listed in {@link #normalise} and in
 * the module README ("Compared with Debezium"):
 * <ol>
 *   <li>{@code timestamp} (without time zone): Debezium writes it as a UTC instant
 *       ({@code 2024-02-29T13:14:15.123456Z}), we as a local date-time without zone
 *       ({@code 2024-02-29T13:14:15.123456}); compared as {@link LocalDateTime};</li>
 *   <li>{@code timestamptz}: both ISO-8601 UTC instants, compared as {@link Instant};</li>
 *   <li>{@code date}: Debezium writes {@code 2024-02-29Z}, we {@code 2024-02-29}; compared as {@link LocalDate};</li>
 *   <li>{@code json}/{@code jsonb}: Debezium sends the JSON text as a string, we embed the JSON;
 *       compared as parsed JSON;</li>
 *   <li>{@code real}/{@code double precision}: compared as numbers ({@code 1.5} and {@code 1.5E0}
 *       are the same);</li>
 *   <li>{@code before} of a delete from a table with the default replica identity: Debezium writes
 *       every non-key column as {@code null}, we omit the columns PostgreSQL did not send; a
 *       Debezium {@code null} for a column we omit is dropped before comparing;</li>
 *   <li>{@code numeric} NaN: Debezium's string mode writes {@code NAN}, we PostgreSQL's {@code NaN};
 *       every other numeric value is compared as the exact string.</li>
 * </ol>
 * Everything else — numeric (exact, as strings), integers, text, varchar, char(n), enums, boolean,
 * uuid, bytea (base64), arrays, NULLs, a truncate, unchanged TOASTed values ({@code __debezium_unavailable_value}), the
 * {@code before} image of a REPLICA IDENTITY FULL table, and the order of events — is compared as is.
 */
class DebeziumDifferentialIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Column types needing a normalisation, per table. */
    private static final Map<String, Map<String, String>> TYPES = Map.of(
            "diff_types", Map.ofEntries(Map.entry("ts", "timestamp"), Map.entry("tstz", "timestamptz"), Map.entry("d", "date"),
                    Map.entry("j", "json"), Map.entry("jb", "jsonb"), Map.entry("n", "numeric"), Map.entry("nf", "numeric"),
                    Map.entry("f4", "real"), Map.entry("f8", "double")),
            "diff_full", Map.of("updated", "timestamptz", "meta", "jsonb", "amount", "numeric"));
    private static final Set<String> DEFAULT_IDENTITY = Set.of("diff_types");

    @TempDir
    Path dir;

    @Test
    @SuppressWarnings("try")   // the Debezium runner is a resource only to be closed
    void debeziumAndTributaryAgreeOnOpBeforeAndAfterEventForEvent() throws Exception {
        try (SourceDb db = SourceDb.start()) {
            db.exec("CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')",
                    "CREATE TABLE diff_types (id int PRIMARY KEY, n numeric(30,10), nf numeric, i2 smallint, i8 bigint,"
                            + " f4 real, f8 double precision, b boolean, t text, vc varchar(20), ts timestamp, tstz timestamptz,"
                            + " d date, u uuid, j json, jb jsonb, by bytea, ai int[], at text[], big text, m mood, ch char(4))",
                    "ALTER TABLE diff_types ALTER COLUMN big SET STORAGE EXTERNAL",
                    "CREATE TABLE diff_full (id int PRIMARY KEY, name text, amount numeric(12,2), updated timestamptz, meta jsonb)",
                    "ALTER TABLE diff_full REPLICA IDENTITY FULL");
            List<String> debezium = new CopyOnWriteArrayList<>();
            try (EmbeddedEventStore store = Tributary.open(dir.resolve("log"));
                 PostgresCapture ours = PostgresCapture.start(store, db.source("ours", "diff_types", "diff_full")
                         .snapshotMode(SnapshotMode.NEVER).build());
                 DebeziumRunner theirs = DebeziumRunner.start(db, debezium::add)) {
                workload(db);
                db.exec("INSERT INTO diff_full (id, name) VALUES (999999, 'end of workload')");
                List<JsonNode> dbz = awaitEnd(() -> parseAll(debezium), "Debezium");
                List<JsonNode> tributary = awaitEnd(() -> ourEvents(store), "Tributary");
                // 58 row changes and a truncate: a comparison of two empty lists proves nothing.
                assertThat(tributary).hasSize(59);
                compare(tributary, dbz);
                System.out.println("DebeziumDifferentialIT: " + tributary.size() + " events compared, op/before/after agree");
                assertThat(ours.status().status()).isEqualTo(CdcStatus.State.STREAMING);
            }
        }
    }

    /** Inserts, updates, deletes, multi-row transactions, a key change, NULLs, TOAST, every listed type. */
    private static void workload(SourceDb db) {
        db.exec("INSERT INTO diff_types VALUES (1, 12345678901234567890.0123456789, 0.1, -32768, 9223372036854775807,"
                + " 1.5, 3.141592653589793, true, 'plain ascii', 'varchar', '2024-02-29 13:14:15.123456',"
                + " '2024-02-29 13:14:15.5+05:30', '2024-02-29', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',"
                + " '{\"k\": [1, 2.5, \"x\"], \"n\": null}', '{\"b\": {\"c\": true}, \"a\": 1}', '\\x00ff10',"
                + " '{1,2,NULL,4}', '{\"a b\",c,NULL}', 'short', 'happy', 'ab')");
        db.exec("INSERT INTO diff_types (id) VALUES (2)");   // every other column NULL
        db.tx("INSERT INTO diff_types VALUES (3, -0.0000000001, 'NaN', 0, -1, -0.25, 1e-300, false, 'ünïcødé ✓ \"quoted\"',"
                        + " '', '1999-12-31 23:59:59', '1970-01-01 00:00:00+00', '0001-01-01', '00000000-0000-0000-0000-000000000000',"
                        + " '[]', '[1, \"two\", {\"three\": 3}]', '\\x', '{}', '{}', repeat('toast ', 2000), 'sad', 'abcd')",
                "INSERT INTO diff_full VALUES (10, 'Ada', 100.00, '2024-01-01 00:00:00+00', '{\"tier\": \"gold\"}')",
                "INSERT INTO diff_full VALUES (11, 'Bob', -5.50, NULL, NULL)");
        db.exec("UPDATE diff_types SET n = n + 1, t = 'changed', jb = jsonb_set(jb, '{a}', '2') WHERE id = 1");
        db.exec("UPDATE diff_types SET i2 = 7 WHERE id = 3");   // big is an unchanged TOASTed value
        db.tx("UPDATE diff_full SET amount = amount * 2, updated = '2024-06-30 12:00:00.000001+00' WHERE id = 10",
                "UPDATE diff_full SET name = NULL, meta = '{\"x\": [1]}' WHERE id = 11",
                "UPDATE diff_types SET ts = NULL, tstz = NULL, d = NULL, ai = '{5}' WHERE id = 2");
        db.exec("UPDATE diff_types SET id = 4 WHERE id = 2");   // a key change: delete + create
        db.tx("DELETE FROM diff_types WHERE id = 1", "DELETE FROM diff_full WHERE id = 11",
                "INSERT INTO diff_full VALUES (12, 'Cy', 0.01, now(), '{}')");
        db.exec("UPDATE diff_full SET name = 'Ada L.' WHERE id = 10");
        db.exec("DELETE FROM diff_full WHERE id = 10");
        db.tx("INSERT INTO diff_types (id, t) SELECT g, 'bulk ' || g FROM generate_series(100, 119) g",
                "UPDATE diff_types SET vc = 'b' WHERE id BETWEEN 100 AND 109",
                "DELETE FROM diff_types WHERE id BETWEEN 105 AND 114");
        db.exec("UPDATE diff_types SET m = 'ok' WHERE id = 3");
        db.exec("TRUNCATE diff_full");
    }

    // ---- comparison ----

    private static void compare(List<JsonNode> ours, List<JsonNode> theirs) {
        List<String> differences = new ArrayList<>();
        if (ours.size() != theirs.size()) {
            differences.add("event count: tributary " + ours.size() + ", debezium " + theirs.size());
        }
        for (int i = 0; i < Math.min(ours.size(), theirs.size()); i++) {
            JsonNode a = ours.get(i);
            JsonNode b = theirs.get(i);
            String table = a.path("source").path("table").asText();
            String where = "event " + i + " (" + table + ", op " + a.path("op").asText() + ")";
            if (!table.equals(b.path("source").path("table").asText())) {
                differences.add(where + ": table differs: debezium " + b.path("source").path("table").asText());
                continue;
            }
            if (!a.path("op").equals(b.path("op"))) {
                differences.add(where + ": op differs: debezium " + b.path("op"));
            }
            for (String image : List.of("before", "after")) {
                JsonNode x;
                JsonNode y;
                try {
                    x = normalise(table, a.path(image), null);
                    y = normalise(table, b.path(image), "d".equals(a.path("op").asText()) && image.equals("before")
                            && DEFAULT_IDENTITY.contains(table) ? a.path(image) : null);
                } catch (RuntimeException e) {
                    differences.add(where + ": " + image + " cannot be normalised (" + e.getMessage() + "):\n  tributary "
                            + brief(a.path(image)) + "\n  debezium  " + brief(b.path(image)));
                    continue;
                }
                if (!x.equals(y)) {
                    differences.add(where + ": " + image + " differs:\n  tributary " + brief(a.path(image))
                            + "\n  debezium  " + brief(b.path(image)));
                }
            }
        }
        assertThat(differences).as("differences between Tributary and Debezium").isEmpty();
    }

    /**
     * Applies the documented normalisations (see the class comment) to one row image: values of
     * the listed types are turned into one canonical form; with {@code keyOnly} (ours, for a
     * default-identity delete), Debezium's nulls for columns absent there are dropped.
     */
    static JsonNode normalise(String table, JsonNode row, JsonNode keyOnly) {
        if (row.isNull() || row.isMissingNode()) {
            return JsonNodeFactory.instance.nullNode();
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        Map<String, String> types = TYPES.getOrDefault(table, Map.of());
        for (Map.Entry<String, JsonNode> field : row.properties()) {
            String column = field.getKey();
            JsonNode value = field.getValue();
            if (keyOnly != null && value.isNull() && !keyOnly.has(column)) {
                continue;   // 6: Debezium's null for a column PostgreSQL did not send
            }
            String type = types.get(column);
            if (type == null || value.isNull() || "__debezium_unavailable_value".equals(value.asText())) {
                out.set(column, value);
                continue;
            }
            switch (type) {
                case "timestamp" -> out.put(column, localDateTime(value.asText()).toString());                // 1
                case "timestamptz" -> out.put(column, instant(value.asText()).toString());                    // 2
                case "date" -> out.put(column, LocalDate.parse(strip(value.asText(), "Z")).toString());       // 3
                case "numeric" -> out.put(column, "NAN".equals(value.asText()) ? "NaN" : value.asText());    // 7
                case "json", "jsonb" -> out.set(column, value.isTextual() ? parse(value.asText()) : value);   // 4
                case "real" -> out.put(column, value.isNumber() ? Float.toString(value.floatValue()) : value.asText());      // 5
                case "double" -> out.put(column, value.isNumber() ? Double.toString(value.doubleValue()) : value.asText());  // 5
                default -> throw new IllegalStateException("no normalisation for " + type);
            }
        }
        return out;
    }

    /** The row with long strings cut, for readable failure messages. */
    private static String brief(JsonNode row) {
        return row.toString().replaceAll("([^\"]{60})[^\"]{40,}", "$1...");
    }

    private static String strip(String text, String suffix) {
        return text.endsWith(suffix) ? text.substring(0, text.length() - suffix.length()) : text;
    }

    /** Debezium's isostring writes a timestamp without time zone as a UTC instant ({@code ...Z}); we write it without zone. */
    private static LocalDateTime localDateTime(String text) {
        return text.endsWith("Z") ? LocalDateTime.ofInstant(Instant.parse(text), java.time.ZoneOffset.UTC) : LocalDateTime.parse(text);
    }

    private static Instant instant(String text) {
        return text.endsWith("Z") ? Instant.parse(text) : OffsetDateTime.parse(text).toInstant();
    }

    private static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<JsonNode> parseAll(List<String> values) {
        List<JsonNode> out = new ArrayList<>();
        for (String v : values) {
            out.add(parse(v));
        }
        return out;
    }

    /** Our change events of both tables, in source order: commit LSN, then the order within the transaction. */
    private static List<JsonNode> ourEvents(EmbeddedEventStore store) {
        List<JsonNode> out = new ArrayList<>();
        for (String category : List.of("diff_types", "diff_full")) {
            for (RecordedEvent e : SourceDb.category(store, category)) {
                out.add(SourceDb.data(e));
            }
        }
        out.sort(Comparator.<JsonNode>comparingLong(n -> n.path("source").path("lsn").asLong())
                .thenComparingLong(n -> n.path("transaction").path("total_order").asLong()));
        return out;
    }

    private interface Events {
        List<JsonNode> get();
    }

    private static List<JsonNode> awaitEnd(Events events, String who) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            List<JsonNode> now = events.get();
            for (int i = 0; i < now.size(); i++) {
                if (now.get(i).path("after").path("id").asInt() == 999999) {
                    return now.subList(0, i);
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(who + " did not deliver the end marker; has " + now.size() + " events");
            }
            Thread.sleep(50);
        }
    }

    /** Debezium's embedded engine on its own slot and publication, streaming only (no snapshot), offsets in memory. */
    static final class DebeziumRunner implements AutoCloseable {
        private static final String SLOT = "dbz_diff";
        private final DebeziumEngine<ChangeEvent<String, String>> engine;
        private final ExecutorService executor = Executors.newSingleThreadExecutor();
        private final SourceDb db;

        private DebeziumRunner(SourceDb db, java.util.function.Consumer<String> onValue) {
            this.db = db;
            Properties p = new Properties();
            p.setProperty("name", "differential");
            p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
            p.setProperty("offset.storage", "org.apache.kafka.connect.storage.MemoryOffsetBackingStore");
            p.setProperty("offset.flush.interval.ms", "10000");
            p.setProperty("database.hostname", "localhost");
            p.setProperty("database.port", Integer.toString(db.postgres.getPort()));
            p.setProperty("database.user", "postgres");
            p.setProperty("database.password", "");
            p.setProperty("database.dbname", "postgres");
            p.setProperty("topic.prefix", "diff");
            p.setProperty("plugin.name", "pgoutput");
            p.setProperty("slot.name", SLOT);
            p.setProperty("publication.name", SLOT);
            p.setProperty("publication.autocreate.mode", "filtered");
            p.setProperty("table.include.list", "public.diff_types,public.diff_full");
            p.setProperty("snapshot.mode", "no_data");
            p.setProperty("skipped.operations", "none");   // Debezium skips truncates by default; we capture them
            // Our capture's heartbeats are logical decoding messages; Debezium would emit them as op "m" events.
            p.setProperty("message.prefix.exclude.list", "tributary\\.heartbeat");
            // As close to our representation as Debezium can be configured:
            p.setProperty("decimal.handling.mode", "string");
            p.setProperty("time.precision.mode", "isostring");
            p.setProperty("binary.handling.mode", "base64");
            p.setProperty("key.converter.schemas.enable", "false");
            p.setProperty("value.converter.schemas.enable", "false");
            p.setProperty("schema.history.internal", "io.debezium.relational.history.MemorySchemaHistory");
            this.engine = DebeziumEngine.create(Json.class).using(p).notifying(record -> {
                if (record.value() != null) {   // null: the tombstone after a delete
                    onValue.accept(record.value());
                }
            }).build();
        }

        static DebeziumRunner start(SourceDb db, java.util.function.Consumer<String> onValue) throws Exception {
            DebeziumRunner runner = new DebeziumRunner(db, onValue);
            runner.executor.execute(runner.engine);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!runner.slotActive()) {
                if (System.nanoTime() > deadline) {
                    runner.close();
                    throw new IllegalStateException("Debezium did not start streaming from slot " + SLOT);
                }
                Thread.sleep(50);
            }
            return runner;
        }

        private boolean slotActive() throws Exception {
            try (Connection c = db.connect();
                 PreparedStatement s = c.prepareStatement("SELECT active FROM pg_replication_slots WHERE slot_name = ?")) {
                s.setString(1, SLOT);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() && rs.getBoolean(1);
                }
            }
        }

        @Override
        public void close() throws IOException {
            engine.close();
            executor.shutdown();
            try {
                executor.awaitTermination(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
