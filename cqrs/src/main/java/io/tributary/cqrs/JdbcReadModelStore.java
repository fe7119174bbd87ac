package io.tributary.cqrs;

import io.tributary.cqrs.internal.JdbcStore;
import javax.sql.DataSource;

/**
 * Read models in a relational database (PostgreSQL) over JDBC. Each batch of events is one
 * database transaction: the projection's batched statements and the checkpoint row (in the table
 * {@code tributary_projection_checkpoint}, created if missing) commit together.
 *
 * <p>Two layouts:
 * <ul>
 *   <li>{@link #postgres}: the projections' tables live in the connection's schema, one slot per
 *       projection. Reset and replay is supported ({@link Projection#clear} deletes the
 *       projection's rows in the reset's transaction); shadow rebuilds are not.</li>
 *   <li>{@link #postgresSchemaPerProjection}: each projection's read model is a schema of its
 *       own, named exactly as the projection (readers query {@code "order-summary".orders}). The
 *       projection creates its tables in {@link Projection#setup} with unqualified names; a reset
 *       drops and recreates the schema; a shadow rebuild fills a second schema and swaps it in
 *       by renaming both in one transaction, with a diff report of every row that changed.</li>
 * </ul>
 * One connection per slot is kept open while the store is.
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
        return new JdbcStore(dataSource, false);
    }

    /**
     * A store in the PostgreSQL database behind {@code dataSource} that keeps each projection in
     * a schema of its own, so projections can be rebuilt in the shadow and swapped in atomically.
     * The bookkeeping tables ({@code tributary_projection_checkpoint},
     * {@code tributary_projection_active}) are created in the connection's current schema.
     * Projection names must fit PostgreSQL's 63-byte identifiers with a {@code ~n} suffix.
     *
     * @throws io.tributary.core.StorageException when the bookkeeping tables cannot be created
     */
    public static ReadModelStore<SqlWriter> postgresSchemaPerProjection(DataSource dataSource) {
        return new JdbcStore(dataSource, true);
    }
}
