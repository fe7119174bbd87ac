package io.tributary.cdc.internal.mysql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.cdc.internal.LogWriter;
import io.tributary.cdc.internal.OffsetJson;
import io.tributary.cdc.internal.OffsetState.TableProgress;
import java.util.ArrayList;
import java.util.List;

/**
 * A MySQL/MariaDB connector's durable position, the data of each {@code CdcPosition} event in its
 * offset stream, appended atomically with the changes it covers.
 *
 * @param position where streaming resumes: the end of the last transaction in the log (its commit event)
 * @param serverId the {@code server_id} of the server whose binlog {@code position} is of (0: not recorded)
 * @param partials large transactions appended in chunks, not yet complete: at most one per GTID domain (several only
 *                 after a failover to a server whose binlog interleaves the domains differently), empty when none
 * @param snapshot the initial snapshot's progress; null when no snapshot was taken
 * @param lagMs    commit-to-append time of the newest transaction (for status)
 */
public record MySqlOffset(BinlogPosition position, long serverId, List<Partial> partials, Snapshot snapshot, long lagMs)
        implements LogWriter.Position {

    /** Copies. */
    public MySqlOffset {
        partials = partials == null ? List.of() : List.copyOf(partials);
    }

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

        /** Whether this is the transaction with GTID {@code gtid} (when both have one), or beginning at {@code at}. */
        boolean is(BinlogPosition at, String txGtid) {
            if (!gtid.isEmpty()) {
                return gtid.equals(txGtid);
            }
            return begin.file().equals(at.file()) && begin.pos() == at.pos();
        }

        /**
         * Whether a chunk of the transaction {@code txGtid} beginning at {@code at} replaces this entry: it is the same
         * transaction, or of the same GTID domain (a domain's transactions come in the same order from every server, so
         * an entry of its domain that is not this transaction cannot be pending), or either has no GTID (no failover is
         * allowed then: transactions come in binlog order and one at a time).
         */
        boolean replacedBy(BinlogPosition at, String txGtid) {
            if (is(at, txGtid) || gtid.isEmpty() || txGtid.isEmpty()) {
                return true;
            }
            List<MariaGtid> mine = MariaGtid.list(gtid);
            List<MariaGtid> theirs = MariaGtid.list(txGtid);
            return mine.size() != 1 || theirs.size() != 1 || mine.get(0).domain() == theirs.get(0).domain();
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
     * ({@code partials}) stays recorded: transactions recorded before it arrives again (after a restart, those between
     * the stored position and it, of any domain) must not drop its progress; {@link #without} once it is complete.
     */
    public MySqlOffset at(BinlogPosition newPosition, long newServerId, long newLagMs) {
        return new MySqlOffset(newPosition, newServerId, partials, snapshot, newLagMs);
    }

    /** This state without the transaction {@code gtid} beginning at {@code begin} in chunks: it is complete. */
    public MySqlOffset without(BinlogPosition begin, String gtid) {
        if (partial(begin, gtid) == null) {
            return this;
        }
        return new MySqlOffset(position, serverId, partials.stream().filter(p -> !p.is(begin, gtid)).toList(), snapshot, lagMs);
    }

    /** The transaction {@code gtid} beginning at {@code begin} if it is recorded in chunks, else null. */
    public Partial partial(BinlogPosition begin, String gtid) {
        for (Partial p : partials) {
            if (p.is(begin, gtid)) {
                return p;
            }
        }
        return null;
    }

    /** The MariaDB GTIDs of the transactions in chunks (those that have one). */
    List<MariaGtid> partialGtids() {
        List<MariaGtid> out = new ArrayList<>();
        for (Partial p : partials) {
            out.addAll(MariaGtid.list(p.gtid()));
        }
        return out;
    }

    /** This position with snapshot progress {@code s} (lag reset): what each snapshot step records. */
    public MySqlOffset withSnapshot(Snapshot s) {
        return new MySqlOffset(position, serverId, partials, s, 0);
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
        // One transaction in chunks is written as "partial" (as before several could be); more as "partials".
        if (partials.size() == 1) {
            putPartial(o.putObject("partial"), partials.get(0));
        } else if (partials.size() > 1) {
            ArrayNode a = o.putArray("partials");
            for (Partial p : partials) {
                putPartial(a.addObject(), p);
            }
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

    private static void putPartial(ObjectNode o, Partial partial) {
        put(o.putObject("begin"), partial.begin());
        if (!partial.gtid().isEmpty()) {
            o.put("gtid", partial.gtid());
        }
        o.put("eventsDone", partial.eventsDone());
    }

    private static Partial partial(JsonNode p) {
        return new Partial(position(p.get("begin")), p.path("gtid").asText(""), p.get("eventsDone").asLong());
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
            List<Partial> partials = new ArrayList<>();
            if (o.hasNonNull("partial")) {
                partials.add(partial(o.get("partial")));
            }
            for (JsonNode p : o.path("partials")) {
                partials.add(partial(p));
            }
            Snapshot snapshot = null;
            if (o.hasNonNull("snapshot")) {
                JsonNode s = o.get("snapshot");
                List<Segment> segments = OffsetJson.segments(s, g -> position(g.get("point"))).stream()
                        .map(g -> new Segment(g.table(), g.afterKey(), g.point())).toList();
                snapshot = new Snapshot(position(s.get("point")), OffsetJson.tables(s), segments, s.get("done").asBoolean());
            }
            return new MySqlOffset(position(o.get("binlog")), o.get("binlog").path("serverId").asLong(0), partials, snapshot,
                    o.path("lagMs").asLong());
        });
    }

    /**
     * The position of a chunk of the transaction {@code gtid} beginning at {@code begin}, for {@link LogWriter#beginTx}: its
     * progress in place of any entry it replaces ({@link Partial#replacedBy}), the others kept.
     */
    static LogWriter.PartialPosition<MySqlOffset> partialAt(BinlogPosition begin, String gtid) {
        return (st, done) -> {
            List<Partial> partials = new ArrayList<>();
            for (Partial p : st.partials()) {
                if (!p.replacedBy(begin, gtid)) {
                    partials.add(p);
                }
            }
            partials.add(new Partial(begin, gtid, done));
            return new MySqlOffset(st.position(), st.serverId(), partials, st.snapshot(), st.lagMs());
        };
    }
}
