package io.tributary.cdc.internal.mysql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.cdc.internal.LogWriter;
import io.tributary.cdc.internal.OffsetJson;
import io.tributary.cdc.internal.OffsetState.TableProgress;
import java.util.List;

/**
 * A MySQL/MariaDB connector's durable position, the data of each {@code CdcPosition} event in its
 * offset stream, appended atomically with the changes it covers.
 *
 * @param position where streaming resumes: the end of the last transaction in the log (its commit event)
 * @param serverId the {@code server_id} of the server whose binlog {@code position} is of (0: not recorded)
 * @param partial  a large transaction appended in chunks, not yet complete; null when none
 * @param snapshot the initial snapshot's progress; null when no snapshot was taken
 * @param lagMs    commit-to-append time of the newest transaction (for status)
 */
public record MySqlOffset(BinlogPosition position, long serverId, Partial partial, Snapshot snapshot, long lagMs)
        implements LogWriter.Position {

    /**
     * A transaction appended in chunks.
     *
     * @param begin      where the transaction starts in the binlog (its GTID or BEGIN event)
     * @param gtid       the transaction's GTID, empty when it has none: how it is found on another server
     * @param eventsDone how many of its events are in the log
     */
    public record Partial(BinlogPosition begin, String gtid, long eventsDone) {
        /** Validates. */
        public Partial {
            if (gtid == null) {
                throw new IllegalArgumentException("gtid must not be null (empty when unknown)");
            }
        }
    }

    /**
     * Snapshot progress.
     *
     * @param point    the binlog position consistent with the snapshot: streaming starts here
     * @param tables   per table, how far it has been copied
     * @param segments which key ranges were read at which binlog position (more than one after a crash)
     * @param done     whether every table is copied
     */
    public record Snapshot(BinlogPosition point, List<TableProgress> tables, List<Segment> segments, boolean done) {
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
     * Rows of {@code table} with a key after {@code afterKey} (all rows when empty) were read in a
     * snapshot consistent with binlog position {@code point}, up to the next segment of the table.
     *
     * @param table    {@code db.table}
     * @param afterKey exclusive lower bound, key text forms
     * @param point    transactions ending at or before it are in the rows read
     */
    public record Segment(String table, List<String> afterKey, BinlogPosition point) {
        /** Copies. */
        public Segment {
            afterKey = List.copyOf(afterKey);
        }
    }

    /**
     * This state at a new position in the binlog of server {@code newServerId}. A transaction being appended in chunks
     * ({@code partial}) stays recorded: transactions recorded before it arrives again (after a restart, those between
     * the stored position and it) must not drop its progress; {@link #withoutPartial} once it is complete.
     */
    public MySqlOffset at(BinlogPosition newPosition, long newServerId, long newLagMs) {
        return new MySqlOffset(newPosition, newServerId, partial, snapshot, newLagMs);
    }

    /** This state with no transaction in chunks: the one it recorded is complete. */
    public MySqlOffset withoutPartial() {
        return new MySqlOffset(position, serverId, null, snapshot, lagMs);
    }

    /** Whether {@code partial} is the transaction with GTID {@code gtid} (when both have one), or beginning at {@code begin}. */
    static boolean isPartial(Partial p, BinlogPosition begin, String gtid) {
        if (p == null) {
            return false;
        }
        if (!p.gtid().isEmpty()) {
            return p.gtid().equals(gtid);
        }
        return p.begin().file().equals(begin.file()) && p.begin().pos() == begin.pos();
    }

    /** Whether streaming may run (no snapshot, or a finished one). */
    public boolean snapshotDone() {
        return snapshot == null || snapshot.done();
    }

    /** Encodes as JSON. */
    @Override
    public byte[] toJson(ObjectMapper mapper) {
        ObjectNode o = mapper.createObjectNode();
        ObjectNode binlog = o.putObject("binlog");
        put(binlog, position);
        if (serverId != 0) {
            binlog.put("serverId", serverId);
        }
        o.put("lagMs", lagMs);
        if (partial != null) {
            ObjectNode p = o.putObject("partial");
            put(p.putObject("begin"), partial.begin());
            if (!partial.gtid().isEmpty()) {
                p.put("gtid", partial.gtid());
            }
            p.put("eventsDone", partial.eventsDone());
        }
        if (snapshot != null) {
            ObjectNode s = o.putObject("snapshot");
            put(s.putObject("point"), snapshot.point());
            s.put("done", snapshot.done());
            OffsetJson.putProgress(s, snapshot.tables(), snapshot.segments().stream()
                    .map(g -> new OffsetJson.Segment<>(g.table(), g.afterKey(), g.point())).toList(),
                    (n, point) -> put(n.putObject("point"), point));
        }
        return OffsetJson.bytes(mapper, o);
    }

    private static void put(ObjectNode o, BinlogPosition p) {
        o.put("file", p.file()).put("pos", p.pos());
        if (!p.gtid().isEmpty()) {
            o.put("gtid", p.gtid());
        }
    }

    private static BinlogPosition position(JsonNode o) {
        return new BinlogPosition(o.get("file").asText(), o.get("pos").asLong(), o.path("gtid").asText(""));
    }

    /** Decodes the JSON of a {@code CdcPosition} event. */
    public static MySqlOffset fromJson(ObjectMapper mapper, byte[] json) {
        return OffsetJson.read(mapper, json, "MySQL position", o -> {
            Partial partial = null;
            if (o.hasNonNull("partial")) {
                JsonNode p = o.get("partial");
                partial = new Partial(position(p.get("begin")), p.path("gtid").asText(""), p.get("eventsDone").asLong());
            }
            Snapshot snapshot = null;
            if (o.hasNonNull("snapshot")) {
                JsonNode s = o.get("snapshot");
                List<Segment> segments = OffsetJson.segments(s, g -> position(g.get("point"))).stream()
                        .map(g -> new Segment(g.table(), g.afterKey(), g.point())).toList();
                snapshot = new Snapshot(position(s.get("point")), OffsetJson.tables(s), segments, s.get("done").asBoolean());
            }
            return new MySqlOffset(position(o.get("binlog")), o.get("binlog").path("serverId").asLong(0), partial, snapshot,
                    o.path("lagMs").asLong());
        });
    }

    /** The position of a chunk of the transaction {@code gtid} beginning at {@code begin}, for {@link LogWriter#beginTx}. */
    static LogWriter.PartialPosition<MySqlOffset> partialAt(BinlogPosition begin, String gtid) {
        return (st, done) -> new MySqlOffset(st.position(), st.serverId(), new Partial(begin, gtid, done), st.snapshot(), st.lagMs());
    }
}
