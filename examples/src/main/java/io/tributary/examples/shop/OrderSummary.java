package io.tributary.examples.shop;

import java.math.BigDecimal;
import java.util.List;

/**
 * The denormalised order document of the seed: everything a page shows, in one read.
 *
 * @param orderId      the order
 * @param customerId   the customer
 * @param customerName the customer's name, copied from the customer stream
 * @param items        the lines, with product names
 * @param total        the order total
 * @param status       PLACED, PAID, SHIPPED or CANCELLED
 */
public record OrderSummary(String orderId, String customerId, String customerName, List<Item> items, BigDecimal total,
                           String status) {
    /** Copies the items. */
    public OrderSummary {
        items = List.copyOf(items);
    }

    /**
     * One line of the summary.
     *
     * @param productId   the product
     * @param productName its name, copied from the product stream
     * @param quantity    how many
     * @param unitPrice   the price per unit
     * @param lineTotal   quantity times unit price
     */
    public record Item(String productId, String productName, int quantity, BigDecimal unitPrice, BigDecimal lineTotal) {
    }

    OrderSummary withStatus(String next) {
        return new OrderSummary(orderId, customerId, customerName, items, total, next);
    }
}
