package io.tributary.cqrs;

import io.tributary.cqrs.internal.JdbcStore;
import javax.sql.DataSource;

/**
 * Read models in a relational database (PostgreSQL) over JDBC. Each batch of events is one
 * database transaction: the projection's batched statements and the checkpoint row (in the table
 * {@code tributary_projection_checkpoint}, created if missing) commit together.
 *
 * <p>A JDBC store keeps one slot per projection: reset and replay is supported
 * ({@link Projection#clear} deletes the projection's rows in the reset's transaction), shadow
 * rebuilds are not. One connection per slot is kept open while the store is.
 */
public final class JdbcReadModelStore {
    private JdbcReadModelStore() {
    }

    /**
     * A store in the PostgreSQL database behind {@code dataSource}.
     *
     * @throws io.tributary.core.StorageException when the checkpoint table cannot be created
     */
    public static ReadModelStore<SqlWriter> postgres(DataSource dataSource) {
        return new JdbcStore(dataSource);
    }
}
