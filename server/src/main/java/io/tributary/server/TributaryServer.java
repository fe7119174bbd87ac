package io.tributary.server;

import io.tributary.cdc.CdcCapture;
import io.tributary.server.internal.HttpApi;
import io.tributary.server.internal.ProcessorRegistry;
import io.tributary.server.internal.ProjectionRegistry;
import io.tributary.server.internal.ServerMetrics;
import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.StoreConfig;
import io.tributary.store.Tributary;
import java.net.URI;

/**
 * A running Tributary server: an embedded store behind the HTTP API of {@code HTTP-API.md}.
 * {@link #start(ServerConfig)} returns once the server accepts requests; {@link #close()} stops
 * it gracefully (no new requests, appends in flight finish, SSE streams end, served projections
 * stop, served stream processors and projections stop, the store closes). Projections and stream
 * processors running on {@link #store()} are exposed over HTTP with {@link #serve(ServedProjection)}
 * and {@link #serve(ServedProcessor)}; event-sourced aggregates, read-only with time travel and
 * audit trails, with {@link #serve(ServedAggregate)}. Thread-safe.
 */
public final class TributaryServer implements AutoCloseable {
    private final EmbeddedEventStore store;
    private final ServerMetrics metrics;
    private final HttpApi api;
    private final ProjectionRegistry projections;
    private final ProcessorRegistry processors;
    private final ServerConfig config;
    private final int port;
    private boolean closed;

    private TributaryServer(ServerConfig config, EmbeddedEventStore store, ServerMetrics metrics,
                            ProjectionRegistry projections, ProcessorRegistry processors, HttpApi api, int port) {
        this.config = config;
        this.store = store;
        this.metrics = metrics;
        this.projections = projections;
        this.processors = processors;
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
            ProjectionRegistry projections = new ProjectionRegistry(metrics);
            ProcessorRegistry processors = new ProcessorRegistry(metrics);
            HttpApi api = new HttpApi(store, config, metrics, projections, processors);
            int port = api.start();
            return new TributaryServer(config, store, metrics, projections, processors, api, port);
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

    /**
     * Exposes a projection under {@code /projections/{name}} (status, reset, state by key with
     * read-your-writes) and as Prometheus gauges (position, lag, rate). The projection must run
     * on {@link #store()}; from now on the server owns its runner and closes it, before the store,
     * when the server closes. Returns this server.
     *
     * @throws IllegalArgumentException when a projection of that name is already served
     * @throws IllegalStateException    when the server is closed
     */
    public synchronized TributaryServer serve(ServedProjection projection) {
        if (closed) {
            throw new IllegalStateException("the server is closed");
        }
        projections.add(projection);
        return this;
    }

    /**
     * Exposes a running CDC capture under {@code /cdc} (status, source position, lag, snapshot
     * progress) and as Prometheus gauges. The capture must append to {@link #store()}; from now on
     * the server owns it and stops it, before the store, when the server closes. Returns this
     * server.
     *
     * @throws IllegalArgumentException when a capture of that name is already served
     * @throws IllegalStateException    when the server is closed
     */
    public synchronized TributaryServer serve(CdcCapture capture) {
        if (closed) {
            throw new IllegalStateException("the server is closed");
        }
        api.cdc().add(capture);
        return this;
    }

    /**
     * Exposes a stream processor under {@code /processors/{name}} (status; state stores by key, see
     * {@link ServedProcessor} for how values are written as JSON) and as Prometheus gauges (input
     * position, lag, watermark, late events, rate). The processor must run on {@link #store()}; from
     * now on the server owns it and closes it, before the store, when the server closes. Returns
     * this server.
     *
     * @throws IllegalArgumentException when a processor of that name is already served
     * @throws IllegalStateException    when the server is closed
     */
    public synchronized TributaryServer serve(ServedProcessor processor) {
        if (closed) {
            throw new IllegalStateException("the server is closed");
        }
        processors.add(processor);
        return this;
    }

    /**
     * Exposes an event-sourced aggregate read-only under {@code /aggregates/{name}}: the state of an
     * instance now ({@code GET /aggregates/{name}/{id}}), at a version ({@code ?version=n}) or as of
     * an instant ({@code ?asOf=2026-11-28T10:15:30Z}), and its audit trail, each event with the
     * state right after it ({@code GET /aggregates/{name}/{id}/audit}). The repository must work on
     * {@link #store()}. Returns this server.
     *
     * @throws IllegalArgumentException when an aggregate of that name is already served
     * @throws IllegalStateException    when the server is closed
     */
    public synchronized TributaryServer serve(ServedAggregate<?, ?> aggregate) {
        if (closed) {
            throw new IllegalStateException("the server is closed");
        }
        api.aggregates().add(aggregate);
        return this;
    }

    /** Stops gracefully, stops the served CDC captures, processors and projections, then closes the store. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            api.stop();
        } finally {
            try {
                api.cdc().close(); // captures append to the store: stop them before it closes
            } finally {
                try {
                    processors.close();
                } finally {
                    try {
                        projections.close();
                    } finally {
                        metrics.close();
                        store.close();
                    }
                }
            }
        }
    }
}
