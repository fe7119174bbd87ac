/**
 * The Tributary server: the HTTP/JSON API of {@code ../shared/HTTP-API.md} with Server-Sent Events
 * and Prometheus metrics on an embedded store ({@link io.tributary.server.TributaryServer}), and
 * the {@code tributary} executable ({@link io.tributary.server.TributaryCli}). The implementation
 * lives in {@code io.tributary.server.internal}, which is not an API.
 */
package io.tributary.server;
