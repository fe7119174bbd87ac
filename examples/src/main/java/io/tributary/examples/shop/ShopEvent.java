package io.tributary.examples.shop;

import java.math.BigDecimal;
import java.util.List;

/** The shop's events: the normalised write side, one stream per customer, product and order. */
public sealed interface ShopEvent {

    /** A customer registered. */
    record CustomerRegistered(String customerId, String name) implements ShopEvent {
    }

    /** A product joined the catalogue. */
    record ProductAdded(String productId, String name, BigDecimal price, int stock) implements ShopEvent {
    }

    /** Units were taken out of stock for an order. */
    record StockReserved(String productId, String orderId, int quantity) implements ShopEvent {
    }

    /** Units of a cancelled order went back into stock. */
    record StockReleased(String productId, String orderId, int quantity) implements ShopEvent {
    }

    /** An order was placed. */
    record OrderPlaced(String orderId, String customerId, List<OrderLine> lines, BigDecimal total) implements ShopEvent {
        /** Copies the lines. */
        public OrderPlaced {
            lines = List.copyOf(lines);
        }
    }

    /** An order was paid. */
    record OrderPaid(String orderId, BigDecimal amount) implements ShopEvent {
    }

    /** An order was shipped. */
    record OrderShipped(String orderId) implements ShopEvent {
    }

    /** An order was cancelled; its lines are the units given back. */
    record OrderCancelled(String orderId, String reason, List<OrderLine> lines) implements ShopEvent {
        /** Copies the lines. */
        public OrderCancelled {
            lines = List.copyOf(lines);
        }
    }
}
