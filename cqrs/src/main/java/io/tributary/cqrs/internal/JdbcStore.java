package io.tributary.cqrs.internal;

import io.tributary.core.StorageException;
import io.tributary.cqrs.ReadModelStore;
import io.tributary.cqrs.SqlWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * Read models in PostgreSQL. A commit is one transaction on the slot's own connection: the
 * projection's batched statements, then an upsert of the checkpoint row, then COMMIT. Any
 * failure rolls back and drops the connection (a fresh one is opened next time).
 */
public final class JdbcStore implements ReadModelStore<SqlWriter> {
    static final String TABLE = "tributary_projection_checkpoint";
    private final DataSource dataSource;
    private final Map<String, Connection> connections = new ConcurrentHashMap<>();
    // One lock per slot: projections sharing the store commit in parallel, each on its own connection.
    private final Map<String, Object> slotLocks = new ConcurrentHashMap<>();

    /** Opens the store and creates the checkpoint table if missing. */
    public JdbcStore(DataSource dataSource) {
        this.dataSource = dataSource;
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (slot TEXT PRIMARY KEY, position BIGINT NOT NULL)");
        } catch (SQLException e) {
            throw failure("create the table " + TABLE, e);
        }
    }

    private Connection connection(String slot) throws SQLException {
        Connection c = connections.get(slot);
        if (c == null || c.isClosed()) {
            c = dataSource.getConnection();
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
             PreparedStatement ps = c.prepareStatement("SELECT position FROM " + TABLE + " WHERE slot = ?")) {
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
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + TABLE + " (slot, position) VALUES (?, ?) "
                    + "ON CONFLICT (slot) DO UPDATE SET position = EXCLUDED.position")) {
                ps.setString(1, slot);
                ps.setLong(2, checkpoint);
                ps.executeUpdate();
            }
        });
    }

    @Override
    public void reset(String slot, Consumer<? super SqlWriter> clear) {
        inTransaction(slot, clear, c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + TABLE + " WHERE slot = ?")) {
                ps.setString(1, slot);
                ps.executeUpdate();
            }
        });
    }

    /** The last step of a transaction, given its connection. */
    private interface Finish {
        void run(Connection c) throws SQLException;
    }

    private void inTransaction(String slot, Consumer<? super SqlWriter> work, Finish finish) {
        synchronized (slotLocks.computeIfAbsent(slot, s -> new Object())) {
            runTransaction(slot, work, finish);
        }
    }

    private void runTransaction(String slot, Consumer<? super SqlWriter> work, Finish finish) {
        boolean committed = false;
        try {
            Connection c = connection(slot);
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
            }
        }
    }

    @Override
    public String activeSlot(String projection) {
        return projection;
    }

    @Override
    public void activate(String projection, String slot) {
        throw new UnsupportedOperationException("the JDBC read-model store keeps one slot per projection: "
                + "rebuild '" + projection + "' with reset() instead of a shadow rebuild");
    }

    @Override
    public boolean supportsShadowSlots() {
        return false;
    }

    @Override
    public SortedMap<String, String> contents(String slot) {
        throw new UnsupportedOperationException("the JDBC read-model store cannot list a slot's rows; query its tables");
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
