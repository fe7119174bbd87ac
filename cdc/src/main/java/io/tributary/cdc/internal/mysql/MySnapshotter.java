package io.tributary.cdc.internal.mysql;

import io.tributary.cdc.internal.LogWriter;
import io.tributary.cdc.internal.OffsetState;
import io.tributary.cdc.CdcException;
import io.tributary.cdc.MySqlSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the tables' rows inside a consistent snapshot ({@code START TRANSACTION WITH CONSISTENT
 * SNAPSHOT}), in primary-key order, in chunks of {@code snapshotChunkRows} (fewer when the rows read
 * reach {@code maxAppendBytes}); each chunk is one atomic append with the snapshot's progress (the last key per table), so a restarted capture
 * continues after the last appended chunk.
 */
final class MySnapshotter {
    private static final Logger LOG = LoggerFactory.getLogger(MySnapshotter.class);
    /** Snapshot restarts after a table definition change with no chunk appended in between, before giving up. */
    private static final int MAX_RETRIES = 10;
    private final MySqlSource source;
    private final MySchemas schemas;
    private final MyMapper mapper;
    private final LogWriter<MySqlOffset> log;
    private final Consumer<MySqlOffset> progress;
    private final long serverId;
    private final MySetup setup;
    private int failuresInARow;

    MySnapshotter(MySqlSource source, MySetup setup, MySchemas schemas, MyMapper mapper, LogWriter<MySqlOffset> log, long serverId,
                  Consumer<MySqlOffset> progress) {
        this.source = source;
        this.setup = setup;
        this.schemas = schemas;
        this.mapper = mapper;
        this.log = log;
        this.serverId = serverId;
        this.progress = progress;
    }

    /** See {@link #run}. */
    private long reading;

    /**
     * Reads every unfinished table on {@code snapshot} (in a consistent snapshot at {@code point}), then marks
     * the snapshot done. When a table's definition changed after the snapshot began (a DDL that rebuilt it, so
     * InnoDB refuses the older read view), the rest is read in a new consistent snapshot at a later point: a new
     * segment per unfinished table, as after a crash (no gap, no duplicate: see {@link MyGate}).
     */
    void run(Connection snapshot, BinlogPosition point, java.util.function.BooleanSupplier stopping) {
        // This reading's number for the rows' event ids: the offset stream's version when it began (each reading begins
        // with a position of its own). A reading at the same binlog point as an earlier one — a table selected again on
        // a server that wrote nothing since — must not repeat that one's ids.
        reading = log.offsetVersion();
        BinlogPosition at = point;
        while (true) {
            try {
                List<OffsetState.TableProgress> tables = log.state().snapshot().tables();
                for (int i = 0; i < tables.size(); i++) {
                    if (stopping.getAsBoolean()) {
                        return;
                    }
                    if (!log.state().snapshot().tables().get(i).done()) {
                        copy(snapshot, i, at, stopping);
                    }
                }
                snapshot.commit();
                break;
            } catch (SQLException e) {
                if (!definitionChanged(e) || stopping.getAsBoolean()) {
                    throw new CdcException("snapshot failed: " + e.getMessage(), e);
                }
                if (++failuresInARow > MAX_RETRIES) {
                    throw new CdcException("snapshot failed: " + failuresInARow + " times in a row a captured table's"
                            + " definition changed while the snapshot read it (last: " + e.getMessage() + "); avoid DDL on the"
                            + " captured tables during the initial snapshot and start the capture again (it resumes)", e);
                }
                at = restart(snapshot, e);
            }
        }
        if (stopping.getAsBoolean()) {
            return;
        }
        MySqlOffset st = log.state();
        MySqlOffset.Snapshot s = st.snapshot();
        log.commit(st.withSnapshot(new MySqlOffset.Snapshot(s.point(), s.tables(), s.segments(), true)));
        progress.accept(log.state());
    }

    /**
     * ER_TABLE_DEF_CHANGED (1412): the table was rebuilt after the snapshot's read view was made; ER_BAD_FIELD_ERROR
     * (1054): a column information_schema listed before a DDL is gone.
     */
    private static boolean definitionChanged(SQLException e) {
        return e.getErrorCode() == 1412 || e.getErrorCode() == 1054;
    }

    /**
     * Drops the rows of the chunk being read, ends the snapshot and opens a new one, and records a segment at its
     * point for every unfinished table (from its last appended key). Returns the new point.
     */
    private BinlogPosition restart(Connection c, SQLException cause) {
        log.discard();
        schemas.invalidateAll();
        try {
            c.rollback();
            BinlogPosition at = setup.startSnapshot(c);
            MySqlOffset st = log.state();
            MySqlOffset.Snapshot s = st.snapshot();
            List<MySqlOffset.Segment> segments = new ArrayList<>(s.segments());
            for (OffsetState.TableProgress t : s.tables()) {
                if (!t.done()) {
                    segments.add(new MySqlOffset.Segment(t.table(), t.lastKey(), at));
                }
            }
            log.commit(st.withSnapshot(new MySqlOffset.Snapshot(s.point(), s.tables(), segments, false)));
            progress.accept(log.state());
            LOG.info("capture '{}': a captured table changed during the snapshot ({}); the rest is read in a new consistent"
                    + " snapshot at {}", source.name(), cause.getMessage(), at);
            return at;
        } catch (SQLException e) {
            e.addSuppressed(cause);
            throw new CdcException("snapshot failed: cannot open a new consistent snapshot after a table changed: "
                    + e.getMessage(), e);
        }
    }

    private void copy(Connection c, int tableIndex, BinlogPosition point, java.util.function.BooleanSupplier stopping)
            throws SQLException {
        String qualified = log.state().snapshot().tables().get(tableIndex).table();
        int dot = qualified.indexOf('.');
        MyTable t = schemas.fromCatalog(qualified.substring(0, dot), qualified.substring(dot + 1));
        StringBuilder select = new StringBuilder("SELECT ");
        for (int i = 0; i < t.columns().size(); i++) {
            select.append(i == 0 ? "" : ", ").append(MySetup.quote(t.columns().get(i).name()));
        }
        select.append(" FROM ").append(MySetup.quote(t.database())).append('.').append(MySetup.quote(t.table()));
        int[] keys = t.keyIndexes();
        int chunk = source.snapshotChunkRows();
        StringBuilder order = new StringBuilder();
        StringBuilder keyRow = new StringBuilder("(");
        StringBuilder params = new StringBuilder("(");
        for (int i = 0; i < keys.length; i++) {
            String col = MySetup.quote(t.columns().get(keys[i]).name());
            order.append(i == 0 ? " ORDER BY " : ", ").append(col);
            keyRow.append(i == 0 ? "" : ", ").append(col);
            params.append(i == 0 ? "?" : ", ?");
        }
        keyRow.append(')');
        params.append(')');
        long offset = 0;
        while (!stopping.getAsBoolean()) {
            OffsetState.TableProgress p = log.state().snapshot().tables().get(tableIndex);
            String sql;
            if (keys.length == 0) {
                // No key to resume by: the table is read whole in this snapshot (again after a crash).
                sql = select + " LIMIT " + chunk + " OFFSET " + offset;
            } else if (p.lastKey().isEmpty()) {
                sql = select + order.toString() + " LIMIT " + chunk;
            } else {
                sql = select + " WHERE " + keyRow + " > " + params + order + " LIMIT " + chunk;
            }
            int rows = 0;
            List<String> lastKey = p.lastKey();
            boolean full = false;
            try (PreparedStatement s = c.prepareStatement(sql)) {
                if (keys.length > 0) {
                    for (int i = 0; i < p.lastKey().size(); i++) {
                        bind(s, i + 1, t.columns().get(keys[i]), p.lastKey().get(i));
                    }
                }
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        lastKey = mapper.snapshotRow(t, mapper.jdbcRow(t, rs), offset + rows, point, reading, serverId, log::add);
                        rows++;
                        if (log.full()) {
                            // Wide rows: the chunk so far is one append (below the store's request limit); the
                            // next query continues after its last key (or offset).
                            full = true;
                            break;
                        }
                    }
                }
            }
            offset += rows;
            boolean done = !full && rows < chunk;
            if (keys.length == 0) {
                // No key to resume by: a crash before the table is done re-reads it all at a later
                // point, so it is committed whole (one append with the table marked done) unless it
                // outgrows an append — rows committed early would be read twice.
                if (done || full) {
                    commitProgress(tableIndex, new OffsetState.TableProgress(qualified, List.of(), done, offset));
                }
            } else {
                commitProgress(tableIndex, new OffsetState.TableProgress(qualified, lastKey, done, p.rows() + rows));
            }
            if (done) {
                return;
            }
        }
    }

    private static void bind(PreparedStatement s, int i, MyColumn c, String text) throws SQLException {
        switch (c.kind()) {
            case BINARY -> s.setBytes(i, Base64.getDecoder().decode(text));
            case BOOL -> s.setLong(i, "true".equals(text) ? 1 : "false".equals(text) ? 0 : Long.parseLong(text));
            case BIT -> s.setLong(i, "true".equals(text) ? 1 : "false".equals(text) ? 0 : Long.parseLong(text));
            case DATETIME, TIMESTAMP -> s.setString(i, text.replace('T', ' ').replace("Z", ""));
            default -> s.setString(i, text);
        }
    }

    private void commitProgress(int tableIndex, OffsetState.TableProgress p) {
        MySqlOffset st = log.state();
        MySqlOffset.Snapshot s = st.snapshot();
        List<OffsetState.TableProgress> tables = new ArrayList<>(s.tables());
        tables.set(tableIndex, p);
        failuresInARow = 0;
        log.commit(st.withSnapshot(new MySqlOffset.Snapshot(s.point(), tables, s.segments(), false)));
        progress.accept(log.state());
    }
}
