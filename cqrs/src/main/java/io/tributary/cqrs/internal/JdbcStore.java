package io.tributary.cqrs.internal;

import io.tributary.core.StorageException;
import io.tributary.cqrs.ReadModelStore;
import io.tributary.cqrs.SqlWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.SortedMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * Read models in PostgreSQL. A commit is one transaction on the slot's own connection: the
 * projection's batched statements, then an upsert of the checkpoint row, then COMMIT. Any
 * failure rolls back and drops the connection (a fresh one is opened next time).
 *
 * <p>In schema-per-projection mode every slot is a PostgreSQL schema and each transaction runs
 * with that schema first on its {@code search_path}, so a projection's unqualified table names
 * land in its slot. The active slot of projection {@code p} is always the schema {@code "p"};
 * other slots are schemas named after the slot ({@code "p~1"}, and {@code "p~0"} for the
 * original slot once replaced). Activation renames the two schemas in one transaction, so
 * readers of {@code "p".table} switch from one complete read model to the other at once.
 */
public final class JdbcStore implements ReadModelStore<SqlWriter> {
    static final String TABLE = "tributary_projection_checkpoint";
    static final String ACTIVE_TABLE = "tributary_projection_active";
    private static final int MAX_SCHEMA_BYTES = 63;
    private final DataSource dataSource;
    private final boolean schemaPerProjection;
    private final String checkpointTable;
    private final String activeTable;
    private final Map<String, Connection> connections = new ConcurrentHashMap<>();
    // One lock per slot: projections sharing the store commit in parallel, each on its own connection.
    private final Map<String, Object> slotLocks = new ConcurrentHashMap<>();
    private final Map<String, String> activeSlots = new ConcurrentHashMap<>();
    private final Set<String> knownSchemas = ConcurrentHashMap.newKeySet();

    /**
     * Opens the store and creates its bookkeeping tables if missing, in the connection's current
     * schema (they are referred to by qualified name from then on).
     */
    public JdbcStore(DataSource dataSource, boolean schemaPerProjection) {
        this.dataSource = dataSource;
        this.schemaPerProjection = schemaPerProjection;
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            String home;
            try (ResultSet rs = s.executeQuery("SELECT current_schema()")) {
                home = rs.next() && rs.getString(1) != null ? rs.getString(1) : "public";
            }
            checkpointTable = quote(home) + "." + TABLE;
            activeTable = quote(home) + "." + ACTIVE_TABLE;
            s.execute("CREATE TABLE IF NOT EXISTS " + checkpointTable + " (slot TEXT PRIMARY KEY, position BIGINT NOT NULL)");
            if (schemaPerProjection) {
                s.execute("CREATE TABLE IF NOT EXISTS " + activeTable + " (projection TEXT PRIMARY KEY, slot TEXT NOT NULL)");
            }
        } catch (SQLException e) {
            throw failure("create the table " + TABLE, e);
        }
    }

    static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    private static String projectionOf(String slot) {
        int tilde = slot.indexOf('~');
        return tilde < 0 ? slot : slot.substring(0, tilde);
    }

    /** The schema that holds {@code slot} now (schema-per-projection mode). */
    private String schemaOf(String slot) {
        String projection = projectionOf(slot);
        String schema = slot.equals(activeSlot(projection)) ? projection : slot.indexOf('~') < 0 ? slot + "~0" : slot;
        if (schema.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_SCHEMA_BYTES) {
            throw new StorageException("JDBC read-model store: the schema name '" + schema + "' of projection '" + projection
                    + "' is longer than PostgreSQL's " + MAX_SCHEMA_BYTES + " bytes: give the projection a shorter name", null);
        }
        return schema;
    }

    private Connection connection(String slot) throws SQLException {
        Connection c = connections.get(slot);
        if (c == null || c.isClosed()) {
            c = dataSource.getConnection();
            // The slot's writer lease: a session-level advisory lock, released by PostgreSQL when
            // this connection ends, so a second runner (another process) cannot apply events twice.
            boolean leased;
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_lock(hashtextextended(?, 0))")) {
                ps.setString(1, "tributary-projection-slot:" + slot);
                try (ResultSet rs = ps.executeQuery()) {
                    leased = rs.next() && rs.getBoolean(1);
                }
            } catch (SQLException e) {
                c.close();
                throw e;
            }
            if (!leased) {
                c.close();
                throw new StorageException("JDBC read-model store: slot '" + slot + "' is being written by another runner "
                        + "(another process holds its PostgreSQL advisory lock); stop that runner first", null);
            }
            c.setAutoCommit(false);
            connections.put(slot, c);
        }
        return c;
    }

    private void drop(String slot) {
        Connection c = connections.remove(slot);
        if (c != null) {
            try {
                c.rollback();
            } catch (SQLException ignored) {
                // the connection is being discarded; its transaction dies with it
            }
            try {
                c.close();
            } catch (SQLException ignored) {
                // nothing more to release
            }
        }
    }

    @Override
    public long checkpoint(String slot) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT position FROM " + checkpointTable + " WHERE slot = ?")) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        } catch (SQLException e) {
            throw failure("read the checkpoint of " + slot, e);
        }
    }

    @Override
    public void commit(String slot, long checkpoint, Consumer<? super SqlWriter> changes) {
        inTransaction(slot, changes, c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + checkpointTable + " (slot, position) VALUES (?, ?) "
                    + "ON CONFLICT (slot) DO UPDATE SET position = EXCLUDED.position")) {
                ps.setString(1, slot);
                ps.setLong(2, checkpoint);
                ps.executeUpdate();
            }
        });
    }

    @Override
    public void reset(String slot, Consumer<? super SqlWriter> clear) {
        if (schemaPerProjection) {
            // The slot's schema goes with everything in it; the next commit recreates it empty.
            synchronized (slotLocks.computeIfAbsent(slot, s -> new Object())) {
                String schema = schemaOf(slot);
                runTransaction(slot, w -> { }, c -> {
                    try (Statement s = c.createStatement()) {
                        s.execute("DROP SCHEMA IF EXISTS " + quote(schema) + " CASCADE");
                    }
                    deleteCheckpoint(c, slot);
                }, false);
                knownSchemas.remove(schema);
            }
            return;
        }
        inTransaction(slot, clear, c -> deleteCheckpoint(c, slot));
    }

    private void deleteCheckpoint(Connection c, String slot) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + checkpointTable + " WHERE slot = ?")) {
            ps.setString(1, slot);
            ps.executeUpdate();
        }
    }

    /** The last step of a transaction, given its connection. */
    private interface Finish {
        void run(Connection c) throws SQLException;
    }

    private void inTransaction(String slot, Consumer<? super SqlWriter> work, Finish finish) {
        synchronized (slotLocks.computeIfAbsent(slot, s -> new Object())) {
            runTransaction(slot, work, finish, schemaPerProjection);
        }
    }

    private void runTransaction(String slot, Consumer<? super SqlWriter> work, Finish finish, boolean inSlotSchema) {
        boolean committed = false;
        try {
            Connection c = connection(slot);
            if (inSlotSchema) {
                String schema = schemaOf(slot);
                try (Statement s = c.createStatement()) {
                    if (!knownSchemas.contains(schema)) {
                        s.execute("CREATE SCHEMA IF NOT EXISTS " + quote(schema));
                    }
                    s.execute("SET LOCAL search_path TO " + quote(schema) + ", public");
                }
                knownSchemas.add(schema);
            }
            BatchingSqlWriter writer = new BatchingSqlWriter(c);
            work.accept(writer);
            writer.flush();
            finish.run(c);
            c.commit();
            committed = true;
        } catch (SQLException e) {
            throw failure("commit a transaction of " + slot, e);
        } catch (BatchingSqlWriter.SqlFailure e) {
            throw failure("run a statement of " + slot, e.sqlException());
        } finally {
            if (!committed) {
                drop(slot);
                knownSchemas.clear(); // a rolled-back CREATE SCHEMA did not happen
            }
        }
    }

    @Override
    public String activeSlot(String projection) {
        if (!schemaPerProjection) {
            return projection;
        }
        return activeSlots.computeIfAbsent(projection, p -> {
            try (Connection c = dataSource.getConnection();
                 PreparedStatement ps = c.prepareStatement("SELECT slot FROM " + activeTable + " WHERE projection = ?")) {
                ps.setString(1, p);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getString(1) : p;
                }
            } catch (SQLException e) {
                throw failure("read the active slot of " + p, e);
            }
        });
    }

    @Override
    public void activate(String projection, String slot) {
        if (!schemaPerProjection) {
            throw new UnsupportedOperationException("the JDBC read-model store keeps one slot per projection: rebuild '"
                    + projection + "' with reset(), or open it with JdbcReadModelStore.postgresSchemaPerProjection");
        }
        if (!projection.equals(projectionOf(slot))) {
            throw new IllegalArgumentException("slot '" + slot + "' does not belong to projection '" + projection + "'");
        }
        String old = activeSlot(projection);
        if (old.equals(slot)) {
            return;
        }
        String oldSchemaAfter = old.indexOf('~') < 0 ? old + "~0" : old;
        String newSchemaBefore = schemaOf(slot);
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement();
                 PreparedStatement ps = c.prepareStatement("INSERT INTO " + activeTable + " (projection, slot) VALUES (?, ?) "
                         + "ON CONFLICT (projection) DO UPDATE SET slot = EXCLUDED.slot")) {
                s.execute("DROP SCHEMA IF EXISTS " + quote(oldSchemaAfter) + " CASCADE");
                s.execute("CREATE SCHEMA IF NOT EXISTS " + quote(projection));
                s.execute("ALTER SCHEMA " + quote(projection) + " RENAME TO " + quote(oldSchemaAfter));
                s.execute("CREATE SCHEMA IF NOT EXISTS " + quote(newSchemaBefore));
                s.execute("ALTER SCHEMA " + quote(newSchemaBefore) + " RENAME TO " + quote(projection));
                ps.setString(1, projection);
                ps.setString(2, slot);
                ps.executeUpdate();
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw failure("activate slot " + slot + " of " + projection, e);
        } finally {
            knownSchemas.clear();
        }
        activeSlots.put(projection, slot);
    }

    @Override
    public boolean supportsShadowSlots() {
        return schemaPerProjection;
    }

    /**
     * Every row of every table in the slot's schema (schema-per-projection mode), keyed by
     * {@code table/primary key} (or the whole row for tables without one), rows as JSON with
     * sorted columns.
     */
    @Override
    public SortedMap<String, String> contents(String slot) {
        if (!schemaPerProjection) {
            throw new UnsupportedOperationException("the JDBC read-model store cannot list a slot's rows in a shared schema; "
                    + "query its tables, or open it with JdbcReadModelStore.postgresSchemaPerProjection");
        }
        String schema = schemaOf(slot);
        SortedMap<String, String> out = new TreeMap<>();
        try (Connection c = dataSource.getConnection()) {
            List<String> tables = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT table_name FROM information_schema.tables "
                    + "WHERE table_schema = ? AND table_type = 'BASE TABLE' ORDER BY table_name")) {
                ps.setString(1, schema);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        tables.add(rs.getString(1));
                    }
                }
            }
            for (String table : tables) {
                List<String> key = primaryKey(c, schema, table);
                try (Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT * FROM " + quote(schema) + "." + quote(table))) {
                    int columns = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        Map<String, Object> row = new TreeMap<>();
                        for (int i = 1; i <= columns; i++) {
                            Object v = rs.getObject(i);
                            row.put(rs.getMetaData().getColumnName(i),
                                    v == null || v instanceof Number || v instanceof Boolean ? v : v.toString());
                        }
                        String json = Documents.canonical(Documents.MAPPER.valueToTree(row));
                        if (key.isEmpty()) {
                            out.merge(table + "/" + json, "1", (a, b) -> Long.toString(Long.parseLong(a) + 1));
                        } else {
                            List<Object> id = new ArrayList<>();
                            for (String k : key) {
                                id.add(row.get(k));
                            }
                            out.put(table + "/" + Documents.canonical(Documents.MAPPER.valueToTree(id)), json);
                        }
                    }
                }
            }
        } catch (SQLException e) {
            throw failure("list the rows of slot " + slot, e);
        }
        return out;
    }

    private static List<String> primaryKey(Connection c, String schema, String table) throws SQLException {
        List<String> key = new ArrayList<>();
        try (ResultSet rs = c.getMetaData().getPrimaryKeys(null, schema, table)) {
            Map<Integer, String> bySeq = new TreeMap<>();
            while (rs.next()) {
                bySeq.put(rs.getInt("KEY_SEQ"), rs.getString("COLUMN_NAME"));
            }
            key.addAll(bySeq.values());
        }
        return key;
    }

    private static StorageException failure(String what, SQLException e) {
        return new StorageException("JDBC read-model store: cannot " + what + ": " + e.getMessage(), e);
    }

    @Override
    public void close() {
        for (String slot : connections.keySet()) {
            drop(slot);
        }
    }
}
