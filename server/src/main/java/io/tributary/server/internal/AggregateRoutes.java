package io.tributary.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.tributary.core.EventStore;
import io.tributary.core.StreamInfo;
import io.tributary.core.StreamName;
import io.tributary.eventsourcing.AggregateState;
import io.tributary.eventsourcing.AuditEntry;
import io.tributary.eventsourcing.EventDecodingException;
import io.tributary.server.ServedAggregate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /aggregates}: the served event-sourced aggregates (an extension of {@code HTTP-API.md}):
 * the list, the state of one instance now, at a version or as of an instant, and its audit trail.
 * Read-only: commands go through the application's own API. Thread-safe: aggregates may be added
 * while requests are served.
 */
public final class AggregateRoutes {
    private final ServedByName<ServedAggregate<?, ?>> served = new ServedByName<>("aggregate");
    private final EventStore store;

    /** Routes over {@code store}, serving no aggregate yet. */
    public AggregateRoutes(EventStore store) {
        this.store = store;
    }

    /**
     * Serves {@code aggregate}.
     *
     * @throws IllegalArgumentException when one of that name is already served
     */
    public void add(ServedAggregate<?, ?> aggregate) {
        served.add(aggregate.name(), aggregate);
    }

    void register(Javalin app) {
        app.get("/aggregates", ctx -> {
            List<Object> list = new ArrayList<>();
            for (ServedAggregate<?, ?> a : served.all()) {
                list.add(describe(a));
            }
            HttpApi.json(ctx, 200, list);
        });
        app.get("/aggregates/{name}", ctx -> HttpApi.json(ctx, 200, describe(get(ctx.pathParam("name")))));
        app.get("/aggregates/{name}/{id}", ctx -> decoding(() -> state(ctx, get(ctx.pathParam("name")))));
        app.get("/aggregates/{name}/{id}/audit", ctx -> decoding(() -> audit(ctx, get(ctx.pathParam("name")))));
    }

    /** An event the aggregate's codec cannot read (written by someone else into its category) is a 422 that names it. */
    private static void decoding(Runnable handler) {
        try {
            handler.run();
        } catch (EventDecodingException e) {
            throw new ApiException(422, "not_decodable", e.getMessage()
                    + "; the stream holds an event this aggregate's codec does not read", Map.of());
        }
    }

    private ServedAggregate<?, ?> get(String name) {
        return served.find(name).orElseThrow(() ->
                ApiException.notFound("no aggregate named '" + name + "'; GET /aggregates lists them"));
    }

    private static Map<String, Object> describe(ServedAggregate<?, ?> a) {
        return HttpApi.obj("name", a.name(), "category", a.category(), "eventTypes", a.codec().typeNames().stream().sorted().toList());
    }

    private <S, E> void state(Context ctx, ServedAggregate<S, E> a) {
        Optional<String> versionText = Params.single(ctx, "version");
        Optional<String> asOfText = Params.single(ctx, "asOf");
        if (versionText.isPresent() && asOfText.isPresent()) {
            throw ApiException.badRequest("give either version or asOf, not both");
        }
        Optional<Long> version = versionText.map(t -> Params.nonNegative("version", t));
        Optional<Instant> asOf = asOfText.map(AggregateRoutes::instant);
        String id = ctx.pathParam("id");
        StreamName stream = existing(a, id);
        AggregateState<S> s = version.isPresent() ? a.repository().loadAtVersion(stream, version.get())
                : asOf.isPresent() ? a.repository().loadAsOf(stream, asOf.get())
                : a.repository().load(stream);
        Map<String, Object> body = HttpApi.obj("aggregate", a.name(), "id", id, "stream", stream.value(),
                "version", s.version(), "position", s.position());
        version.ifPresent(v -> body.put("requestedVersion", v));
        asOf.ifPresent(t -> body.put("asOf", Json.TIMESTAMP.format(t)));
        body.put("stateType", s.state() == null ? null : s.state().getClass().getSimpleName());
        body.put("state", toJson(s.state()));
        HttpApi.json(ctx, 200, body);
    }

    private <S, E> void audit(Context ctx, ServedAggregate<S, E> a) {
        long from = Params.single(ctx, "from").map(t -> Params.nonNegative("from", t)).orElse(0L);
        int limit = Params.limit(ctx);
        String id = ctx.pathParam("id");
        StreamName stream = existing(a, id);
        List<AuditEntry<S, E>> trail = a.repository().auditTrail(stream);
        List<Object> entries = new ArrayList<>();
        Object next = null;
        for (AuditEntry<S, E> e : trail) {
            if (e.version() < from) {
                continue;
            }
            if (entries.size() == limit) {
                next = e.version();
                break;
            }
            @SuppressWarnings("unchecked")
            Class<? extends E> type = (Class<? extends E>) e.event().getClass();
            entries.add(HttpApi.obj("version", e.version(), "position", e.position(),
                    "timestamp", Json.TIMESTAMP.format(e.timestamp()), "eventId", e.eventId().toString(),
                    "type", a.codec().typeName(type), "event", eventJson(a, e.event()),
                    "stateType", e.stateAfter() == null ? null : e.stateAfter().getClass().getSimpleName(), "state", toJson(e.stateAfter())));
        }
        long lastVersion = trail.isEmpty() ? -1 : trail.get(trail.size() - 1).version();
        HttpApi.json(ctx, 200, HttpApi.obj("aggregate", a.name(), "id", id, "stream", stream.value(),
                "lastVersion", lastVersion, "entries", entries, "next", next));
    }

    /** The instance's stream; a 404 when it has no events (a soft-deleted stream reads as absent too). */
    private StreamName existing(ServedAggregate<?, ?> a, String id) {
        if (id.isBlank()) {
            throw ApiException.badRequest("the id must not be blank");
        }
        String problem = StreamName.problem(a.category() + "-" + id);
        if (problem != null) {
            throw ApiException.badRequest("id '" + id + "' does not make a valid stream name: " + problem);
        }
        StreamName stream = a.stream(id);
        Optional<StreamInfo> info = store.streamInfo(stream);
        if (info.isEmpty() || info.get().lastVersion() < 0) {
            throw new ApiException(404, "not_found", "aggregate '" + a.name() + "' has no instance '" + id
                    + "' (the stream " + stream.value() + " has no events)", Map.of("aggregate", a.name(), "id", id));
        }
        return stream;
    }

    private static Instant instant(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("asOf must be an ISO-8601 instant in UTC such as 2026-11-28T10:15:30.123Z, got '"
                    + text + "'");
        }
    }

    private static <E> JsonNode eventJson(ServedAggregate<?, E> a, E event) {
        try {
            return Json.MAPPER.readTree(a.codec().encode(event).data());
        } catch (IOException e) {
            throw new UncheckedIOException("the codec wrote an event that is not JSON", e);
        }
    }

    /** A state as JSON (Jackson); what Jackson cannot write is shown as its text. */
    private static JsonNode toJson(Object value) {
        try {
            return Json.MAPPER.valueToTree(value);
        } catch (IllegalArgumentException e) {
            return TextNode.valueOf(String.valueOf(value));
        }
    }
}
