package io.tributary.cdc;

import static io.tributary.cdc.SourceDb.awaitCount;
import static io.tributary.cdc.SourceDb.data;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.core.Direction;
import io.tributary.core.ReadFilter;
import io.tributary.core.RecordedEvent;
import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.Tributary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Row filters on a real PostgreSQL 15 (publication {@code WHERE} clauses): the snapshot copies only the matching rows,
 * and streaming follows PostgreSQL's rules for a row that moves in or out of the filter — an update that makes a row
 * match arrives as its insert, one that makes it stop matching as its delete — so a consumer folding the events
 * holds exactly the matching rows of the table.
 */
class PostgresRowFilterIT {
    static SourceDb db;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        db = SourceDb.start15();
    }

    @AfterAll
    static void stop() throws IOException {
        db.close();
    }

    private static List<String> changes(List<RecordedEvent> events) {
        return events.stream().map(e -> e.stream().value() + " " + data(e).get("op").asText()).toList();
    }

    @Test
    void onlyMatchingRowsAreCapturedAndRowsMovingAcrossTheFilterArriveAsInsertsAndDeletes() throws Exception {
        try (var c = db.connect(); var s = c.createStatement(); var rs = s.executeQuery("SHOW server_version_num")) {
            rs.next();
            assertThat(rs.getInt(1)).as("a PostgreSQL 15").isBetween(150000, 159999);
        }
        // The filter reads a column outside the key: REPLICA IDENTITY FULL, as PostgreSQL requires for updates and deletes.
        db.exec("CREATE TABLE orders (id int PRIMARY KEY, region text NOT NULL, amount int NOT NULL)",
                "ALTER TABLE orders REPLICA IDENTITY FULL",
                "INSERT INTO orders VALUES (1, 'eu', 10), (2, 'us', 20), (3, 'eu', 30)");
        PostgresSource source = db.source("eu").table(TableSelection.of("orders").where("region = 'eu'")).build();
        try (EmbeddedEventStore store = Tributary.open(dir);
             PostgresCapture capture = PostgresCapture.start(store, source)) {
            assertThat(changes(awaitCount(store, "orders", 2, capture))).containsExactly("orders-1 r", "orders-3 r");
            db.exec("INSERT INTO orders VALUES (4, 'us', 40)", // never matches: nothing
                    "INSERT INTO orders VALUES (5, 'eu', 50)", // c
                    "UPDATE orders SET region = 'eu' WHERE id = 2", // moves in: an insert
                    "UPDATE orders SET region = 'us' WHERE id = 1", // moves out: a delete
                    "UPDATE orders SET amount = 31 WHERE id = 3", // stays in: u
                    "UPDATE orders SET amount = 41 WHERE id = 4", // stays out: nothing
                    "DELETE FROM orders WHERE id = 4", // was out: nothing
                    "DELETE FROM orders WHERE id = 5"); // d
            List<RecordedEvent> events = awaitCount(store, "orders", 7, capture);
            assertThat(changes(events)).containsExactly("orders-1 r", "orders-3 r", "orders-5 c", "orders-2 c", "orders-1 d",
                    "orders-3 u", "orders-5 d");
            assertThat(data(events.get(3)).get("after").get("region").asText()).isEqualTo("eu");
            assertThat(data(events.get(4)).get("before").get("region").asText()).as("the row as it was").isEqualTo("eu");
            assertThat(data(events.get(5)).get("after").get("amount").asInt()).isEqualTo(31);
            // Nothing about rows 4 (never in) arrived, even later.
            db.exec("INSERT INTO orders VALUES (6, 'eu', 60)");
            assertThat(changes(awaitCount(store, "orders", 8, capture))).endsWith("orders-6 c").doesNotContain("orders-4 c",
                    "orders-4 u", "orders-4 d");
            assertThat(db.scalar("SELECT pg_get_expr(prqual, prrelid) FROM pg_publication_rel"))
                    .as("the filter is the publication's").isEqualTo("(region = 'eu'::text)");
        }
    }

    @Test
    void aFilterThatIsNotValidSqlIsRefusedAndNothingIsWritten() {
        db.exec("CREATE TABLE notes (id int PRIMARY KEY, body text)");
        PostgresSource source = db.source("badfilter").table(TableSelection.of("notes").where("body ==== 'x'")).build();
        try (EmbeddedEventStore store = Tributary.open(dir)) {
            assertThatThrownBy(() -> PostgresCapture.start(store, source)).isInstanceOf(SourceConfigurationException.class)
                    .hasMessageContaining("tributary_badfilter");
            assertThat(store.readAll(0, 100, Direction.FORWARD, ReadFilter.all()).events()).as("nothing written").isEmpty();
        }
    }
}
