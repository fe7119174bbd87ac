package io.tributary.cdc.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.cdc.CdcException;
import io.tributary.cdc.PostgresSource;
import io.tributary.cdc.TableSelection;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Copies the selected tables' rows as {@code r} events inside an exported snapshot (REPEATABLE
 * READ, {@code SET TRANSACTION SNAPSHOT}: no table locks), in primary-key order and chunks of
 * {@code snapshotChunkRows}; each chunk is one atomic append together with the snapshot's
 * progress, so a restarted capture continues after the last copied key.
 */
public final class Snapshotter {
    private final PostgresSource source;
    private final ChangeMapper mapper;
    private final LogWriter<OffsetState> writer;
    private final Consumer<OffsetState> progress;
    private final Connection catalog;

    /**
     * A snapshotter writing through {@code writer}; {@code progress} sees each durable state. Tables
     * are described through {@code catalog} (the current schema, which is what a query in the
     * snapshot can name: a column dropped since the snapshot point cannot be selected any more).
     */
    private java.util.function.BooleanSupplier stopping = () -> false;

    public Snapshotter(PostgresSource source, ChangeMapper mapper, LogWriter<OffsetState> writer, Connection catalog,
                       Consumer<OffsetState> progress) {
        this.catalog = catalog;
        this.source = source;
        this.mapper = mapper;
        this.writer = writer;
        this.progress = progress;
    }

    /**
     * Copies every unfinished table of the writer's current snapshot state, reading at
     * {@code snapshotName} (exported by a slot at {@code point}), on {@code connection}, which it
     * leaves open. Ends with a durable state whose snapshot is done; throws {@link CdcException}
     * between two chunks once {@code stopping} says so (the progress so far is kept: a restart resumes).
     */
    public void run(Connection connection, String snapshotName, long point, java.util.function.BooleanSupplier stopping) {
        this.stopping = stopping;
        try (Statement s = connection.createStatement()) {
            s.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            s.execute("SET TRANSACTION SNAPSHOT '" + snapshotName.replace("'", "''") + "'");
            List<OffsetState.TableProgress> tables = writer.state().snapshot().tables();
            for (int i = 0; i < tables.size(); i++) {
                if (!tables.get(i).done()) {
                    copy(connection, i, point);
                }
            }
            s.execute("COMMIT");
        } catch (SQLException e) {
            throw new CdcException("snapshot failed: " + e.getMessage(), e);
        }
        OffsetState st = writer.state();
        OffsetState.Snapshot snap = st.snapshot();
        writer.commit(st.withSnapshot(new OffsetState.Snapshot(snap.slotPoint(), snap.tables(), snap.segments(), true)));
        progress.accept(writer.state());
    }

    private void copy(Connection c, int tableIndex, long point) throws SQLException {
        String name = writer.state().snapshot().tables().get(tableIndex).table();
        try (Statement lock = c.createStatement()) {
            // The lock every SELECT takes, held to the end of the snapshot: writers go on, but the
            // columns cannot be dropped between describing the table and reading it.
            lock.execute("LOCK TABLE " + TableSelection.of(name).quotedName() + " IN ACCESS SHARE MODE");
        }
        RelationCache.Table table = describe(catalog, name);
        List<PgMessage.Column> cols = table.message().columns();
        int[] keys = table.keyIndexes();
        List<String> keyTypes = keyTypes(c, table);
        StringBuilder select = new StringBuilder("SELECT ");
        for (int i = 0; i < cols.size(); i++) {
            // Aliased: an output column named like the key would make ORDER BY sort by its text.
            select.append(i == 0 ? "" : ", ").append("src.").append(TableSelection.quote(cols.get(i).name()))
                    .append("::text AS c").append(i);
        }
        TableSelection ts = TableSelection.of(name);
        select.append(" FROM ").append(ts.quotedName()).append(" AS src");
        Optional<String> filter = source.tables().stream()
                .filter(t -> t.schema().equals(ts.schema()) && t.table().equals(ts.table()))
                .findFirst().flatMap(TableSelection::rowFilter);
        ChangeMapper.Tx tx = new ChangeMapper.Tx(0, point,
                source.clock().millis() * 1000 - ChangeMapper.PG_EPOCH_MICROS, true);
        if (keys.length == 0) {
            copyKeyless(c, tableIndex, table, select + filter.map(f -> " WHERE (" + f + ")").orElse(""), tx, point);
            return;
        }
        StringBuilder keyRow = new StringBuilder("ROW(");
        StringBuilder paramRow = new StringBuilder("ROW(");
        StringBuilder order = new StringBuilder(" ORDER BY ");
        for (int i = 0; i < keys.length; i++) {
            String col = "src." + TableSelection.quote(cols.get(keys[i]).name());
            keyRow.append(i == 0 ? "" : ", ").append(col);
            paramRow.append(i == 0 ? "" : ", ").append("?::").append(keyTypes.get(i));
            order.append(i == 0 ? "" : ", ").append(col);
        }
        keyRow.append(')');
        paramRow.append(')');
        String first = select + filter.map(f -> " WHERE (" + f + ")").orElse("") + order + " LIMIT " + source.snapshotChunkRows();
        String next = select + " WHERE " + filter.map(f -> "(" + f + ") AND ").orElse("") + keyRow + " > " + paramRow
                + order + " LIMIT " + source.snapshotChunkRows();
        while (true) {
            stopIfAsked();
            OffsetState.TableProgress p = writer.state().snapshot().tables().get(tableIndex);
            int rows = 0;
            List<String> lastKey = p.lastKey();
            boolean full = false;
            try (PreparedStatement s = c.prepareStatement(p.lastKey().isEmpty() ? first : next)) {
                for (int i = 0; i < p.lastKey().size(); i++) {
                    s.setString(i + 1, p.lastKey().get(i));
                }
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        String[] texts = new String[cols.size()];
                        for (int i = 0; i < texts.length; i++) {
                            texts[i] = rs.getString(i + 1);
                        }
                        List<String> key = new ArrayList<>(keys.length);
                        for (int k : keys) {
                            key.add(texts[k]);
                        }
                        ObjectNode after = mapper.rowJson(table, texts);
                        UUID id = UUID.nameUUIDFromBytes((source.name() + "/snapshot/" + point + "/" + name + "/" + key)
                                .getBytes(StandardCharsets.UTF_8));
                        mapper.snapshotRow(table, after, key, tx, cap -> writer.add(cap.stream(), cap.event()), id);
                        rows++;
                        lastKey = key;
                        if (writer.full()) {
                            full = true;
                            break;
                        }
                    }
                }
            }
            boolean done = !full && rows < source.snapshotChunkRows();
            commitProgress(tableIndex, new OffsetState.TableProgress(name, lastKey, done, p.rows() + rows));
            if (done) {
                return;
            }
        }
    }

    private void copyKeyless(Connection c, int tableIndex, RelationCache.Table table, String query, ChangeMapper.Tx tx,
                             long point) throws SQLException {
        String name = writer.state().snapshot().tables().get(tableIndex).table();
        long rows = writer.state().snapshot().tables().get(tableIndex).rows();
        int width = table.message().columns().size();
        try (Statement s = c.createStatement()) {
            s.execute("DECLARE tributary_snapshot NO SCROLL CURSOR FOR " + query);
            while (true) {
                stopIfAsked();
                int n = 0;
                try (ResultSet rs = s.executeQuery("FETCH " + source.snapshotChunkRows() + " FROM tributary_snapshot")) {
                    while (rs.next()) {
                        String[] texts = new String[width];
                        for (int i = 0; i < width; i++) {
                            texts[i] = rs.getString(i + 1);
                        }
                        UUID id = UUID.nameUUIDFromBytes((source.name() + "/snapshot/" + point + "/" + name + "/#" + (rows + n))
                                .getBytes(StandardCharsets.UTF_8));
                        mapper.snapshotRow(table, mapper.rowJson(table, texts), List.of(), tx,
                                cap -> writer.add(cap.stream(), cap.event()), id);
                        n++;
                    }
                }
                rows += n;
                boolean done = n < source.snapshotChunkRows();
                // Committed whole (one append with the table marked done) unless it outgrows an
                // append: with no key to resume by, a crash before the table is done re-reads it
                // all at a later point, so rows committed early would be read twice.
                if (done || writer.full()) {
                    commitProgress(tableIndex, new OffsetState.TableProgress(name, List.of(), done, rows));
                }
                if (done) {
                    s.execute("CLOSE tributary_snapshot");
                    return;
                }
            }
        }
    }

    private void commitProgress(int tableIndex, OffsetState.TableProgress p) {
        OffsetState st = writer.state();
        OffsetState.Snapshot snap = st.snapshot();
        List<OffsetState.TableProgress> tables = new ArrayList<>(snap.tables());
        tables.set(tableIndex, p);
        // A transaction half appended before a restart that added tables keeps its progress (see CaptureEngine.prepare).
        writer.commit(st.withSnapshot(new OffsetState.Snapshot(snap.slotPoint(), tables, snap.segments(), false)));
        progress.accept(writer.state());
    }

    /** Describes a table from the catalog as the slot would, and registers it. */
    private RelationCache.Table describe(Connection c, String name) throws SQLException {
        TableSelection ts = TableSelection.of(name);
        int oid;
        char identity;
        try (PreparedStatement s = c.prepareStatement(
                "SELECT c.oid::int, c.relreplident::text FROM pg_class c WHERE c.oid = ?::regclass")) {
            s.setString(1, ts.quotedName());
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    throw new CdcException("table " + name + " vanished during the snapshot");
                }
                oid = rs.getInt(1);
                identity = rs.getString(2).charAt(0);
            }
        }
        List<PgMessage.Column> cols = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT attname, atttypid::int, atttypmod FROM pg_attribute"
                + " WHERE attrelid = ?::oid AND attnum > 0 AND NOT attisdropped ORDER BY attnum")) {
            s.setInt(1, oid);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    cols.add(new PgMessage.Column(false, rs.getString(1), rs.getInt(2), rs.getInt(3)));
                }
            }
        }
        return mapper.relations().update(new PgMessage.Relation(0, oid, ts.schema(), ts.table(), identity, cols));
    }

    /** SQL type names of a table's key columns, for casts. */
    static List<String> keyTypes(Connection c, RelationCache.Table table) throws SQLException {
        List<String> out = new ArrayList<>();
        for (int k : table.keyIndexes()) {
            try (PreparedStatement s = c.prepareStatement("SELECT format_type(?::oid, ?)")) {
                PgMessage.Column col = table.message().columns().get(k);
                s.setInt(1, col.typeOid());
                s.setInt(2, col.typeModifier());
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    private void stopIfAsked() {
        if (stopping.getAsBoolean()) {
            throw new CdcException("the capture was stopped during its snapshot; a restart resumes it");
        }
    }
}
