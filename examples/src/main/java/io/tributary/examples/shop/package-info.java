/**
 * The seed's e-commerce order as CQRS on Tributary: the write side ({@link io.tributary.examples.shop.Shop},
 * {@link io.tributary.examples.shop.ShopService}) validates commands against customers, products
 * (stock, prices) and orders (placed → paid → shipped, or cancelled); the read side
 * ({@link io.tributary.examples.shop.ShopProjections}) keeps three read models of the same events.
 * {@link io.tributary.examples.shop.ShopExample} runs the tour.
 */
package io.tributary.examples.shop;
