package io.tributary.examples.shop;

import java.math.BigDecimal;
import java.util.List;

/** The state of one shop stream: nothing yet, a customer, a product or an order. */
public sealed interface ShopState {

    /** A stream with no events. */
    record Nothing() implements ShopState {
    }

    /** A registered customer. */
    record Customer(String customerId, String name) implements ShopState {
    }

    /** A product with its current price and stock. */
    record Product(String productId, String name, BigDecimal price, int stock) implements ShopState {
    }

    /** An order and where it is in its life: placed, then paid, then shipped; or cancelled. */
    record Order(String orderId, String customerId, List<OrderLine> lines, BigDecimal total, Status status) implements ShopState {
        /** Copies the lines. */
        public Order {
            lines = List.copyOf(lines);
        }

        Order with(Status next) {
            return new Order(orderId, customerId, lines, total, next);
        }
    }

    /** The order state machine: PLACED → PAID → SHIPPED, and PLACED or PAID → CANCELLED. */
    enum Status { PLACED, PAID, SHIPPED, CANCELLED }
}
