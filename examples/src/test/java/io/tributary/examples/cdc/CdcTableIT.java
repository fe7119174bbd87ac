package io.tributary.examples.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.cdc.PostgresCapture;
import io.tributary.cdc.PostgresSource;
import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.Tributary;
import io.tributary.streams.Grouped;
import io.tributary.streams.KTable;
import io.tributary.streams.KeyValue;
import io.tributary.streams.Materialized;
import io.tributary.streams.ProcessorConfig;
import io.tributary.streams.Serdes;
import io.tributary.streams.StateBackend;
import io.tributary.streams.StreamProcessor;
import io.tributary.streams.StreamsBuilder;
import io.tributary.streams.Topology;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A streams table over a real PostgreSQL table captured by Tributary's CDC: inserts, updates
 * (one leaving a TOASTed value unchanged), deletes and a truncate; a composite key; a regrouped
 * count; the processor stopped and restarted on RocksDB state. After each phase every interactive
 * query answers what PostgreSQL holds.
 */
class CdcTableIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String LONG_NAME = "Lovelace ".repeat(1500);

    @TempDir
    Path dir;
    UsersDatabase db;
    EmbeddedEventStore store;
    PostgresCapture capture;

    @BeforeEach
    void start() {
        db = UsersDatabase.start(dir.resolve("postgres.log"));
        db.exec("ALTER TABLE users ALTER COLUMN name SET STORAGE EXTERNAL",   // long names are TOASTed uncompressed
                "CREATE TABLE lines (order_id int, line int, sku text NOT NULL, PRIMARY KEY (order_id, line))");
        db.exec("INSERT INTO users VALUES (1, 'ada@a.org', 'Ada'), (2, 'bob@b.org', 'Bob')");   // in the initial snapshot
        store = Tributary.open(dir.resolve("log"));
        capture = PostgresCapture.start(store, PostgresSource.builder("app", db.url()).tables("users", "lines")
                .heartbeatIntervalMs(100).statusIntervalMs(100).build());
    }

    @AfterEach
    void stop() {
        capture.close();
        store.close();
        db.close();
    }

    static Topology topology() {
        StreamsBuilder b = new StreamsBuilder();
        KTable<String, JsonNode> users = b.cdcTable("users");
        users.groupBy((id, row) -> KeyValue.pair(row.path("email").asText().replaceAll(".*@", ""), id),
                        Grouped.with(Serdes.string(), Serdes.string()))
                .count(Materialized.as("perDomain"));
        b.cdcTable("lines");
        return b.build();
    }

    StreamProcessor startProcessor() {
        return StreamProcessor.start(store, topology(),
                ProcessorConfig.of("tables").withState(StateBackend.rocksDb(dir.resolve("state"))).withMaxBatchEvents(3));
    }

    void awaitProcessed(StreamProcessor p) throws InterruptedException {
        db.awaitCaptured(capture, store);
        long head = store.headPosition();
        assertThat(p.awaitPosition(head, WAIT)).as("processed up to %d: %s", head, p.status()).isTrue();
    }

    /** Every user id 1..600 as the table answers it, next to what PostgreSQL holds. */
    static void assertTableEqualsSource(StreamProcessor p, Map<Integer, User> source) {
        Map<Integer, User> table = new TreeMap<>();
        Map<String, Long> domains = new TreeMap<>();
        for (int id = 1; id <= 600; id++) {
            Optional<Object> row = p.query("cdc-users", String.valueOf(id));
            row.map(JsonNode.class::cast).ifPresent(r -> {
                assertThat(r.size()).as("row %s has exactly the table's columns: %s", r.path("id"), r).isEqualTo(3);
                table.put(r.get("id").asInt(), new User(r.get("id").asInt(), r.get("email").asText(), r.get("name").asText()));
            });
        }
        source.values().forEach(u -> domains.merge(u.email().replaceAll(".*@", ""), 1L, Long::sum));
        assertThat(table).isEqualTo(source);
        for (String domain : new String[] {"a.org", "b.org", "c.org", "long.org"}) {
            assertThat(p.query("perDomain", domain)).as("users of %s", domain).isEqualTo(Optional.ofNullable(domains.get(domain)));
        }
    }

    @Test
    void theTableFollowsInsertsUpdatesDeletesTruncatesAndToastAcrossARestart() throws Exception {
        try (StreamProcessor p = startProcessor()) {
            db.exec("INSERT INTO users VALUES (3, 'cid@c.org', 'Cid'), (500, 'long@long.org', '" + LONG_NAME + "')",
                    "UPDATE users SET email = 'ada@b.org' WHERE id = 1");
            db.exec("UPDATE users SET email = 'renamed@long.org' WHERE id = 500");   // name: an unchanged TOASTed value
            db.exec("DELETE FROM users WHERE id = 2");
            db.exec("INSERT INTO lines VALUES (7, 1, 'apple'), (7, 2, 'pear')", "UPDATE lines SET sku = 'plum' WHERE order_id = 7 AND line = 2");
            awaitProcessed(p);
            assertTableEqualsSource(p, db.users());
            assertThat(((JsonNode) p.query("cdc-users", "500").orElseThrow()).get("name").asText())
                    .as("the TOASTed name kept, not the marker").isEqualTo(LONG_NAME);
            assertThat(p.query("cdc-lines", "7,2")).map(String::valueOf).hasValue("{\"order_id\":7,\"line\":2,\"sku\":\"plum\"}");
            assertThat(p.queryByText("cdc-lines", "7,1")).map(String::valueOf).hasValue("{\"order_id\":7,\"line\":1,\"sku\":\"apple\"}");
        }
        // Stopped: changes pile up in the log; the restarted processor resumes from its RocksDB checkpoint.
        db.exec("UPDATE users SET name = 'Ada L.' WHERE id = 1", "DELETE FROM users WHERE id = 3");
        db.exec("UPDATE users SET email = 'again@long.org' WHERE id = 500");   // TOASTed again, after the restart
        db.exec("DELETE FROM lines WHERE order_id = 7 AND line = 1");
        try (StreamProcessor p = startProcessor()) {
            awaitProcessed(p);
            assertTableEqualsSource(p, db.users());
            assertThat(p.query("cdc-lines", "7,1")).isEmpty();
            assertThat(p.query("cdc-lines", "7,2")).isPresent();

            db.exec("TRUNCATE users");
            db.exec("INSERT INTO users VALUES (600, 'new@c.org', 'New')");
            awaitProcessed(p);
            assertTableEqualsSource(p, db.users());
            assertThat(db.users()).hasSize(1);
            assertThat(p.query("cdc-lines", "7,2")).as("a truncate of users leaves lines alone").isPresent();
        }
    }
}
