package io.tributary.cdc.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.cdc.CdcException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The JSON both capture paths store their positions in (PostgreSQL's {@link OffsetState}, the MySQL
 * binlog position): snapshot progress per table and segments are the same; only the source position
 * differs, and is written and read by the caller's functions.
 */
public final class OffsetJson {
    private OffsetJson() {
    }

    /** A segment as stored: {@code point} is the source position, written by the caller. */
    public record Segment<P>(String table, List<String> afterKey, P point) {
    }

    /** Writes {@code "tables"} and {@code "segments"} of a snapshot into {@code snapshot}. */
    public static <P> void putProgress(ObjectNode snapshot, List<OffsetState.TableProgress> tables, List<Segment<P>> segments,
                                       BiConsumer<ObjectNode, P> putPoint) {
        ArrayNode t = snapshot.putArray("tables");
        for (OffsetState.TableProgress p : tables) {
            ObjectNode n = t.addObject().put("table", p.table()).put("done", p.done()).put("rows", p.rows());
            p.lastKey().forEach(n.putArray("lastKey")::add);
        }
        ArrayNode s = snapshot.putArray("segments");
        for (Segment<P> g : segments) {
            ObjectNode n = s.addObject().put("table", g.table());
            putPoint.accept(n, g.point());
            g.afterKey().forEach(n.putArray("afterKey")::add);
        }
    }

    /** Reads the {@code "tables"} of a snapshot. */
    public static List<OffsetState.TableProgress> tables(JsonNode snapshot) {
        List<OffsetState.TableProgress> out = new ArrayList<>();
        for (JsonNode t : snapshot.get("tables")) {
            out.add(new OffsetState.TableProgress(t.get("table").asText(), strings(t.get("lastKey")), t.get("done").asBoolean(),
                    t.get("rows").asLong()));
        }
        return out;
    }

    /** Reads the {@code "segments"} of a snapshot; {@code point} reads a segment's source position from its node. */
    public static <P> List<Segment<P>> segments(JsonNode snapshot, Function<JsonNode, P> point) {
        List<Segment<P>> out = new ArrayList<>();
        for (JsonNode g : snapshot.get("segments")) {
            out.add(new Segment<>(g.get("table").asText(), strings(g.get("afterKey")), point.apply(g)));
        }
        return out;
    }

    /** Encodes {@code o}. */
    public static byte[] bytes(ObjectMapper mapper, ObjectNode o) {
        try {
            return mapper.writeValueAsBytes(o);
        } catch (IOException e) {
            throw new CdcException("cannot encode position", e);
        }
    }

    /**
     * Decodes a position with {@code read}; anything unreadable becomes a {@link CdcException} saying the
     * offset stream holds an unreadable {@code what}.
     */
    public static <T> T read(ObjectMapper mapper, byte[] json, String what, Function<JsonNode, T> read) {
        try {
            return read.apply(mapper.readTree(json));
        } catch (IOException | RuntimeException e) {
            throw new CdcException("the connector's offset stream holds an unreadable " + what + ": " + e.getMessage(), e);
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array != null) {
            array.forEach(n -> out.add(n.isNull() ? null : n.asText()));
        }
        return out;
    }
}
