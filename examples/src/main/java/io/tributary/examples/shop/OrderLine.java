package io.tributary.examples.shop;

import java.math.BigDecimal;

/**
 * One line of an order as the customer saw it: a product, a quantity and the unit price quoted.
 *
 * @param productId the product
 * @param quantity  how many, at least 1
 * @param unitPrice the price per unit quoted to the customer; the order is refused if it changed
 */
public record OrderLine(String productId, int quantity, BigDecimal unitPrice) {
    /** The line's amount. */
    public BigDecimal amount() {
        return unitPrice.multiply(BigDecimal.valueOf(quantity));
    }
}
