package io.tributary.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.core.EventData;
import io.tributary.core.RecordedEvent;
import io.tributary.eventsourcing.EventCodec;
import io.tributary.examples.shop.Shop;
import io.tributary.examples.shop.ShopEvent;
import io.tributary.streams.Consumed;
import io.tributary.streams.Emit;
import io.tributary.streams.Grouped;
import io.tributary.streams.Materialized;
import io.tributary.streams.Produced;
import io.tributary.streams.Serde;
import io.tributary.streams.Serdes;
import io.tributary.streams.StreamsBuilder;
import io.tributary.streams.Topology;
import io.tributary.streams.Windowed;
import io.tributary.streams.Windows;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * The demo shop's stream processors.
 * <ul>
 *   <li>{@value #SALES}: paid orders per minute of event time (tumbling one-minute windows,
 *       5 s grace), final results only, appended to {@value #SALES_STREAM} as {@code SalesPerMinute};
 *       store {@value #SALES_STORE}, key {@value #SHOP_KEY}: the open minute.</li>
 *   <li>{@value #SUSPICIOUS}: declined payments per customer per minute (stream
 *       {@code payments-<customer>}, type {@value #DECLINED}); the third in a minute appends a
 *       {@code SuspiciousActivity} alert to {@code alerts-<customer>}; store {@value #DECLINES_STORE},
 *       key a customer id.</li>
 * </ul>
 */
final class ShopStreams {
    static final String SALES = "sales-per-minute";
    static final String SALES_STORE = "sales";
    static final String SALES_STREAM = "sales-perminute";
    static final String SHOP_KEY = "shop";
    static final String SUSPICIOUS = "suspicious-activity";
    static final String DECLINES_STORE = "declined-payments";
    static final String DECLINED = "PaymentDeclined";
    static final String ALERT = "SuspiciousActivity";
    /** Declined payments of one customer within one minute that raise an alert. */
    static final long ALERT_THRESHOLD = 3;
    private static final EventCodec<ShopEvent> CODEC = Shop.codec();

    private ShopStreams() {
    }

    /** Orders and revenue of a window. */
    record Sales(long orders, BigDecimal revenue) {
        static final Serde<Sales> SERDE = Serdes.of(
                s -> (s.orders + " " + s.revenue.toPlainString()).getBytes(StandardCharsets.UTF_8),
                b -> {
                    String[] parts = new String(b, StandardCharsets.UTF_8).split(" ");
                    return new Sales(Long.parseLong(parts[0]), new BigDecimal(parts[1]));
                });

        Sales plus(BigDecimal amount) {
            return new Sales(orders + 1, revenue.add(amount));
        }
    }

    /** Paid orders per minute, final results appended to {@value #SALES_STREAM}. */
    static Topology salesPerMinute() {
        StreamsBuilder b = new StreamsBuilder();
        b.stream(Consumed.category("order", e -> ((ShopEvent.OrderPaid) CODEC.decode(e)).amount())
                        .withEventTypes("OrderPaid"))
                .selectKey((order, amount) -> SHOP_KEY)
                .groupByKey(Grouped.with(Serdes.string()))
                .windowedBy(Windows.tumbling(Duration.ofMinutes(1)).withGrace(Duration.ofSeconds(5)))
                .emit(Emit.ON_WINDOW_CLOSE)
                .aggregate(() -> new Sales(0, BigDecimal.ZERO), (k, amount, s) -> s.plus(amount),
                        (k, left, right) -> new Sales(left.orders + right.orders, left.revenue.add(right.revenue)),
                        Materialized.<String, Sales>as(SALES_STORE).withSerdes(Serdes.string(), Sales.SERDE))
                .toStream()
                .to(Produced.with((w, s) -> SALES_STREAM, "SalesPerMinute", (w, s) -> Json.bytes(window(w,
                        "orders", s.orders(), "revenue", s.revenue()))));
        return b.build();
    }

    /** Declined payments per customer per minute; the {@value #ALERT_THRESHOLD}rd raises an alert. */
    static Topology suspiciousActivity() {
        StreamsBuilder b = new StreamsBuilder();
        b.stream(Consumed.category("payments", ShopStreams::data).withEventTypes(DECLINED))
                .groupByKey(Grouped.with(Serdes.string()))
                .windowedBy(Windows.tumbling(Duration.ofMinutes(1)))
                .count(Materialized.<String, Long>as(DECLINES_STORE).withSerdes(Serdes.string(), Serdes.longs()))
                .toStream()
                .filter((w, n) -> n == ALERT_THRESHOLD)
                .to(Produced.with((w, n) -> "alerts-" + w.key(), ALERT, (w, n) -> Json.bytes(window(w,
                        "customerId", w.key(), "declinedPayments", n,
                        "reason", n + " declined payments within one minute"))));
        return b.build();
    }

    /** A declined payment, as the demo's payment provider records it. */
    static EventData declined(String orderId, String customerId, BigDecimal amount, String reason) {
        return EventData.json(DECLINED, new String(Json.bytes(HttpApi.obj("orderId", orderId, "customerId", customerId,
                "amount", amount, "reason", reason)), StandardCharsets.UTF_8));
    }

    private static JsonNode data(RecordedEvent e) {
        return Json.parse(e.data());
    }

    private static Map<String, Object> window(Windowed<String> w, Object... fields) {
        Map<String, Object> m = HttpApi.obj("windowStart", Json.TIMESTAMP.format(Instant.ofEpochMilli(w.window().startMs())),
                "windowEnd", Json.TIMESTAMP.format(Instant.ofEpochMilli(w.window().endMs())));
        m.putAll(HttpApi.obj(fields));
        return m;
    }
}
