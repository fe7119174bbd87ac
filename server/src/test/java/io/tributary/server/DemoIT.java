package io.tributary.server;

import static io.tributary.server.Http.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.server.internal.ShopDemo;
import io.tributary.store.Durability;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tributary demo}'s live shop: orders flow, its projections and stream processors are served,
 * suspicious-activity alerts appear, the event-sourced orders are served with audit trail and time
 * travel, the inventory database's SQL changes are captured by CDC into the
 * stock-levels projection, a second run continues (the capture resumes without duplicates).
 */
class DemoIT {
    static JsonNode awaitJson(Http http, String path, Predicate<JsonNode> condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            HttpResponse<String> r = http.get(path);
            if (r.statusCode() == 200 && condition.test(json(r))) {
                return json(r);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("GET " + path + " never satisfied the condition; last: " + r.statusCode() + " " + r.body());
            }
            Thread.sleep(50);
        }
    }

    private static void sql(ShopDemo demo, String statement) throws SQLException {
        try (Connection c = DriverManager.getConnection(demo.inventory().jdbcUrl(), "postgres", "");
             Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    /** Every change event of the stock category is in the log once (the capture resumed, no duplicates), snapshot reads first. */
    private static void assertNoDuplicateChanges(Http http) throws Exception {
        JsonNode streams = json(http.get("/streams?category=stock&limit=100")).get("streams");
        assertThat(streams.size()).isGreaterThanOrEqualTo(7);
        for (JsonNode stream : streams) {
            JsonNode events = json(http.get("/streams/" + stream.get("stream").asText() + "?limit=1000")).get("events");
            Set<String> seen = new HashSet<>();
            long reads = 0;
            for (JsonNode event : events) {
                JsonNode data = event.get("data");
                if (data.get("op").asText().equals("r")) {
                    reads++;
                    continue;
                }
                String id = data.get("source").get("lsn").asText() + "/" + data.get("transaction").get("total_order").asText();
                assertThat(seen.add(id)).as("duplicate change %s in %s", id, stream).isTrue();
            }
            assertThat(reads).as("snapshot reads in %s", stream).isLessThanOrEqualTo(1);
        }
    }

    @Test
    void servesTheShopProjectionsAndProcessorsWhileCustomersOrderAndContinuesOnTheSecondRun(@TempDir Path dir) throws Exception {
        ServerConfig config = ServerConfig.builder(dir.resolve("log")).port(0).durability(Durability.none()).build();
        long headAfterFirstRun;
        long processedAfterFirstRun;
        String inventoryUrl;
        try (ShopDemo demo = ShopDemo.start(config, dir, 50, 42)) {
            Http http = new Http(demo.server().uri());
            JsonNode projections = awaitJson(http, "/projections", list -> list.size() == 3
                    && list.get(0).get("eventsPerSecond").asDouble() >= 0 && list.get(1).get("position").asLong() > 20);
            assertThat(projections.findValuesAsText("name")).containsExactly("customer-orders", "order-summary", "stock-levels");

            // The inventory database: captured by CDC, changed by SQL, combined with the orders in stock-levels.
            JsonNode cdc = awaitJson(http, "/cdc", l -> l.size() == 1 && l.get(0).get("status").asText().equals("streaming"));
            assertThat(cdc.get(0).get("name").asText()).isEqualTo("inventory");
            assertThat(cdc.get(0).get("snapshot").get("done").asBoolean()).isTrue();
            awaitJson(http, "/streams?category=stock", page -> page.get("streams").size() == 7);
            sql(demo, "INSERT INTO stock (product_id, name, quantity) VALUES ('widget', 'Widget', 700)");
            JsonNode widget = awaitJson(http, "/streams/stock-widget", s -> s.get("events").size() == 1);
            assertThat(widget.get("events").get(0).get("type").asText()).isEqualTo("cdc.create");
            assertThat(widget.get("events").get(0).get("data").get("after").get("quantity").asLong()).isEqualTo(700);
            JsonNode level = awaitJson(http, "/projections/stock-levels/state/widget", d -> d.get("inStock").asLong() == 700);
            assertThat(level.get("name").asText()).isEqualTo("Widget");
            JsonNode keyboard = awaitJson(http, "/projections/stock-levels/state/kb", d -> d.has("name") && d.has("unitsOrdered"));
            assertThat(keyboard.get("name").asText()).isEqualTo("Mechanical keyboard");
            awaitJson(http, "/streams/stock-kb", s -> s.get("events").size() >= 2); // the snapshot read, then SQL changes
            JsonNode orders = awaitJson(http, "/streams?category=order", page -> page.get("streams").size() >= 3);
            String order = orders.get("streams").get(0).get("stream").asText().substring("order-".length());
            long head = http.head();
            JsonNode summary = json(http.get("/projections/order-summary/state/" + order + "?atLeast=" + head));
            assertThat(summary.get("orderId").asText()).isEqualTo(order);
            assertThat(summary.get("status").asText()).isIn("PLACED", "PAID", "SHIPPED", "CANCELLED");
            JsonNode history = json(http.get("/projections/customer-orders/state/ada?atLeast=" + head));
            assertThat(history.get("name").asText()).isEqualTo("Ada Lovelace");

            // The orders are event-sourced and served with their audit trail and time travel.
            assertThat(json(http.get("/aggregates")).findValuesAsText("name")).containsExactly("orders");
            JsonNode paid = awaitJson(http, "/all?category=order&type=OrderPaid&limit=1", p -> p.get("events").size() == 1);
            String paidOrder = paid.get("events").get(0).get("stream").asText().substring("order-".length());
            JsonNode trail = json(http.get("/aggregates/orders/" + paidOrder + "/audit")).get("entries");
            assertThat(trail.get(0).get("type").asText()).isEqualTo("OrderPlaced");
            assertThat(trail.get(0).get("state").get("status").asText()).isEqualTo("PLACED");
            assertThat(trail.get(1).get("type").asText()).isEqualTo("OrderPaid");
            assertThat(trail.get(1).get("state").get("status").asText()).isEqualTo("PAID");
            assertThat(trail.get(1).get("event").get("amount").decimalValue())
                    .isEqualByComparingTo(trail.get(0).get("state").get("total").decimalValue());
            JsonNode placed = json(http.get("/aggregates/orders/" + paidOrder + "?version=0"));
            assertThat(placed.get("stateType").asText()).isEqualTo("Order");
            assertThat(placed.get("state").get("status").asText()).isEqualTo("PLACED");
            JsonNode asOf = json(http.get("/aggregates/orders/" + paidOrder + "?asOf=" + trail.get(0).get("timestamp").asText()));
            assertThat(asOf.get("state")).isEqualTo(trail.get((int) asOf.get("version").asLong()).get("state"));

            JsonNode processors = awaitJson(http, "/processors", list -> list.size() == 2
                    && list.get(1).get("inputPosition").asLong() > 0);
            assertThat(processors.findValuesAsText("name")).containsExactly("sales-per-minute", "suspicious-activity");
            assertThat(processors.findValuesAsText("status")).containsOnly("running");
            JsonNode sales = awaitJson(http, "/processors/sales-per-minute/state/sales/shop", s -> s.has("windows"));
            assertThat(sales.get("windows").get(0).get("value").get("orders").asLong()).isPositive();
            assertThat(sales.get("windows").get(0).get("value").get("revenue").decimalValue()).isPositive();
            JsonNode alerts = awaitJson(http, "/streams?category=alerts", page -> page.get("streams").size() >= 1);
            String alertStream = alerts.get("streams").get(0).get("stream").asText();
            JsonNode alert = json(http.get("/streams/" + alertStream)).get("events").get(0);
            assertThat(alert.get("type").asText()).isEqualTo("SuspiciousActivity");
            assertThat(alert.get("data").get("customerId").asText()).isEqualTo(alertStream.substring("alerts-".length()));
            assertThat(alert.get("data").get("declinedPayments").asLong()).isEqualTo(3);
            String customer = alert.get("data").get("customerId").asText();
            assertThat(http.get("/processors/suspicious-activity/state/declined-payments/" + customer).statusCode()).isIn(200, 404);
            processedAfterFirstRun = json(http.get("/processors/sales-per-minute")).get("inputPosition").asLong();
            assertNoDuplicateChanges(http);
            inventoryUrl = demo.inventory().jdbcUrl();
            headAfterFirstRun = http.head();
        }
        // Closing stopped the capture, the store and the inventory database.
        assertThatThrownBy(() -> DriverManager.getConnection(inventoryUrl, "postgres", "").close()).isInstanceOf(SQLException.class);
        try (ShopDemo again = ShopDemo.start(config, dir, 50, 43)) {
            Http http = new Http(again.server().uri());
            assertThat(http.head()).isGreaterThanOrEqualTo(headAfterFirstRun);
            awaitJson(http, "/projections/order-summary", p -> p.get("position").asLong() > headAfterFirstRun);
            // The processors continue from their RocksDB state (not from the start of the log).
            JsonNode sales = json(http.get("/processors/sales-per-minute"));
            assertThat(sales.get("inputPosition").asLong()).isGreaterThanOrEqualTo(processedAfterFirstRun);
            awaitJson(http, "/processors/suspicious-activity", p -> p.get("inputPosition").asLong() > headAfterFirstRun);
            // The capture resumes from its recorded position: no second snapshot, no change twice.
            awaitJson(http, "/cdc/inventory", s -> s.get("status").asText().equals("streaming"));
            sql(again, "UPDATE stock SET quantity = 900 WHERE product_id = 'widget'");
            awaitJson(http, "/projections/stock-levels/state/widget", d -> d.get("inStock").asLong() == 900);
            JsonNode widget = json(http.get("/streams/stock-widget")).get("events");
            assertThat(widget).hasSize(2); // the insert of the first run, the update of this one (quantities above the restock level)
            assertThat(widget.get(1).get("type").asText()).isEqualTo("cdc.update");
            assertThat(widget.get(1).get("data").get("after").get("quantity").asLong()).isEqualTo(900);
            assertNoDuplicateChanges(http);
        }
        assertThat(dir.resolve("streams").resolve("sales-per-minute")).isDirectory();
        assertThat(dir.resolve("inventory").resolve("postgresql.conf")).isRegularFile();
    }
}
