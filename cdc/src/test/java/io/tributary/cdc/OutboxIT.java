package io.tributary.cdc;

import static io.tributary.cdc.SourceDb.category;
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

/** The outbox pattern: rows of an outbox table and prefixed logical messages become plain domain events. */
class OutboxIT {
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
    void turnsOutboxRowsAndMessagesIntoDomainEventsOnTheStreamsTheyName() {
        db.exec("CREATE TABLE orders (id int PRIMARY KEY, total int)",
                "CREATE TABLE outbox (id uuid PRIMARY KEY, stream text NOT NULL, type text NOT NULL, payload jsonb, metadata jsonb)");
        try (EmbeddedEventStore store = Tributary.open(dir);
             PostgresCapture capture = PostgresCapture.start(store, db.source("outbox", "orders", "outbox")
                     .outboxTable("outbox").outboxMessagePrefix("events").build())) {
            db.tx("INSERT INTO orders VALUES (1, 5)",
                    "INSERT INTO outbox VALUES ('11111111-1111-1111-1111-111111111111', 'order-1', 'OrderPlaced',"
                            + " '{\"total\": 5}', '{\"user\": \"ada\"}')",
                    "DELETE FROM outbox",
                    "SELECT pg_logical_emit_message(true, 'events', '{\"stream\":\"order-1\",\"type\":\"OrderPaid\",\"data\":{\"amount\":5}}')");
            db.exec("SELECT pg_logical_emit_message(false, 'events', '{\"stream\":\"shipping-1\",\"type\":\"Shipped\",\"data\":{}}')");
            List<RecordedEvent> order = SourceDb.await(store, "order", e -> e.size() >= 2, capture);
            List<RecordedEvent> shipping = SourceDb.await(store, "shipping", e -> e.size() >= 1, capture);
            assertThat(order).extracting(RecordedEvent::type).containsExactly("OrderPlaced", "OrderPaid");
            assertThat(order.get(0).eventId().toString()).isEqualTo("11111111-1111-1111-1111-111111111111");
            assertThat(order.get(0).dataAsString()).isEqualTo("{\"total\":5}");
            assertThat(order.get(0).metadataAsString()).isEqualTo("{\"user\":\"ada\"}");
            assertThat(order.get(1).dataAsString()).isEqualTo("{\"amount\":5}");
            assertThat(shipping.get(0).type()).isEqualTo("Shipped");
            assertThat(category(store, "orders")).hasSize(1);
            assertThat(category(store, "outbox")).as("the outbox table's own changes are not captured").isEmpty();
            assertThat(category(store, "orders").get(0).position()).as("same atomic append").isLessThan(order.get(1).position());
        }
    }
}
