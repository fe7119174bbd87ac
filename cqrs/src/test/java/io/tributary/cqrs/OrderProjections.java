package io.tributary.cqrs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.core.EventData;
import io.tributary.core.EventStore;
import io.tributary.core.ExpectedVersion;
import io.tributary.core.ReadFilter;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StreamName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicInteger;

/** Test projections over "order-*" events {"customer":..., "amount":...}; type "Poison" cannot be applied. */
final class OrderProjections {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String NAME = "orders";

    private OrderProjections() {
    }

    static JsonNode data(RecordedEvent e) {
        try {
            return JSON.readTree(e.data());
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** One document per order: count of events, total amount, customer, last type. */
    static Projection<DocumentWriter> summary() {
        return summary(new AtomicInteger(0));
    }

    /** Like {@link #summary()}; Poison fails while {@code poisonFailures} is positive (decremented per failure) or always when negative. */
    static Projection<DocumentWriter> summary(AtomicInteger poisonFailures) {
        return Projection.of(NAME, ReadFilter.categories("order"), (e, w) -> {
            if (e.type().equals("Poison")) {
                if (poisonFailures.get() != 0) {
                    poisonFailures.decrementAndGet();
                    throw new IllegalStateException("cannot apply poison");
                }
                return;
            }
            JsonNode d = data(e);
            String id = e.stream().id();
            ObjectNode doc = w.get("orders", id).orElseGet(JSON::createObjectNode);
            doc.put("customer", d.get("customer").asText());
            doc.put("count", doc.path("count").asInt(0) + 1);
            doc.put("total", doc.path("total").asLong(0) + d.get("amount").asLong());
            doc.put("lastType", e.type());
            w.put("orders", id, doc);
        });
    }

    /** Version 2 of the summary: also records the last position. */
    static Projection<DocumentWriter> summaryV2() {
        Projection<DocumentWriter> v1 = summary();
        return Projection.of(NAME, ReadFilter.categories("order"), (e, w) -> {
            v1.apply(e, w);
            w.get("orders", e.stream().id()).ifPresent(doc -> w.put("orders", e.stream().id(), doc.put("lastPosition", e.position())));
        });
    }

    /** Sales per customer in the PostgreSQL table {@code sales(customer, total, events)}. */
    static final Projection<SqlWriter> SALES = Projection.of("sales", ReadFilter.categories("order"),
            (e, w) -> w.execute("INSERT INTO sales (customer, total, events) VALUES (?, ?, 1) ON CONFLICT (customer) "
                            + "DO UPDATE SET total = sales.total + EXCLUDED.total, events = sales.events + 1",
                    data(e).get("customer").asText(), data(e).get("amount").asLong()),
            w -> w.execute("DELETE FROM sales"));

    static final String CREATE_SALES = "CREATE TABLE IF NOT EXISTS sales (customer TEXT PRIMARY KEY, total BIGINT NOT NULL, events INT NOT NULL)";

    static long append(EventStore store, String order, String customer, long amount) {
        return store.append(StreamName.of("order", order), ExpectedVersion.any(),
                EventData.json("OrderLine", "{\"customer\":\"" + customer + "\",\"amount\":" + amount + "}")).join().position();
    }

    static long appendOther(EventStore store, String type) {
        return store.append(StreamName.of("customer-x"), ExpectedVersion.any(), EventData.json(type, "{}")).join().position();
    }
}
