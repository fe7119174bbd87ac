package io.tributary.cdc;

import io.tributary.core.InvalidRequestException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Configuration of a {@link JdbcSink}: which captured tables (categories) go to which target
 * tables. Immutable, validated when built.
 *
 * @param name            the sink's name: its checkpoint row in {@code tributary_cdc_sink_checkpoint}
 * @param jdbcUrl         the target database, {@code jdbc:postgresql://...}, or {@code jdbc:mariadb://...} (also
 *                        {@code jdbc:mysql://...}, through MariaDB Connector/J) for a MariaDB or MySQL target
 * @param user            the target role; default {@code postgres}
 * @param password        its password; default empty
 * @param tables          category (captured table, e.g. {@code users}) to target table ({@code schema.table})
 * @param maxBatchEvents  events applied per target transaction; default 1,000
 * @param pollTimeoutMs   how long a poll of the log waits for events; default 200
 */
public record JdbcSinkConfig(String name, String jdbcUrl, String user, String password, Map<String, String> tables,
                             int maxBatchEvents, long pollTimeoutMs) {
    /** Validates and copies. */
    public JdbcSinkConfig {
        if (name == null || !name.matches("[A-Za-z0-9_.-]{1,100}")) {
            throw new InvalidRequestException("JDBC sink: name must be 1 to 100 letters, digits, '_', '.' or '-', got '" + name + "'");
        }
        if (jdbcUrl == null || !(jdbcUrl.startsWith("jdbc:postgresql:") || jdbcUrl.startsWith("jdbc:mariadb:")
                || jdbcUrl.startsWith("jdbc:mysql:"))) {
            throw new InvalidRequestException("JDBC sink: jdbcUrl must start with jdbc:postgresql:, jdbc:mariadb: or jdbc:mysql:,"
                    + " got '" + jdbcUrl + "'");
        }
        if (user == null || password == null || tables == null || tables.isEmpty()) {
            throw new InvalidRequestException("JDBC sink: user, password and at least one table mapping are required");
        }
        if (maxBatchEvents < 1 || pollTimeoutMs < 1) {
            throw new InvalidRequestException("JDBC sink: maxBatchEvents and pollTimeoutMs must be >= 1");
        }
        tables = Map.copyOf(tables);
    }

    /** The captured categories, for the subscription. */
    public List<String> categories() {
        return new ArrayList<>(tables.keySet());
    }

    /** A config for sink {@code name} writing to {@code jdbcUrl}, mapping each captured table to the same-named target table. */
    public static JdbcSinkConfig of(String name, String jdbcUrl, Map<String, String> tables) {
        return new JdbcSinkConfig(name, jdbcUrl, "postgres", "", tables, 1000, 200);
    }

    /** This config with other credentials. */
    public JdbcSinkConfig withCredentials(String newUser, String newPassword) {
        return new JdbcSinkConfig(name, jdbcUrl, newUser, newPassword, tables, maxBatchEvents, pollTimeoutMs);
    }

    /** This config with another batch size. */
    public JdbcSinkConfig withMaxBatchEvents(int value) {
        return new JdbcSinkConfig(name, jdbcUrl, user, password, tables, value, pollTimeoutMs);
    }
}
