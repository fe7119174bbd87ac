package io.tributary.server;

import io.tributary.server.internal.HttpApi;
import io.tributary.server.internal.ServerMetrics;
import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.StoreConfig;
import io.tributary.store.Tributary;
import java.net.URI;

/**
 * A running Tributary server: an embedded store behind the HTTP API of {@code HTTP-API.md}.
 * {@link #start(ServerConfig)} returns once the server accepts requests; {@link #close()} stops
 * it gracefully (no new requests, appends in flight finish, SSE streams end, the store closes).
 * Thread-safe.
 */
public final class TributaryServer implements AutoCloseable {
    private final EmbeddedEventStore store;
    private final ServerMetrics metrics;
    private final HttpApi api;
    private final ServerConfig config;
    private final int port;
    private boolean closed;

    private TributaryServer(ServerConfig config, EmbeddedEventStore store, ServerMetrics metrics, HttpApi api, int port) {
        this.config = config;
        this.store = store;
        this.metrics = metrics;
        this.api = api;
        this.port = port;
    }

    /**
     * Opens the store in the configured data directory and starts listening.
     *
     * @throws io.tributary.store.DataDirectoryLockedException if another process uses the directory
     * @throws RuntimeException if the port cannot be bound; the store is closed again
     */
    public static TributaryServer start(ServerConfig config) {
        EmbeddedEventStore store = Tributary.open(StoreConfig.builder(config.dataDirectory())
                .durability(config.durability())
                .maxEventBytes(config.maxEventBytes())
                .maxRequestBytes(config.maxRequestBytes())
                .build());
        ServerMetrics metrics = null;
        try {
            metrics = new ServerMetrics(store);
            HttpApi api = new HttpApi(store, config, metrics);
            int port = api.start();
            return new TributaryServer(config, store, metrics, api, port);
        } catch (RuntimeException e) {
            if (metrics != null) {
                metrics.close();
            }
            store.close();
            throw e;
        }
    }

    /** The port the server listens on (the chosen one when configured with 0). */
    public int port() {
        return port;
    }

    /** The base URI, for example {@code http://127.0.0.1:7070}. */
    public URI uri() {
        String host = config.bindAddress().contains(":") ? "[" + config.bindAddress() + "]" : config.bindAddress();
        return URI.create("http://" + host + ":" + port);
    }

    /** The store the server runs on, for embedding code next to the server. */
    public EmbeddedEventStore store() {
        return store;
    }

    /** Stops gracefully and closes the store. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            api.stop();
        } finally {
            metrics.close();
            store.close();
        }
    }
}
