package io.tributary.examples.shop;

import java.math.BigDecimal;
import java.util.List;

/** The shop's commands: customers, products (stock and prices) and orders. */
public sealed interface ShopCommand {

    /** Registers a customer ({@code customer-<id>}). */
    record RegisterCustomer(String customerId, String name) implements ShopCommand {
    }

    /** Adds a product to the catalogue with its price and initial stock ({@code product-<id>}). */
    record AddProduct(String productId, String name, BigDecimal price, int stock) implements ShopCommand {
    }

    /** Takes units out of stock for an order, at the quoted price (part of placing an order). */
    record ReserveStock(String productId, String orderId, int quantity, BigDecimal quotedPrice) implements ShopCommand {
    }

    /** Puts units of a cancelled order back into stock. */
    record ReleaseStock(String productId, String orderId, int quantity) implements ShopCommand {
    }

    /** Places an order ({@code order-<id>}); the handler reserves the stock of every line atomically with it. */
    record PlaceOrder(String orderId, String customerId, List<OrderLine> lines) implements ShopCommand {
        /** Copies the lines. */
        public PlaceOrder {
            lines = List.copyOf(lines);
        }
    }

    /** Pays a placed order; the amount must be its total. */
    record PayOrder(String orderId, BigDecimal amount) implements ShopCommand {
    }

    /** Ships a paid order. */
    record ShipOrder(String orderId) implements ShopCommand {
    }

    /** Cancels a placed or paid order; the handler releases its stock atomically with it. */
    record CancelOrder(String orderId, String reason) implements ShopCommand {
    }
}
