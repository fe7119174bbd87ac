package io.tributary.server;

import static io.tributary.server.Http.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.server.internal.ShopDemo;
import io.tributary.store.Durability;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tributary demo}'s live shop: orders flow, its projections and stream processors are served,
 * suspicious-activity alerts appear, a second run continues.
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

    @Test
    void servesTheShopProjectionsAndProcessorsWhileCustomersOrderAndContinuesOnTheSecondRun(@TempDir Path dir) throws Exception {
        ServerConfig config = ServerConfig.builder(dir.resolve("log")).port(0).durability(Durability.none()).build();
        long headAfterFirstRun;
        long processedAfterFirstRun;
        try (ShopDemo demo = ShopDemo.start(config, dir, 50, 42)) {
            Http http = new Http(demo.server().uri());
            JsonNode projections = awaitJson(http, "/projections", list -> list.size() == 2
                    && list.get(0).get("eventsPerSecond").asDouble() >= 0 && list.get(1).get("position").asLong() > 20);
            assertThat(projections.findValuesAsText("name")).containsExactly("customer-orders", "order-summary");
            JsonNode orders = awaitJson(http, "/streams?category=order", page -> page.get("streams").size() >= 3);
            String order = orders.get("streams").get(0).get("stream").asText().substring("order-".length());
            long head = http.head();
            JsonNode summary = json(http.get("/projections/order-summary/state/" + order + "?atLeast=" + head));
            assertThat(summary.get("orderId").asText()).isEqualTo(order);
            assertThat(summary.get("status").asText()).isIn("PLACED", "PAID", "SHIPPED", "CANCELLED");
            JsonNode history = json(http.get("/projections/customer-orders/state/ada?atLeast=" + head));
            assertThat(history.get("name").asText()).isEqualTo("Ada Lovelace");

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
            headAfterFirstRun = http.head();
        }
        try (ShopDemo again = ShopDemo.start(config, dir, 50, 43)) {
            Http http = new Http(again.server().uri());
            assertThat(http.head()).isGreaterThanOrEqualTo(headAfterFirstRun);
            awaitJson(http, "/projections/order-summary", p -> p.get("position").asLong() > headAfterFirstRun);
            // The processors continue from their RocksDB state (not from the start of the log).
            JsonNode sales = json(http.get("/processors/sales-per-minute"));
            assertThat(sales.get("inputPosition").asLong()).isGreaterThanOrEqualTo(processedAfterFirstRun);
            awaitJson(http, "/processors/suspicious-activity", p -> p.get("inputPosition").asLong() > headAfterFirstRun);
        }
        assertThat(dir.resolve("streams").resolve("sales-per-minute")).isDirectory();
    }
}
