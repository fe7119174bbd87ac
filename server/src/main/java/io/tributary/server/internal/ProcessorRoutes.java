package io.tributary.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.tributary.server.ServedProcessor;
import io.tributary.store.EmbeddedEventStore;
import io.tributary.streams.Window;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.function.BooleanSupplier;

/**
 * {@code /processors}: the list and status of served stream processors, and a state store
 * entry by key ({@code atLeast} waits until the processor has processed a log position).
 */
final class ProcessorRoutes {
    /** A wait is cut into slices this long so that a shutdown does not wait for it. */
    private static final long WAIT_SLICE_MS = 200;
    private final ProcessorRegistry registry;
    private final EmbeddedEventStore store;
    private final BooleanSupplier stopping;

    ProcessorRoutes(ProcessorRegistry registry, EmbeddedEventStore store, BooleanSupplier stopping) {
        this.registry = registry;
        this.store = store;
        this.stopping = stopping;
    }

    void register(Javalin app) {
        app.get("/processors", ctx -> HttpApi.json(ctx, 200, registry.views(store.headPosition())));
        app.get("/processors/{name}", ctx ->
                HttpApi.json(ctx, 200, ProcessorRegistry.view(registry.get(ctx.pathParam("name")), store.headPosition())));
        app.get("/processors/{name}/state/{store}/{key}", this::state);
    }

    private void state(Context ctx) {
        Optional<Long> atLeast = Params.single(ctx, "atLeast").map(t -> Params.nonNegative("atLeast", t));
        long timeoutMs = Params.single(ctx, "timeoutMs").map(t -> Params.nonNegative("timeoutMs", t))
                .orElse(ProjectionRoutes.DEFAULT_TIMEOUT_MS);
        if (timeoutMs > ProjectionRoutes.MAX_TIMEOUT_MS) {
            throw ApiException.badRequest("timeoutMs must be at most " + ProjectionRoutes.MAX_TIMEOUT_MS + ", got " + timeoutMs);
        }
        ServedProcessor p = registry.get(ctx.pathParam("name"));
        String storeName = ctx.pathParam("store");
        String key = ctx.pathParam("key");
        List<String> stores = p.processor().storeNames();
        if (!stores.contains(storeName)) {
            throw new ApiException(404, "not_found", "stream processor '" + p.name() + "' has no state store '" + storeName
                    + "'; its stores are " + stores, Map.of("processor", p.name(), "store", storeName, "stores", stores));
        }
        if (atLeast.isPresent()) {
            await(p, atLeast.get(), timeoutMs);
        }
        Object value = p.processor().queryByText(storeName, key).orElseThrow(() -> new ApiException(404, "not_found",
                "state store '" + storeName + "' of stream processor '" + p.name() + "' has no entry for key '" + key
                        + "' (windowed stores hold only open windows)",
                Map.of("processor", p.name(), "store", storeName, "key", key)));
        Map<String, Object> body = HttpApi.obj("processor", p.name(), "store", storeName, "key", key);
        if (value instanceof SortedMap<?, ?> windows && isWindows(windows)) {
            List<Object> list = new ArrayList<>();
            windows.forEach((w, v) -> {
                Window window = (Window) w;
                list.add(HttpApi.obj("start", Json.TIMESTAMP.format(Instant.ofEpochMilli(window.startMs())),
                        "end", Json.TIMESTAMP.format(Instant.ofEpochMilli(window.endMs())),
                        "startMs", window.startMs(), "endMs", window.endMs(), "value", toJson(v)));
            });
            body.put("windows", list);
        } else {
            body.put("value", toJson(value));
        }
        HttpApi.json(ctx, 200, body);
    }

    private static boolean isWindows(SortedMap<?, ?> map) {
        return !map.isEmpty() && map.firstKey() instanceof Window;
    }

    /** A state value as JSON (Jackson); what Jackson cannot write is shown as its text. */
    static JsonNode toJson(Object value) {
        try {
            return Json.MAPPER.valueToTree(value);
        } catch (IllegalArgumentException e) {
            return TextNode.valueOf(String.valueOf(value));
        }
    }

    private void await(ServedProcessor p, long position, long timeoutMs) {
        long deadline = System.nanoTime() + Duration.ofMillis(timeoutMs).toNanos();
        while (true) {
            long remainingMs = Math.max(0, Duration.ofNanos(deadline - System.nanoTime()).toMillis());
            boolean reached;
            try {
                reached = p.processor().awaitPosition(position, Duration.ofMillis(Math.min(remainingMs, WAIT_SLICE_MS)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw ApiException.unavailable("the server is shutting down");
            }
            if (reached) {
                return;
            }
            boolean running = p.processor().status().state() == io.tributary.streams.ProcessorStatus.State.RUNNING;
            if (remainingMs <= WAIT_SLICE_MS || !running) {
                long processed = p.processor().status().inputPosition();
                throw new ApiException(409, "not_caught_up", "stream processor '" + p.name() + "' has processed up to position "
                        + processed + ", not yet " + position + "; retry later or with a larger timeoutMs",
                        Map.of("position", processed, "atLeast", position));
            }
            if (stopping.getAsBoolean()) {
                throw ApiException.unavailable("the server is shutting down");
            }
        }
    }
}
