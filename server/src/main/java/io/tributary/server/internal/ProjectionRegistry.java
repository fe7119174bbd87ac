package io.tributary.server.internal;

import io.tributary.cqrs.ProjectionStatus;
import io.tributary.server.ServedProjection;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The projections a server exposes, by name (in name order), with their JSON views for
 * {@code /projections}. Thread-safe: projections may be added while requests are served.
 */
public final class ProjectionRegistry implements AutoCloseable {
    private final ServedByName<ServedProjection> served = new ServedByName<>("projection");
    private final ServerMetrics metrics;

    /** Creates an empty registry whose projections are reported through {@code metrics}. */
    public ProjectionRegistry(ServerMetrics metrics) {
        this.metrics = metrics;
    }

    /**
     * Adds a projection.
     *
     * @throws IllegalArgumentException when one of that name is already there
     */
    public void add(ServedProjection projection) {
        served.add(projection.name(), projection);
        metrics.projection(projection);
    }

    Optional<ServedProjection> find(String name) {
        return served.find(name);
    }

    ServedProjection get(String name) {
        return find(name).orElseThrow(() -> ApiException.notFound("no projection named '" + name + "'; GET /projections lists them"));
    }

    List<Map<String, Object>> views() {
        List<Map<String, Object>> list = new ArrayList<>();
        for (ServedProjection p : served.all()) {
            list.add(view(p.runner().status()));
        }
        return list;
    }

    /**
     * A projection as {@code GET /projections} shows it: the contract's fields ({@code name},
     * {@code status}, {@code position}, {@code lag}, {@code eventsPerSecond}, {@code error} when
     * there is one) and, as extensions, the rest of {@link ProjectionStatus}.
     */
    static Map<String, Object> view(ProjectionStatus s) {
        Map<String, Object> view = HttpApi.obj("name", s.name(), "status", status(s.state()), "position", s.position(),
                "lag", s.lagEvents(), "eventsPerSecond", Math.round(s.eventsPerSecond() * 10) / 10.0);
        s.lastError().ifPresent(e -> view.put("error", e));
        view.put("lagMs", s.lagMs());
        view.put("checkpoint", s.checkpoint());
        view.put("headPosition", s.headPosition());
        view.put("eventsApplied", s.eventsApplied());
        view.put("eventsParked", s.eventsParked());
        view.put("slot", s.slot());
        return view;
    }

    /** {@code catching_up}, {@code live}, {@code retrying}, {@code rebuilding} or {@code stopped}. */
    static String status(ProjectionStatus.State state) {
        return state.name().toLowerCase(Locale.ROOT);
    }

    /** Closes every runner (each one's read model and checkpoint stay as committed). */
    @Override
    public void close() {
        served.closeAll(p -> p.runner().close());
    }

}
