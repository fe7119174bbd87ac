package io.tributary.examples.shop;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.core.ReadFilter;
import io.tributary.cqrs.DocumentWriter;
import io.tributary.cqrs.IndexDefinition;
import io.tributary.cqrs.Projection;
import io.tributary.cqrs.SqlWriter;
import io.tributary.eventsourcing.EventCodec;
import io.tributary.examples.shop.ShopEvent.CustomerRegistered;
import io.tributary.examples.shop.ShopEvent.OrderCancelled;
import io.tributary.examples.shop.ShopEvent.OrderPaid;
import io.tributary.examples.shop.ShopEvent.OrderPlaced;
import io.tributary.examples.shop.ShopEvent.OrderShipped;
import io.tributary.examples.shop.ShopEvent.ProductAdded;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The shop's read side: three projections of the same events, each shaped for one question.
 * <ol>
 * <li>{@link #orderSummary()}: the denormalised order document (customer name, items with
 *     product names, total, status) — a document store, indexed by customer.</li>
 * <li>{@link #customerOrders()}: a customer's order history — a document store.</li>
 * <li>{@link #productSales()}: units and revenue per product — a PostgreSQL table.</li>
 * </ol>
 */
public final class ShopProjections {
    /** The order summary projection's name. */
    public static final String ORDER_SUMMARY = "order-summary";
    /** The customer history projection's name. */
    public static final String CUSTOMER_ORDERS = "customer-orders";
    /** The sales projection's name. */
    public static final String PRODUCT_SALES = "product-sales";
    /** The index that finds a customer's order summaries. */
    public static final IndexDefinition ORDERS_BY_CUSTOMER = IndexDefinition.of("orders", "customerId");

    private static final EventCodec<ShopEvent> CODEC = Shop.codec();

    private ShopProjections() {
    }

    private static ReadFilter filter(String... types) {
        return ReadFilter.categories("customer", "product", "order").withEventTypes(types);
    }

    /** Order summaries in collection {@code orders}, with names looked up in {@code customers} and {@code products}. */
    public static Projection<DocumentWriter> orderSummary() {
        return Projection.of(ORDER_SUMMARY, filter("CustomerRegistered", "ProductAdded", "OrderPlaced", "OrderPaid",
                "OrderShipped", "OrderCancelled"), (recorded, w) -> {
            ShopEvent event = CODEC.decode(recorded);
            if (event instanceof CustomerRegistered c) {
                w.put("customers", c.customerId(), JsonNodeFactory.instance.objectNode().put("name", c.name()));
            } else if (event instanceof ProductAdded p) {
                w.put("products", p.productId(), JsonNodeFactory.instance.objectNode().put("name", p.name()));
            } else if (event instanceof OrderPlaced o) {
                List<OrderSummary.Item> items = new ArrayList<>();
                for (OrderLine l : o.lines()) {
                    String name = w.get("products", l.productId()).map(d -> d.get("name").asText()).orElse("?");
                    items.add(new OrderSummary.Item(l.productId(), name, l.quantity(), l.unitPrice(), l.amount()));
                }
                String customer = w.get("customers", o.customerId()).map(d -> d.get("name").asText()).orElse("?");
                w.put("orders", o.orderId(), new OrderSummary(o.orderId(), o.customerId(), customer, items, o.total(), "PLACED"));
            } else {
                String orderId = orderIdOf(event);
                String status = statusOf(event);
                w.get("orders", orderId, OrderSummary.class).ifPresent(s -> w.put("orders", orderId, s.withStatus(status)));
            }
        });
    }

    /** One document per customer in collection {@code history}: name and orders (id, total, status), oldest first. */
    public static Projection<DocumentWriter> customerOrders() {
        return Projection.of(CUSTOMER_ORDERS, filter("CustomerRegistered", "OrderPlaced", "OrderPaid", "OrderShipped",
                "OrderCancelled"), (recorded, w) -> {
            ShopEvent event = CODEC.decode(recorded);
            if (event instanceof CustomerRegistered c) {
                ObjectNode doc = JsonNodeFactory.instance.objectNode().put("customerId", c.customerId()).put("name", c.name());
                doc.putArray("orders");
                w.put("history", c.customerId(), doc);
            } else if (event instanceof OrderPlaced o) {
                w.put("order-customer", o.orderId(), JsonNodeFactory.instance.objectNode().put("customerId", o.customerId()));
                w.get("history", o.customerId()).ifPresent(doc -> {
                    ((ArrayNode) doc.get("orders")).addObject().put("orderId", o.orderId()).put("total", o.total())
                            .put("status", "PLACED");
                    w.put("history", o.customerId(), doc);
                });
            } else {
                String orderId = orderIdOf(event);
                w.get("order-customer", orderId).map(d -> d.get("customerId").asText())
                        .flatMap(customerId -> w.get("history", customerId)).ifPresent(doc -> {
                            for (var o : doc.get("orders")) {
                                if (o.get("orderId").asText().equals(orderId)) {
                                    ((ObjectNode) o).put("status", statusOf(event));
                                }
                            }
                            w.put("history", doc.get("customerId").asText(), doc);
                        });
            }
        });
    }

    /** Units and revenue per product in the PostgreSQL table {@code product_sales}: ordered minus cancelled. */
    public static Projection<SqlWriter> productSales() {
        String upsert = "INSERT INTO product_sales (product_id, product_name, units, revenue) VALUES (?, ?, ?, ?) "
                + "ON CONFLICT (product_id) DO UPDATE SET units = product_sales.units + EXCLUDED.units, "
                + "revenue = product_sales.revenue + EXCLUDED.revenue";
        return Projection.<SqlWriter>of(PRODUCT_SALES, filter("ProductAdded", "OrderPlaced", "OrderCancelled"), (recorded, w) -> {
            ShopEvent event = CODEC.decode(recorded);
            if (event instanceof ProductAdded p) {
                w.execute("INSERT INTO product_sales (product_id, product_name, units, revenue) VALUES (?, ?, 0, 0) "
                        + "ON CONFLICT (product_id) DO UPDATE SET product_name = EXCLUDED.product_name", p.productId(), p.name());
            } else if (event instanceof OrderPlaced o) {
                for (OrderLine l : o.lines()) {
                    w.execute(upsert, l.productId(), "?", (long) l.quantity(), l.amount());
                }
            } else if (event instanceof OrderCancelled c) {
                for (OrderLine l : c.lines()) {
                    w.execute(upsert, l.productId(), "?", (long) -l.quantity(), l.amount().negate());
                }
            }
        }, w -> w.execute("DELETE FROM product_sales")).withSetup(w -> w.execute(CREATE_SALES_TABLE));
    }

    /** The {@code product_sales} table; {@link #productSales()} creates it in its slot when set up. */
    static final String CREATE_SALES_TABLE = "CREATE TABLE IF NOT EXISTS product_sales (product_id TEXT PRIMARY KEY, "
            + "product_name TEXT NOT NULL, units BIGINT NOT NULL, revenue NUMERIC(19, 2) NOT NULL)";

    /** Creates the {@code product_sales} table in the connection's schema if missing (for a shared-schema store). */
    public static void createSalesTable(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute(CREATE_SALES_TABLE);
        }
    }

    private static String orderIdOf(ShopEvent event) {
        if (event instanceof OrderPaid p) {
            return p.orderId();
        }
        if (event instanceof OrderShipped s) {
            return s.orderId();
        }
        return ((OrderCancelled) event).orderId();
    }

    private static String statusOf(ShopEvent event) {
        return event instanceof OrderPaid ? "PAID" : event instanceof OrderShipped ? "SHIPPED" : "CANCELLED";
    }
}
