package io.tributary.cqrs.internal;

import io.tributary.cqrs.SqlWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Objects;

/** Sends consecutive executions of the same SQL as one JDBC batch. */
final class BatchingSqlWriter implements SqlWriter {
    /** An SQLException carried through the projection's code, which cannot throw checked exceptions. */
    static final class SqlFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SqlFailure(SQLException cause) {
            super(cause.getMessage(), cause);
        }

        SQLException sqlException() {
            return (SQLException) getCause();
        }
    }

    private final Connection connection;
    private String currentSql;
    private PreparedStatement current;

    BatchingSqlWriter(Connection connection) {
        this.connection = connection;
    }

    @Override
    public void execute(String sql, Object... parameters) {
        Objects.requireNonNull(sql, "sql");
        try {
            if (!sql.equals(currentSql)) {
                flush();
                current = connection.prepareStatement(sql);
                currentSql = sql;
            }
            for (int i = 0; i < parameters.length; i++) {
                current.setObject(i + 1, parameters[i]);
            }
            current.addBatch();
        } catch (SQLException e) {
            throw new SqlFailure(e);
        }
    }

    @Override
    public Connection connection() {
        flush();
        return connection;
    }

    void flush() {
        if (current == null) {
            return;
        }
        try (PreparedStatement ps = current) {
            current = null;
            currentSql = null;
            ps.executeBatch();
        } catch (SQLException e) {
            SQLException next = e.getNextException();
            throw new SqlFailure(next != null ? next : e);
        }
    }
}
