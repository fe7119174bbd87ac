package io.tributary.cdc.internal;

import io.tributary.cdc.CdcException;
import io.tributary.cdc.PostgresSource;
import io.tributary.cdc.SourceConfigurationException;
import io.tributary.cdc.TableSelection;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Collectors;
import org.postgresql.PGProperty;

/**
 * Connects to the source and checks and prepares it: {@code wal_level}, the role's privileges,
 * the tables, the publication and the replication slot. Every problem is a
 * {@link SourceConfigurationException} saying what to change.
 */
public final class SourceSetup {
    private final PostgresSource source;

    /** Setup for {@code source}. */
    public SourceSetup(PostgresSource source) {
        this.source = source;
    }

    /** A plain connection (auto-commit). */
    public Connection connect() {
        Properties p = properties();
        try {
            return DriverManager.getConnection(source.jdbcUrl(), p);
        } catch (SQLException e) {
            throw new SourceConfigurationException("cannot connect to " + source.jdbcUrl() + " as '" + source.user()
                    + "': " + e.getMessage() + "; check the URL, the credentials and pg_hba.conf", e);
        }
    }

    /** A replication connection ({@code replication=database}). */
    public Connection connectForReplication() {
        Properties p = properties();
        PGProperty.REPLICATION.set(p, "database");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(p, "10");
        PGProperty.PREFER_QUERY_MODE.set(p, "simple");
        if (source.logicalDecodingWorkMemKb() > 0) {
            PGProperty.OPTIONS.set(p, "-c logical_decoding_work_mem=" + source.logicalDecodingWorkMemKb() + "kB");
        }
        try {
            return DriverManager.getConnection(source.jdbcUrl(), p);
        } catch (SQLException e) {
            throw new SourceConfigurationException("cannot open a replication connection to " + source.jdbcUrl() + " as '"
                    + source.user() + "': " + e.getMessage() + "; pg_hba.conf must allow 'replication' connections"
                    + " for this role (or 'all' databases with a host line), and the role needs the REPLICATION attribute", e);
        }
    }

    private Properties properties() {
        Properties p = new Properties();
        PGProperty.USER.set(p, source.user());
        PGProperty.PASSWORD.set(p, source.password());
        PGProperty.APPLICATION_NAME.set(p, "tributary-cdc-" + source.name());
        return p;
    }

    /** Checks wal_level, replication privilege, slot capacity, the tables and row-filter support. */
    public void check(Connection c) {
        try {
            String walLevel = single(c, "SHOW wal_level");
            if (!"logical".equals(walLevel)) {
                throw new SourceConfigurationException("PostgreSQL at " + source.jdbcUrl() + " has wal_level = '" + walLevel
                        + "', but change capture needs wal_level = logical: run ALTER SYSTEM SET wal_level = logical;"
                        + " (or set it in postgresql.conf) and restart PostgreSQL");
            }
            int maxSlots = Integer.parseInt(single(c, "SHOW max_replication_slots"));
            int maxSenders = Integer.parseInt(single(c, "SHOW max_wal_senders"));
            if (maxSlots < 1 || maxSenders < 1) {
                throw new SourceConfigurationException("PostgreSQL allows max_replication_slots = " + maxSlots
                        + " and max_wal_senders = " + maxSenders + "; change capture needs at least 1 of each"
                        + " (2 slots to resume a snapshot after a crash): set them in postgresql.conf and restart");
            }
            String role = single(c, "SELECT current_user");
            String canReplicate = single(c, "SELECT (rolreplication OR rolsuper)::text FROM pg_roles WHERE rolname = current_user");
            if (!"true".equals(canReplicate)) {
                throw new SourceConfigurationException("role '" + role + "' may not use logical replication: run ALTER ROLE \""
                        + role + "\" WITH REPLICATION; as a superuser (and GRANT SELECT on the captured tables)");
            }
            int version = Integer.parseInt(single(c, "SHOW server_version_num"));
            for (TableSelection t : source.tables()) {
                String exists;
                try (PreparedStatement s = c.prepareStatement("SELECT to_regclass(?)::text")) {
                    s.setString(1, t.quotedName());
                    exists = firstString(s);
                }
                if (exists == null) {
                    throw new SourceConfigurationException("table " + t.quotedName() + " does not exist in " + source.jdbcUrl()
                            + "; fix the table list of connector '" + source.name() + "'");
                }
                try (PreparedStatement s = c.prepareStatement("SELECT has_table_privilege(?::regclass, 'SELECT')::text")) {
                    s.setString(1, t.quotedName());
                    if (!"true".equals(firstString(s))) {
                        throw new SourceConfigurationException("role '" + role + "' may not read " + t.quotedName()
                                + ": run GRANT SELECT ON " + t.quotedName() + " TO \"" + role + "\";");
                    }
                }
                if (t.rowFilter().isPresent() && version < 150000) {
                    throw new SourceConfigurationException("the row filter on " + t.quotedName() + " needs PostgreSQL 15 or later"
                            + " (publication WHERE clauses); this server is " + single(c, "SHOW server_version")
                            + ": remove the filter or upgrade");
                }
            }
        } catch (SQLException e) {
            throw new SourceConfigurationException("cannot check the source: " + e.getMessage(), e);
        }
    }

    /** Creates or updates the publication (when configured to), or checks that it exists. */
    public void ensurePublication(Connection c) {
        String pub = TableSelection.quote(source.publicationName());
        try {
            boolean exists;
            try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM pg_publication WHERE pubname = ?")) {
                s.setString(1, source.publicationName());
                try (ResultSet rs = s.executeQuery()) {
                    exists = rs.next();
                }
            }
            String tables = source.tables().stream()
                    .map(t -> t.quotedName() + t.rowFilter().map(f -> " WHERE (" + f + ")").orElse(""))
                    .collect(Collectors.joining(", "));
            String target = source.tables().isEmpty() ? "FOR ALL TABLES" : "FOR TABLE " + tables;
            if (!source.createPublication()) {
                if (!exists) {
                    throw new SourceConfigurationException("publication '" + source.publicationName() + "' does not exist;"
                            + " create it: CREATE PUBLICATION " + pub + " " + target + ";"
                            + " or let the connector create it (createPublication = true)");
                }
                return;
            }
            try (Statement s = c.createStatement()) {
                if (!exists) {
                    s.execute("CREATE PUBLICATION " + pub + " " + target);
                } else if (!source.tables().isEmpty()) {
                    s.execute("ALTER PUBLICATION " + pub + " SET TABLE " + tables);
                }
            }
        } catch (SQLException e) {
            throw new SourceConfigurationException("cannot create or update publication '" + source.publicationName() + "': "
                    + e.getMessage() + "; the role must own the tables (or be superuser for all tables),"
                    + " or create the publication yourself and set createPublication = false", e);
        }
    }

    /**
     * Whether tables created later join the publication by themselves: {@code FOR ALL TABLES}, or (PostgreSQL 15+)
     * {@code FOR TABLES IN SCHEMA}.
     */
    public boolean publicationGrowsByItself(Connection c) {
        try {
            String sql = Integer.parseInt(single(c, "SHOW server_version_num")) >= 150000
                    ? "SELECT p.puballtables OR EXISTS (SELECT 1 FROM pg_publication_namespace n WHERE n.pnpubid = p.oid)"
                            + " FROM pg_publication p WHERE p.pubname = ?"
                    : "SELECT puballtables FROM pg_publication WHERE pubname = ?";
            try (PreparedStatement s = c.prepareStatement(sql)) {
                s.setString(1, source.publicationName());
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() && rs.getBoolean(1);
                }
            }
        } catch (SQLException e) {
            throw new CdcException("cannot read publication '" + source.publicationName() + "': " + e.getMessage(), e);
        }
    }

    /** The tables the publication covers, {@code schema.table}, in name order. */
    public List<String> publishedTables(Connection c) {
        List<String> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(
                "SELECT schemaname, tablename FROM pg_publication_tables WHERE pubname = ? ORDER BY 1, 2")) {
            s.setString(1, source.publicationName());
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1) + "." + rs.getString(2));
                }
            }
        } catch (SQLException e) {
            throw new CdcException("cannot list the publication's tables: " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * Whether the slot exists but the server invalidated it ({@code wal_status} {@code lost}: it fell behind
     * {@code max_slot_wal_keep_size} and the WAL it needs was removed): it can never stream again.
     */
    public boolean slotLost(Connection c) {
        try (PreparedStatement s = c.prepareStatement("SELECT wal_status FROM pg_replication_slots WHERE slot_name = ?")) {
            s.setString(1, source.slotName());
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() && "lost".equals(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new CdcException("cannot read replication slot '" + source.slotName() + "': " + e.getMessage(), e);
        }
    }

    /** The slot's confirmed position, or empty when the slot does not exist. Fails when it is not a pgoutput slot here. */
    public Optional<Long> slot(Connection c) {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT plugin, database, confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = ?")) {
            s.setString(1, source.slotName());
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                if (!"pgoutput".equals(rs.getString(1)) || !c.getCatalog().equals(rs.getString(2))) {
                    throw new SourceConfigurationException("replication slot '" + source.slotName() + "' exists for plugin "
                            + rs.getString(1) + " on database " + rs.getString(2) + "; choose another slotName or drop it");
                }
                String lsn = rs.getString(3);
                return Optional.of(lsn == null ? 0L : Lsn.parse(lsn));
            }
        } catch (SQLException e) {
            throw new CdcException("cannot read replication slots: " + e.getMessage(), e);
        }
    }

    /** Fails when the slot is streaming to another connection (another capture of this connector). */
    public void checkSlotIdle(Connection c) {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT active_pid FROM pg_replication_slots WHERE slot_name = ? AND active")) {
            s.setString(1, source.slotName());
            try (ResultSet rs = s.executeQuery()) {
                if (rs.next()) {
                    throw new CdcException("replication slot '" + source.slotName() + "' is in use by server process "
                            + rs.getInt(1) + ": another capture of connector '" + source.name() + "' is running;"
                            + " run one capture per connector name");
                }
            }
        } catch (SQLException e) {
            throw new CdcException("cannot read replication slots: " + e.getMessage(), e);
        }
    }

    /** Drops the slot if it exists. */
    public void dropSlot(Connection c) {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ?")) {
            s.setString(1, source.slotName());
            s.execute();
        } catch (SQLException e) {
            throw new CdcException("cannot drop replication slot '" + source.slotName() + "': " + e.getMessage()
                    + " (is a capture still running?)", e);
        }
    }

    /** Drops the publication if it exists. */
    public void dropPublication(Connection c) {
        try (Statement s = c.createStatement()) {
            s.execute("DROP PUBLICATION IF EXISTS " + TableSelection.quote(source.publicationName()));
        } catch (SQLException e) {
            throw new CdcException("cannot drop publication '" + source.publicationName() + "': " + e.getMessage(), e);
        }
    }

    private static String single(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static String firstString(PreparedStatement s) throws SQLException {
        try (ResultSet rs = s.executeQuery()) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
