package io.tributary.cdc;

import io.tributary.core.InvalidRequestException;
import io.tributary.core.StreamName;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Configuration of a MySQL/MariaDB capture (binlog). Immutable, validated when built; every
 * setting has a default. Start from {@link #builder(String, String)}.
 *
 * @param name                the connector name: names the offset stream {@code tributary.cdc-<name>};
 *                            letters, digits and {@code _}
 * @param host                the server's host, from the JDBC URL
 * @param port                the server's port, from the JDBC URL (default 3306)
 * @param database            the database of the JDBC URL: tables in it are named without it, like
 *                            PostgreSQL's {@code public}; tables of other databases are {@code db.table}
 * @param user                the account to connect as; needs {@code REPLICATION SLAVE}, {@code REPLICATION CLIENT}
 *                            ({@code BINLOG MONITOR} on MariaDB) and {@code SELECT} on the tables; default {@code root}
 * @param password            its password; default empty
 * @param serverId            the replica server id the binlog reader announces; must differ from every server
 *                            and replica id of the source's topology; default 5,400 + a hash of the name
 * @param tables              the tables to capture ({@link TableSelection#schema()} is the database; {@code public}
 *                            stands for {@code database}); must not be empty
 * @param snapshotMode        whether to copy the current rows first; default {@link SnapshotMode#INITIAL}
 * @param snapshotChunkRows   rows per snapshot chunk (one atomic append each); default 1,024
 * @param heartbeatIntervalMs the server's heartbeat interval on an idle binlog, and how often the position of
 *                            transactions on other tables is recorded; 0 disables both; default 10,000
 * @param connectTimeoutMs    how long to wait for the binlog connection; default 10,000
 * @param maxAppendBytes      the largest append (event data); a larger transaction is appended in chunks (see the
 *                            module README); keep it below the store's request limit; default 8 MiB
 * @param clock               time source for lag and {@code ts_ms}; default the UTC system clock
 */
public record MySqlSource(String name, String host, int port, String database, String user, String password,
                          long serverId, List<TableSelection> tables, SnapshotMode snapshotMode, int snapshotChunkRows,
                          long heartbeatIntervalMs, long connectTimeoutMs, int maxAppendBytes, Clock clock) {
    private static final Pattern URL = Pattern.compile("jdbc:(mysql|mariadb)://([^:/?]+)(?::(\\d+))?/([^/?;]+)(?:[?;].*)?");

    /** Validates every setting; throws {@link InvalidRequestException} naming the setting. */
    public MySqlSource {
        require(name != null && name.matches("[A-Za-z0-9_]{1,63}"),
                "name must be 1 to 63 letters, digits or '_', got '" + name + "'");
        require(host != null && !host.isBlank(), "host must not be empty");
        require(port > 0 && port < 65_536, "port must be 1 to 65535, got " + port);
        require(database != null && !database.isBlank() && database.indexOf('.') < 0,
                "database must not be empty or contain '.', got '" + database + "'");
        require(user != null && !user.isEmpty(), "user must not be empty");
        require(password != null, "password must not be null (use \"\")");
        require(serverId >= 1 && serverId <= 0xFFFF_FFFFL, "serverId must be 1 to 4294967295, got " + serverId);
        require(tables != null && !tables.isEmpty(), "tables must name at least one table");
        List<TableSelection> resolved = new ArrayList<>();
        for (TableSelection t : tables) {
            require(t != null, "tables must not contain null");
            require(t.rowFilter().isEmpty(), "row filters are not supported for MySQL/MariaDB (table " + t.table() + ")");
            resolved.add("public".equals(t.schema()) ? new TableSelection(database, t.table(), t.columns(), t.rowFilter()) : t);
        }
        tables = List.copyOf(resolved);
        require(snapshotMode != null, "snapshotMode must not be null");
        require(snapshotChunkRows >= 1 && snapshotChunkRows <= 1_000_000, "snapshotChunkRows must be 1 to 1,000,000");
        require(heartbeatIntervalMs >= 0, "heartbeatIntervalMs must be >= 0");
        require(connectTimeoutMs >= 100, "connectTimeoutMs must be >= 100");
        require(maxAppendBytes >= 64 * 1024, "maxAppendBytes must be >= 65536");
        require(clock != null, "clock must not be null");
        require(StreamName.problem("tributary.cdc-" + name) == null, "name makes an invalid stream name");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new InvalidRequestException("MySQL source: " + message);
        }
    }

    /** The stream holding this connector's source positions: {@code tributary.cdc-<name>}. */
    public StreamName offsetStream() {
        return StreamName.of("tributary.cdc-" + name);
    }

    /** The JDBC URL of the source (MariaDB Connector/J syntax, which also speaks to MySQL). */
    public String jdbcUrl() {
        return "jdbc:mariadb://" + host + ":" + port + "/" + database;
    }

    /**
     * A builder with every default, for connector {@code name} reading the database of {@code jdbcUrl}
     * ({@code jdbc:mariadb://host:port/db} or {@code jdbc:mysql://host:port/db}).
     */
    public static Builder builder(String name, String jdbcUrl) {
        Matcher m = jdbcUrl == null ? null : URL.matcher(jdbcUrl);
        if (m == null || !m.matches()) {
            throw new InvalidRequestException("MySQL source: jdbcUrl must be jdbc:mariadb://host[:port]/database or "
                    + "jdbc:mysql://host[:port]/database, got '" + jdbcUrl + "'");
        }
        return new Builder(name, m.group(2), m.group(3) == null ? 3306 : Integer.parseInt(m.group(3)), m.group(4));
    }

    /** A builder with every default, for connector {@code name} reading {@code database} at {@code host:port}. */
    public static Builder builder(String name, String host, int port, String database) {
        return new Builder(name, host, port, database);
    }

    /** Builds a {@link MySqlSource}; each setter documents its default on {@link MySqlSource}. */
    public static final class Builder {
        private final String name;
        private final String host;
        private final int port;
        private final String database;
        private String user = "root";
        private String password = "";
        private long serverId;
        private final List<TableSelection> tables = new ArrayList<>();
        private SnapshotMode snapshotMode = SnapshotMode.INITIAL;
        private int snapshotChunkRows = 1024;
        private long heartbeatIntervalMs = 10_000;
        private long connectTimeoutMs = 10_000;
        private int maxAppendBytes = 8 << 20;
        private Clock clock = Clock.systemUTC();

        private Builder(String name, String host, int port, String database) {
            this.name = name;
            this.host = host;
            this.port = port;
            this.database = database;
        }

        /** Sets the account and password. */
        public Builder credentials(String user, String password) {
            this.user = user;
            this.password = password;
            return this;
        }

        /** Sets {@link MySqlSource#serverId()}. */
        public Builder serverId(long value) {
            this.serverId = value;
            return this;
        }

        /** Adds tables, each {@code table} (in the URL's database) or {@code db.table}. */
        public Builder tables(String... names) {
            for (String n : names) {
                tables.add(TableSelection.of(n));
            }
            return this;
        }

        /** Adds a table selection (with a column list). */
        public Builder table(TableSelection selection) {
            tables.add(Objects.requireNonNull(selection, "selection"));
            return this;
        }

        /** Sets {@link MySqlSource#snapshotMode()}. */
        public Builder snapshotMode(SnapshotMode value) {
            this.snapshotMode = value;
            return this;
        }

        /** Sets {@link MySqlSource#snapshotChunkRows()}. */
        public Builder snapshotChunkRows(int value) {
            this.snapshotChunkRows = value;
            return this;
        }

        /** Sets {@link MySqlSource#heartbeatIntervalMs()}. */
        public Builder heartbeatIntervalMs(long value) {
            this.heartbeatIntervalMs = value;
            return this;
        }

        /** Sets {@link MySqlSource#connectTimeoutMs()}. */
        public Builder connectTimeoutMs(long value) {
            this.connectTimeoutMs = value;
            return this;
        }

        /** Sets {@link MySqlSource#maxAppendBytes()}. */
        public Builder maxAppendBytes(int value) {
            this.maxAppendBytes = value;
            return this;
        }

        /** Sets {@link MySqlSource#clock()}. */
        public Builder clock(Clock value) {
            this.clock = value;
            return this;
        }

        /** Validates and builds. */
        public MySqlSource build() {
            long id = serverId != 0 ? serverId : 5_400 + Math.floorMod(name == null ? 0 : name.hashCode(), 100_000);
            return new MySqlSource(name, host, port, database, user, password, id, tables, snapshotMode,
                    snapshotChunkRows, heartbeatIntervalMs, connectTimeoutMs, maxAppendBytes, clock);
        }
    }
}
