package io.tributary.cqrs;

import java.sql.Connection;

/**
 * A projection's view of a JDBC transaction. Statements are batched: consecutive
 * {@link #execute} calls with the same SQL go to the database as one JDBC batch, sent before a
 * different statement, before {@link #connection()} is handed out and before the commit — so
 * their order is kept. Write upserts ({@code INSERT ... ON CONFLICT ... DO UPDATE}) so that
 * applying an event is a single statement.
 *
 * <p>Used only on the runner's thread during {@link Projection#apply} or {@link Projection#clear}.
 */
public interface SqlWriter {

    /** Queues {@code sql} with positional {@code parameters} ({@code ?}) for the batch. */
    void execute(String sql, Object... parameters);

    /**
     * The transaction's connection, for reads, after sending every queued statement. Do not
     * commit, roll back or close it.
     */
    Connection connection();
}
