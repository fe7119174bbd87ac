package io.tributary.cdc.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.cdc.CdcException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A connector's durable position, the data of each {@code CdcPosition} event in its offset
 * stream, appended atomically with the changes it covers.
 *
 * @param lsn          every source transaction committed at or before this LSN is in the log
 * @param partial      a large transaction appended in chunks, not yet complete; null when none
 * @param snapshot     the initial snapshot's progress; null when no snapshot was taken
 * @param lagMs        commit-to-append time of the newest transaction (for status)
 */
public record OffsetState(long lsn, Partial partial, Snapshot snapshot, long lagMs) {

    /**
     * A transaction appended in chunks.
     *
     * @param commitLsn  its commit LSN
     * @param eventsDone how many of its events are in the log
     */
    public record Partial(long commitLsn, long eventsDone) {
    }

    /**
     * Snapshot progress.
     *
     * @param slotPoint the slot's consistent point: streaming starts here
     * @param tables    per table, how far it has been copied
     * @param segments  which key ranges were read at which snapshot point (more than one after a crash)
     * @param done      whether every table is copied
     */
    public record Snapshot(long slotPoint, List<TableProgress> tables, List<Segment> segments, boolean done) {
        /** Copies. */
        public Snapshot {
            tables = List.copyOf(tables);
            segments = List.copyOf(segments);
        }

        /** Rows copied so far. */
        public long rowsDone() {
            return tables.stream().mapToLong(TableProgress::rows).sum();
        }
    }

    /**
     * A table's snapshot progress.
     *
     * @param table   {@code schema.table}
     * @param lastKey the text values of the last copied key, empty before the first chunk
     * @param done    whether it is copied
     * @param rows    rows copied
     */
    public record TableProgress(String table, List<String> lastKey, boolean done, long rows) {
        /** Copies. */
        public TableProgress {
            lastKey = List.copyOf(lastKey);
        }
    }

    /**
     * Rows of {@code table} with a key after {@code afterKey} (all rows when empty) were read in a snapshot
     * taken at {@code point}, up to the next segment of the table.
     *
     * @param table    {@code schema.table}
     * @param afterKey exclusive lower bound, text values
     * @param point    the snapshot's LSN: changes committed before it are in the rows read
     */
    public record Segment(String table, List<String> afterKey, long point) {
        /** Copies. */
        public Segment {
            afterKey = List.copyOf(afterKey);
        }
    }

    /** The state of a connector that has appended nothing. */
    public static OffsetState empty() {
        return new OffsetState(0, null, null, 0);
    }

    /** This state at a new position, with no partial transaction. */
    public OffsetState at(long newLsn, long newLagMs) {
        return new OffsetState(newLsn, null, snapshot, newLagMs);
    }

    /** Whether streaming may run (no snapshot, or a finished one). */
    public boolean snapshotDone() {
        return snapshot == null || snapshot.done();
    }

    /** Encodes as JSON. */
    public byte[] toJson(ObjectMapper mapper) {
        ObjectNode o = mapper.createObjectNode();
        o.put("lsn", Lsn.format(lsn));
        o.put("lagMs", lagMs);
        if (partial != null) {
            o.putObject("partial").put("commitLsn", Lsn.format(partial.commitLsn())).put("eventsDone", partial.eventsDone());
        }
        if (snapshot != null) {
            ObjectNode s = o.putObject("snapshot");
            s.put("slotPoint", Lsn.format(snapshot.slotPoint()));
            s.put("done", snapshot.done());
            ArrayNode tables = s.putArray("tables");
            for (TableProgress t : snapshot.tables()) {
                ObjectNode n = tables.addObject().put("table", t.table()).put("done", t.done()).put("rows", t.rows());
                t.lastKey().forEach(n.putArray("lastKey")::add);
            }
            ArrayNode segments = s.putArray("segments");
            for (Segment g : snapshot.segments()) {
                ObjectNode n = segments.addObject().put("table", g.table()).put("point", Lsn.format(g.point()));
                g.afterKey().forEach(n.putArray("afterKey")::add);
            }
        }
        try {
            return mapper.writeValueAsBytes(o);
        } catch (IOException e) {
            throw new CdcException("cannot encode position", e);
        }
    }

    /** Decodes the JSON of a {@code CdcPosition} event. */
    public static OffsetState fromJson(ObjectMapper mapper, byte[] json) {
        try {
            JsonNode o = mapper.readTree(json);
            Partial partial = null;
            if (o.hasNonNull("partial")) {
                partial = new Partial(Lsn.parse(o.get("partial").get("commitLsn").asText()), o.get("partial").get("eventsDone").asLong());
            }
            Snapshot snapshot = null;
            if (o.hasNonNull("snapshot")) {
                JsonNode s = o.get("snapshot");
                List<TableProgress> tables = new ArrayList<>();
                for (JsonNode t : s.get("tables")) {
                    tables.add(new TableProgress(t.get("table").asText(), strings(t.get("lastKey")), t.get("done").asBoolean(),
                            t.get("rows").asLong()));
                }
                List<Segment> segments = new ArrayList<>();
                for (JsonNode g : s.get("segments")) {
                    segments.add(new Segment(g.get("table").asText(), strings(g.get("afterKey")), Lsn.parse(g.get("point").asText())));
                }
                snapshot = new Snapshot(Lsn.parse(s.get("slotPoint").asText()), tables, segments, s.get("done").asBoolean());
            }
            return new OffsetState(Lsn.parse(o.get("lsn").asText()), partial, snapshot, o.path("lagMs").asLong());
        } catch (IOException | RuntimeException e) {
            throw new CdcException("the connector's offset stream holds an unreadable position: " + e.getMessage(), e);
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
