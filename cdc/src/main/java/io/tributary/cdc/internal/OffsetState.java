package io.tributary.cdc.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
public record OffsetState(long lsn, Partial partial, Snapshot snapshot, long lagMs) implements LogWriter.Position {

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

    /**
     * A snapshot's tables brought in line with the tables captured now (PostgreSQL's and MySQL's): those still captured
     * keep their progress, in order; new ones follow, not yet copied.
     *
     * @param tables  the resulting list
     * @param added   the tables new to it
     * @param removed the tables no longer captured
     */
    public record Reconciled(List<TableProgress> tables, List<String> added, List<String> removed) {
        /** Reconciles {@code before} with {@code now} ({@code schema.table} names). */
        public static Reconciled of(List<TableProgress> before, java.util.Collection<String> now) {
            java.util.Set<String> captured = new java.util.LinkedHashSet<>(now);
            List<TableProgress> tables = new java.util.ArrayList<>();
            List<String> removed = new java.util.ArrayList<>();
            java.util.Set<String> known = new java.util.HashSet<>();
            for (TableProgress t : before) {
                if (captured.contains(t.table())) {
                    tables.add(t);
                    known.add(t.table());
                } else {
                    removed.add(t.table());
                }
            }
            List<String> added = captured.stream().filter(t -> !known.contains(t)).toList();
            for (String t : added) {
                tables.add(new TableProgress(t, List.of(), false, 0));
            }
            return new Reconciled(tables, added, removed);
        }

        /** Whether anything was added or removed. */
        public boolean changed() {
            return !added.isEmpty() || !removed.isEmpty();
        }

        /** Why {@link #removed} cannot go while a transaction is half appended, for {@code capture}. */
        public String refusalWhileHalfAppended(String capture) {
            return capture + " has a transaction half appended to the log (larger than one append), and " + removed
                    + (removed.size() == 1 ? " is" : " are") + " no longer captured: the rest of that transaction is found by"
                    + " counting its captured changes, which would then count differently. Start it once with the tables it"
                    + " had until the transaction is complete (it is, once the capture streams past it), then remove them";
        }
    }

    /** This position with snapshot progress {@code s} (lag reset): what each snapshot step records. */
    public OffsetState withSnapshot(Snapshot s) {
        return new OffsetState(lsn, partial, s, 0);
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
    @Override
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
            OffsetJson.putProgress(s, snapshot.tables(), snapshot.segments().stream()
                    .map(g -> new OffsetJson.Segment<>(g.table(), g.afterKey(), g.point())).toList(),
                    (n, point) -> n.put("point", Lsn.format(point)));
        }
        return OffsetJson.bytes(mapper, o);
    }

    /** Decodes the JSON of a {@code CdcPosition} event. */
    public static OffsetState fromJson(ObjectMapper mapper, byte[] json) {
        return OffsetJson.read(mapper, json, "position", o -> {
            Partial partial = null;
            if (o.hasNonNull("partial")) {
                partial = new Partial(Lsn.parse(o.get("partial").get("commitLsn").asText()), o.get("partial").get("eventsDone").asLong());
            }
            Snapshot snapshot = null;
            if (o.hasNonNull("snapshot")) {
                JsonNode s = o.get("snapshot");
                List<Segment> segments = OffsetJson.segments(s, g -> Lsn.parse(g.get("point").asText())).stream()
                        .map(g -> new Segment(g.table(), g.afterKey(), g.point())).toList();
                snapshot = new Snapshot(Lsn.parse(s.get("slotPoint").asText()), OffsetJson.tables(s), segments,
                        s.get("done").asBoolean());
            }
            return new OffsetState(Lsn.parse(o.get("lsn").asText()), partial, snapshot, o.path("lagMs").asLong());
        });
    }

    /** The position of a chunk of the transaction committed at {@code commitLsn}, for {@link LogWriter#beginTx}. */
    public static LogWriter.PartialPosition<OffsetState> partialAt(long commitLsn) {
        return (st, done) -> new OffsetState(st.lsn(), new Partial(commitLsn, done), st.snapshot(), st.lagMs());
    }
}
