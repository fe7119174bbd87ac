package io.tributary.server.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.tributary.core.AppendResult;
import io.tributary.core.Direction;
import io.tributary.core.EventData;
import io.tributary.core.ExpectedVersion;
import io.tributary.core.ListStreamsRequest;
import io.tributary.core.MultiAppendResult;
import io.tributary.core.ReadFilter;
import io.tributary.core.ReadSlice;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StreamAppend;
import io.tributary.core.StreamInfo;
import io.tributary.core.StreamName;
import io.tributary.core.StreamNotFoundException;
import io.tributary.server.ServerConfig;
import io.tributary.store.EmbeddedEventStore;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API of {@code HTTP-API.md} on Javalin: routes, validation, the mapping of store
 * results to status codes and bodies, bearer-token authentication and graceful shutdown.
 *
 * <p>Handlers block their request thread on the store's future, so a {@code 201} is sent only
 * once the append is durable; concurrent requests still share one fsync (the store's group
 * commit). Writes hold the read side of a lock that shutdown takes exclusively: once shutdown
 * starts, new writes get {@code 503} and the ones in flight finish before the store closes.
 */
public final class HttpApi {
    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
    private static final String JSON = "application/json; charset=utf-8";
    private final EmbeddedEventStore store;
    private final ServerConfig config;
    private final ServerMetrics metrics;
    private final ProjectionRegistry projections;
    private final ProcessorRegistry processors;
    private final StorageSize storageSize;
    private final CdcRegistry cdc;
    private final AggregateRoutes aggregates;
    private final long startedNanos = System.nanoTime();
    private final byte[] expectedAuthorization;
    private final SseFrameCache sseFrames = new SseFrameCache();
    private final SseHub sseHub;
    private final ReentrantReadWriteLock writes = new ReentrantReadWriteLock();
    private final Javalin app;
    private volatile boolean stopping;

    /** The event-sourced aggregates served under {@code /aggregates}. */
    public AggregateRoutes aggregates() {
        return aggregates;
    }

    /** The CDC captures served under {@code /cdc}. */
    public CdcRegistry cdc() {
        return cdc;
    }

    /**
     * Creates the API on {@code store} with the projections of {@code projections} and the stream
     * processors of {@code processors}; call {@link #start()} to listen.
     */
    public HttpApi(EmbeddedEventStore store, ServerConfig config, ServerMetrics metrics, ProjectionRegistry projections,
                   ProcessorRegistry processors) {
        this.store = store;
        this.config = config;
        this.metrics = metrics;
        this.projections = projections;
        this.processors = processors;
        this.storageSize = new StorageSize(config.dataDirectory());
        this.cdc = new CdcRegistry(metrics);
        this.aggregates = new AggregateRoutes(store);
        this.sseHub = new SseHub(store, config.heartbeatIntervalMs());
        this.expectedAuthorization = config.authToken()
                .map(t -> ("Bearer " + t).getBytes(StandardCharsets.UTF_8)).orElse(null);
        this.app = Javalin.create(c -> {
            c.showJavalinBanner = false;
            c.http.disableCompression();
            c.http.asyncTimeout = 0L; // SSE streams are async requests that last as long as the client stays
            c.router.ignoreTrailingSlashes = true;
            c.jetty.modifyServer(server -> server.setErrorHandler(new JsonBadMessageHandler()));
        });
        routes();
    }

    /** Starts listening; returns the bound port. */
    public int start() {
        try {
            app.start(config.bindAddress(), config.port());
        } catch (RuntimeException e) {
            sseHub.close(0);
            throw e;
        }
        return app.port();
    }

    /**
     * Graceful stop: refuses new writes, waits up to the shutdown timeout for writes in flight,
     * ends SSE subscriptions and stops the HTTP server. The caller closes the store afterwards.
     */
    public void stop() {
        stopping = true;
        boolean drained = false;
        try {
            drained = writes.writeLock().tryLock(config.shutdownTimeoutMs(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!drained) {
            LOG.warn("shutdown: appends still in flight after {} ms; stopping anyway", config.shutdownTimeoutMs());
        }
        sseHub.close(Math.min(2_000, config.shutdownTimeoutMs()));
        for (SseStream s : metrics.subscriptions()) {
            s.close();
        }
        app.stop();
    }

    private void routes() {
        app.before(this::authenticate);
        app.exception(HttpResponseException.class, (e, ctx) -> error(ctx, ErrorResponses.toApi(e)));
        app.exception(Exception.class, (e, ctx) -> error(ctx, ErrorResponses.toApi(e)));
        app.error(404, ctx -> {
            if (ctx.resultInputStream() == null) {
                error(ctx, ApiException.notFound("no endpoint " + ctx.method() + " " + ctx.path()
                        + "; see HTTP-API.md for the endpoints"));
            }
        });
        app.get("/health", ctx -> json(ctx, 200, obj("status", "up", "headPosition", store.headPosition())));
        app.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
        app.get("/stats", this::stats);
        app.post("/streams", this::appendAll);
        app.get("/streams", this::listStreams);
        app.post("/streams/{stream}", this::append);
        app.get("/streams/{stream}", this::readStream);
        app.delete("/streams/{stream}", this::delete);
        app.get("/streams/{stream}/metadata", this::getMetadata);
        app.put("/streams/{stream}/metadata", this::putMetadata);
        app.get("/all", this::readAll);
        app.get("/subscribe/all", this::subscribeAll);
        app.get("/subscribe/streams/{stream}", this::subscribeStream);
        new ProjectionRoutes(projections, () -> stopping).register(app);
        new ProcessorRoutes(processors, store, () -> stopping).register(app);
        cdc.register(app);
        aggregates.register(app);
        ConsoleAssets.register(app);
    }

    private void authenticate(Context ctx) {
        if (expectedAuthorization == null || ctx.path().equals("/health") || ConsoleAssets.isConsolePath(ctx.path())) {
            return;
        }
        String given = ctx.header("Authorization");
        boolean ok = given != null
                && MessageDigest.isEqual(expectedAuthorization, given.getBytes(StandardCharsets.UTF_8));
        if (!ok) {
            ctx.header("WWW-Authenticate", "Bearer");
            throw ApiException.unauthorized(given == null
                    ? "this server requires 'Authorization: Bearer <token>'"
                    : "the bearer token is not valid");
        }
    }

    /** {@code GET /stats} (an extension for the console): the store's counters and the data directory's size. */
    private void stats(Context ctx) {
        io.tributary.store.StoreStats s = store.stats();
        json(ctx, 200, obj("headPosition", s.headPosition(), "appendsCompleted", s.appendsCompleted(),
                "eventsAppended", s.eventsAppended(), "bytesWritten", s.bytesWritten(), "segments", s.segments(),
                "storageBytes", storageSize.bytes(), "subscriptions", metrics.subscriptions().size(),
                "uptimeMs", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos)));
    }

    // ---- writes ----

    private void append(Context ctx) {
        long start = System.nanoTime();
        StreamName stream = EventRequests.streamName(ctx.pathParam("stream"));
        ExpectedVersion expected = EventRequests.expectedVersion(Params.single(ctx, "expectedVersion").orElse("any"));
        byte[] body = body(ctx);
        List<EventData> events = EventRequests.events(Json.parse(body), "the body");
        AppendResult r = write(() -> store.append(stream, expected, events).join());
        metrics.appendAccepted(start, body.length);
        json(ctx, 201, obj("stream", r.stream().value(), "firstVersion", r.firstVersion(),
                "lastVersion", r.lastVersion(), "position", r.position()));
    }

    private void appendAll(Context ctx) {
        long start = System.nanoTime();
        byte[] body = body(ctx);
        List<StreamAppend> appends = EventRequests.appends(Json.parse(body));
        MultiAppendResult r = write(() -> store.appendAll(appends).join());
        metrics.appendAccepted(start, body.length);
        List<Object> results = new ArrayList<>();
        for (AppendResult a : r.results()) {
            results.add(obj("stream", a.stream().value(), "firstVersion", a.firstVersion(), "lastVersion", a.lastVersion()));
        }
        json(ctx, 201, obj("results", results, "position", r.position()));
    }

    private void delete(Context ctx) {
        StreamName stream = EventRequests.streamName(ctx.pathParam("stream"));
        boolean hard = Params.bool(ctx, "hard");
        ExpectedVersion expected = EventRequests.expectedVersion(Params.single(ctx, "expectedVersion").orElse("any"));
        write(() -> store.deleteStream(stream, expected, hard).join());
        ctx.status(204);
    }

    private void putMetadata(Context ctx) {
        StreamName stream = EventRequests.streamName(ctx.pathParam("stream"));
        io.tributary.core.StreamMetadata metadata = StreamMetadataJson.parse(Json.parse(body(ctx)));
        write(() -> store.setStreamMetadata(stream, metadata).join());
        json(ctx, 200, StreamMetadataJson.toJson(metadata));
    }

    private <T> T write(Supplier<T> operation) {
        if (stopping || !writes.readLock().tryLock()) {
            throw ApiException.unavailable("the server is shutting down; retry against another instance or later");
        }
        try {
            if (stopping) {
                throw ApiException.unavailable("the server is shutting down; retry against another instance or later");
            }
            return operation.get();
        } finally {
            writes.readLock().unlock();
        }
    }

    /** The request body, at most the request limit: over it is a 413 and nothing is parsed. */
    private byte[] body(Context ctx) {
        int limit = config.maxRequestBytes();
        long declared = ctx.req().getContentLengthLong();
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] body = declared > limit ? null : in.readNBytes(limit + 1);
            if (body == null || body.length > limit) {
                // Drain a bounded amount so the client gets the 413 rather than a reset connection.
                long drained = 0;
                byte[] sink = new byte[64 * 1024];
                int n;
                while (drained < 2L * limit && (n = in.read(sink)) > 0) {
                    drained += n;
                }
                throw ApiException.tooLarge("the request body is " + (declared > 0 ? declared + " bytes" : "larger than the limit")
                        + ", over the request limit of " + limit + " bytes; split it into smaller requests");
            }
            return body;
        } catch (IOException e) {
            throw ApiException.badRequest("the request body could not be read: " + e.getMessage());
        }
    }

    // ---- reads ----

    private void readStream(Context ctx) throws IOException {
        StreamName stream = EventRequests.streamName(ctx.pathParam("stream"));
        Direction direction = Params.direction(ctx);
        long from = Params.from(ctx, direction);
        int limit = Params.limit(ctx);
        ReadSlice slice = store.readStream(stream, from, limit, direction);
        long lastVersion = store.streamInfo(stream).map(StreamInfo::lastVersion).orElse(-1L);
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        try (JsonGenerator g = Json.generator(out)) {
            g.writeStartObject();
            g.writeStringField("stream", stream.value());
            writeEvents(g, slice.events());
            g.writeNumberField("lastVersion", lastVersion);
            writeNext(g, slice);
            g.writeEndObject();
        }
        json(ctx, 200, out.toByteArray());
    }

    private void readAll(Context ctx) throws IOException {
        Direction direction = Params.direction(ctx);
        long from = Params.from(ctx, direction);
        int limit = Params.limit(ctx);
        ReadSlice slice = store.readAll(from, limit, direction, filter(ctx));
        long head = store.headPosition();
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        try (JsonGenerator g = Json.generator(out)) {
            g.writeStartObject();
            writeEvents(g, slice.events());
            writeNext(g, slice);
            g.writeNumberField("headPosition", head);
            g.writeEndObject();
        }
        json(ctx, 200, out.toByteArray());
    }

    private void listStreams(Context ctx) {
        Optional<String> category = Params.single(ctx, "category");
        if (category.isPresent() && category.get().isEmpty()) {
            throw ApiException.badRequest("category must not be empty");
        }
        String prefix = Params.single(ctx, "prefix").orElse("");
        Optional<String> after = Params.single(ctx, "after");
        int limit = Params.limit(ctx);
        List<StreamInfo> streams = store.listStreams(new ListStreamsRequest(category, prefix, after, limit));
        List<Object> list = new ArrayList<>(streams.size());
        for (StreamInfo s : streams) {
            list.add(obj("stream", s.stream().value(), "lastVersion", s.lastVersion(), "lastPosition", s.lastPosition()));
        }
        Object next = streams.size() == limit ? streams.get(streams.size() - 1).stream().value() : null;
        json(ctx, 200, obj("streams", list, "next", next));
    }

    private void getMetadata(Context ctx) {
        StreamName stream = EventRequests.streamName(ctx.pathParam("stream"));
        json(ctx, 200, StreamMetadataJson.toJson(store.getStreamMetadata(stream)));
    }

    private static ReadFilter filter(Context ctx) {
        return new ReadFilter(new HashSet<>(ctx.queryParams("category")), ctx.queryParams("streamPrefix"),
                new HashSet<>(ctx.queryParams("type")));
    }

    private static void writeEvents(JsonGenerator g, List<RecordedEvent> events) throws IOException {
        g.writeArrayFieldStart("events");
        for (RecordedEvent e : events) {
            Json.writeEvent(g, e);
        }
        g.writeEndArray();
    }

    private static void writeNext(JsonGenerator g, ReadSlice slice) throws IOException {
        if (slice.next().isPresent()) {
            g.writeNumberField("next", slice.next().getAsLong());
        } else {
            g.writeNullField("next");
        }
    }

    // ---- subscriptions ----

    private void subscribeAll(Context ctx) {
        ReadFilter filter = filter(ctx);
        long from = resumePosition(ctx).orElseGet(() -> Params.single(ctx, "from")
                .map(t -> Params.nonNegative("from", t)).orElseGet(() -> store.headPosition() + 1));
        stream(ctx, new SseStream(store.subscribeToAll(from, filter), sseFrames, ReadFilter.all(), -1,
                config.heartbeatIntervalMs(), from - 1));
    }

    private void subscribeStream(Context ctx) {
        StreamName stream = EventRequests.streamName(ctx.pathParam("stream"));
        ReadFilter filter = filter(ctx);
        try {
            store.readStream(stream, 0, 1, Direction.FORWARD);   // a tombstoned stream is a 410 now, not mid-stream
        } catch (StreamNotFoundException notYet) {
            // A subscription may wait for a stream that does not exist yet.
        }
        Optional<Long> resume = resumePosition(ctx);
        long fromVersion;
        long skipThrough = -1;
        if (resume.isPresent()) {
            long after = resume.get() - 1;
            ReadSlice at = store.readAll(after, 1, Direction.FORWARD, ReadFilter.all());
            if (!at.events().isEmpty() && at.events().get(0).position() == after
                    && at.events().get(0).stream().equals(stream)) {
                fromVersion = at.events().get(0).version() + 1;
            } else {
                // The resume point is gone (scavenged) or not of this stream: replay and skip up to it.
                fromVersion = 0;
                skipThrough = after;
            }
        } else {
            fromVersion = Params.single(ctx, "from").map(t -> Params.nonNegative("from", t))
                    .orElseGet(() -> store.streamInfo(stream).map(i -> i.lastVersion() + 1).orElse(0L));
        }
        stream(ctx, new SseStream(store.subscribeToStream(stream, fromVersion), sseFrames, filter, skipThrough,
                config.heartbeatIntervalMs(), store.headPosition()));
    }

    /** The position after {@code Last-Event-ID}, if the client sent one. */
    private static Optional<Long> resumePosition(Context ctx) {
        String id = ctx.header("Last-Event-ID");
        if (id == null || id.isBlank()) {
            return Optional.empty();
        }
        long last = Params.nonNegative("Last-Event-ID", id.trim());
        if (last == Long.MAX_VALUE) {
            throw ApiException.badRequest("Last-Event-ID is out of range");
        }
        return Optional.of(last + 1);
    }

    /**
     * Streams without holding a request thread: the request goes async (Javalin's future), the
     * stream writes with non-blocking I/O on the SSE hub's pool, and the request completes when
     * the stream ends.
     */
    private void stream(Context ctx, SseStream sse) {
        if (stopping) {
            sse.close();
            throw ApiException.unavailable("the server is shutting down");
        }
        HttpServletResponse res = ctx.res();
        res.setStatus(200);
        res.setContentType("text/event-stream");
        res.setCharacterEncoding("UTF-8");
        res.setHeader("Cache-Control", "no-cache");
        res.setHeader("X-Accel-Buffering", "no");
        ctx.future(() -> {
            metrics.opened(sse);
            try {
                sse.start(res.getOutputStream(), sseHub.pool(), store::headPosition, () -> metrics.closed(sse));
            } catch (IOException | RuntimeException e) {
                LOG.debug("SSE client went away before the stream started", e);
                metrics.closed(sse);
                sse.close();
                return CompletableFuture.completedFuture(null);
            }
            sseHub.add(sse);
            if (stopping) {
                sse.close();
            }
            return sse.finished();
        });
    }

    // ---- responses ----

    private void error(Context ctx, ApiException e) {
        if (ctx.res().isCommitted()) {
            return;   // an SSE stream already started; nothing more can be said
        }
        if (ctx.method().name().equals("POST") && ctx.path().startsWith("/streams")) {
            metrics.appendRejected();
        }
        json(ctx, e.status(), Json.error(e));
    }

    static void json(Context ctx, int status, Object body) {
        json(ctx, status, Json.bytes(body));
    }

    private static void json(Context ctx, int status, byte[] body) {
        ctx.status(status).contentType(JSON).result(body);
    }

    /** An ordered JSON object from alternating keys and values (null values are written as null). */
    static Map<String, Object> obj(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
