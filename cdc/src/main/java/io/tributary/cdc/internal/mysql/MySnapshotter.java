package io.tributary.cdc.internal.mysql;

import io.tributary.cdc.internal.OffsetState;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

/**
 * Copies the tables' rows inside a consistent snapshot ({@code START TRANSACTION WITH CONSISTENT
 * SNAPSHOT}), in primary-key order, in chunks of {@code snapshotChunkRows}; each chunk is one
 * atomic append with the snapshot's progress (the last key per table), so a restarted capture
 * continues after the last appended chunk.
 */
final class MySnapshotter {
    private final MySqlSource source;
    private final MySchemas schemas;
    private final MyMapper mapper;
    private final MySqlLog log;
    private final Consumer<MySqlOffset> progress;
    private final long serverId;

    MySnapshotter(MySqlSource source, MySchemas schemas, MyMapper mapper, MySqlLog log, long serverId,
                  Consumer<MySqlOffset> progress) {
        this.source = source;
        this.schemas = schemas;
        this.mapper = mapper;
        this.log = log;
        this.serverId = serverId;
        this.progress = progress;
    }

    /** Reads every unfinished table on {@code snapshot} (in a consistent snapshot at {@code point}), then marks the snapshot done. */
    void run(Connection snapshot, BinlogPosition point, java.util.function.BooleanSupplier stopping) {
        try {
            List<OffsetState.TableProgress> tables = log.state().snapshot().tables();
            for (int i = 0; i < tables.size(); i++) {
                if (stopping.getAsBoolean()) {
                    return;
                }
                if (!tables.get(i).done()) {
                    copy(snapshot, i, point, stopping);
                }
            }
            snapshot.commit();
        } catch (SQLException e) {
            throw new CdcException("snapshot failed: " + e.getMessage(), e);
        }
        if (stopping.getAsBoolean()) {
            return;
        }
        MySqlOffset st = log.state();
        MySqlOffset.Snapshot s = st.snapshot();
        log.commit(new MySqlOffset(st.position(), null, new MySqlOffset.Snapshot(s.point(), s.tables(), s.segments(), true), 0));
        progress.accept(log.state());
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
            try (PreparedStatement s = c.prepareStatement(sql)) {
                if (keys.length > 0) {
                    for (int i = 0; i < p.lastKey().size(); i++) {
                        bind(s, i + 1, t.columns().get(keys[i]), p.lastKey().get(i));
                    }
                }
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        ObjectNode after = mapper.jdbcRow(t, rs);
                        mapper.snapshotRow(t, after, point, serverId, log::add);
                        lastKey = MyMapper.key(t, after);
                        rows++;
                    }
                }
            }
            offset += rows;
            boolean done = rows < chunk;
            long total = (keys.length == 0 && offset == rows ? 0 : p.rows()) + rows;
            commitProgress(tableIndex, new OffsetState.TableProgress(qualified, keys.length == 0 ? List.of() : lastKey, done, total));
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
        log.commit(new MySqlOffset(st.position(), null, new MySqlOffset.Snapshot(s.point(), tables, s.segments(), false), 0));
        progress.accept(log.state());
    }
}
