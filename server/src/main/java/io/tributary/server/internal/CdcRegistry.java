package io.tributary.server.internal;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.tributary.cdc.CdcStatus;
import io.tributary.cdc.CdcCapture;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The CDC captures a server runs, by name, with their JSON views for {@code GET /cdc} and
 * {@code GET /cdc/{name}}. Thread-safe: captures may be added while requests are served.
 */
public final class CdcRegistry implements AutoCloseable {
    private final ServedByName<CdcCapture> served = new ServedByName<>("CDC source");
    private final ServerMetrics metrics;

    /** Creates an empty registry whose captures are reported through {@code metrics}. */
    public CdcRegistry(ServerMetrics metrics) {
        this.metrics = metrics;
    }

    /**
     * Adds a running capture; the registry closes it on {@link #close()}.
     *
     * @throws IllegalArgumentException when a capture of that name is already there
     */
    public void add(CdcCapture capture) {
        served.add(capture.status().name(), capture);
        metrics.cdc(capture);
    }

    void register(Javalin app) {
        app.get("/cdc", ctx -> HttpApi.json(ctx, 200, views()));
        app.get("/cdc/{name}", this::one);
    }

    private void one(Context ctx) {
        String name = ctx.pathParam("name");
        CdcCapture capture = served.find(name)
                .orElseThrow(() -> ApiException.notFound("no CDC source named '" + name + "'; GET /cdc lists them"));
        HttpApi.json(ctx, 200, view(capture.status()));
    }

    List<Map<String, Object>> views() {
        List<Map<String, Object>> list = new ArrayList<>();
        for (CdcCapture c : served.all()) {
            list.add(view(c.status()));
        }
        return list;
    }

    /**
     * A capture as {@code GET /cdc} shows it: {@code name}, {@code kind} ({@code postgres} or {@code mysql}),
     * {@code status} (starting, snapshotting, streaming, restarting, stopped, failed), {@code sourcePosition}
     * (the LSN up to which every change is durable in the log), {@code lagMs}, {@code snapshot}
     * ({@code tables}, {@code rowsDone}, {@code done}) and {@code error} when it failed (or, restarting, why it lost its source).
     */
    static Map<String, Object> view(CdcStatus s) {
        Map<String, Object> view = HttpApi.obj("name", s.name(), "kind", "postgresql".equals(s.kind()) ? "postgres" : s.kind(),
                "status", s.status().name().toLowerCase(Locale.ROOT), "sourcePosition", s.sourcePosition(),
                "lagMs", s.lagMs(), "snapshot", HttpApi.obj("tables", s.snapshot().tables(),
                        "rowsDone", s.snapshot().rowsDone(), "done", s.snapshot().done()));
        s.lastError().ifPresent(e -> view.put("error", e));
        return view;
    }

    /** Stops every capture (what is appended stays; each resumes from its recorded position when restarted). */
    @Override
    public void close() {
        served.closeAll(CdcCapture::close);
    }

}
