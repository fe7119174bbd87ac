package io.tributary.server.internal;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.tributary.cqrs.ProjectionStatus;
import io.tributary.cqrs.ProjectionTimeoutException;
import io.tributary.server.ServedProjection;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * {@code /projections}: the list and status of served projections, reset, and a read-model
 * document by key with read-your-writes ({@code atLeast}, {@code timeoutMs}).
 */
final class ProjectionRoutes {
    static final long DEFAULT_TIMEOUT_MS = 5_000;
    static final long MAX_TIMEOUT_MS = 60_000;
    /** A wait is cut into slices this long so that a shutdown does not wait for it. */
    private static final long WAIT_SLICE_MS = 200;
    private final ProjectionRegistry registry;
    private final BooleanSupplier stopping;

    ProjectionRoutes(ProjectionRegistry registry, BooleanSupplier stopping) {
        this.registry = registry;
        this.stopping = stopping;
    }

    void register(Javalin app) {
        app.get("/projections", ctx -> HttpApi.json(ctx, 200, registry.views()));
        app.get("/projections/{name}", ctx ->
                HttpApi.json(ctx, 200, ProjectionRegistry.view(registry.get(ctx.pathParam("name")).runner().status())));
        app.post("/projections/{name}/reset", this::reset);
        app.get("/projections/{name}/state/{key}", this::state);
    }

    private void reset(Context ctx) {
        ServedProjection p = registry.get(ctx.pathParam("name"));
        if (stopping.getAsBoolean()) {
            throw ApiException.unavailable("the server is shutting down");
        }
        try {
            p.runner().reset();
        } catch (IllegalStateException closed) {
            throw ApiException.unavailable("projection '" + p.name() + "' is not running: " + closed.getMessage());
        }
        // The rebuild goes on in the background: 202, with the status as it is now.
        HttpApi.json(ctx, 202, ProjectionRegistry.view(p.runner().status()));
    }

    private void state(Context ctx) {
        Optional<Long> atLeast = Params.single(ctx, "atLeast").map(t -> Params.nonNegative("atLeast", t));
        long timeoutMs = Params.single(ctx, "timeoutMs").map(t -> Params.nonNegative("timeoutMs", t)).orElse(DEFAULT_TIMEOUT_MS);
        if (timeoutMs > MAX_TIMEOUT_MS) {
            throw ApiException.badRequest("timeoutMs must be at most " + MAX_TIMEOUT_MS + ", got " + timeoutMs);
        }
        ServedProjection p = registry.get(ctx.pathParam("name"));
        String key = ctx.pathParam("key");
        if (atLeast.isPresent()) {
            await(p, atLeast.get(), timeoutMs);
        }
        Object document = p.lookup().find(key).orElseThrow(() -> new ApiException(404, "not_found",
                "projection '" + p.name() + "' has no state for key '" + key + "'", Map.of("projection", p.name(), "key", key)));
        HttpApi.json(ctx, 200, document);
    }

    private void await(ServedProjection p, long position, long timeoutMs) {
        long deadline = System.nanoTime() + Duration.ofMillis(timeoutMs).toNanos();
        while (true) {
            long remainingMs = Math.max(0, Duration.ofNanos(deadline - System.nanoTime()).toMillis());
            try {
                p.runner().awaitPosition(position, Duration.ofMillis(Math.min(remainingMs, WAIT_SLICE_MS)));
                return;
            } catch (ProjectionTimeoutException e) {
                boolean stopped = p.runner().status().state() == ProjectionStatus.State.STOPPED;
                if (remainingMs <= WAIT_SLICE_MS || stopped) {
                    throw new ApiException(409, "not_caught_up", e.getMessage() + "; retry later or with a larger timeoutMs",
                            Map.of("position", e.reached(), "atLeast", position));
                }
                if (stopping.getAsBoolean()) {
                    throw ApiException.unavailable("the server is shutting down");
                }
            }
        }
    }
}
