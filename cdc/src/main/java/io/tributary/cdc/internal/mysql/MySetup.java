package io.tributary.cdc.internal.mysql;

import io.tributary.cdc.MySqlSource;
import io.tributary.cdc.SourceConfigurationException;
import io.tributary.cdc.TableSelection;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Connects to the source and checks that it is set up for binlog capture. */
final class MySetup {
    /** {@code GRANT <privileges> ON *.* TO ...}, a line of {@code SHOW GRANTS}. */
    private static final Pattern GLOBAL_GRANT = Pattern.compile("GRANT (.+?) ON \\*\\.\\* TO ", Pattern.CASE_INSENSITIVE);
    private final MySqlSource source;
    private boolean mariaDb;

    MySetup(MySqlSource source) {
        this.source = source;
    }

    /** A JDBC connection with the session time zone at UTC (snapshot values of TIMESTAMP columns). */
    Connection connect() {
        try {
            Connection c = DriverManager.getConnection(source.jdbcUrl(), source.user(), source.password());
            try (Statement s = c.createStatement()) {
                s.execute("SET time_zone = '+00:00'");
            }
            return c;
        } catch (SQLException e) {
            throw new SourceConfigurationException("cannot connect to " + source.jdbcUrl() + " as '" + source.user() + "': "
                    + e.getMessage(), e);
        }
    }

    /** Whether the server is MariaDB (known after {@link #check}). */
    boolean mariaDb() {
        return mariaDb;
    }

    /**
     * Checks the binlog settings, the account's privileges and the tables; throws
     * {@link SourceConfigurationException} naming the setting or grant to change.
     */
    void check(Connection c) throws SQLException {
        mariaDb = scalar(c, "SELECT VERSION()").toLowerCase(Locale.ROOT).contains("mariadb");
        String logBin = scalar(c, "SELECT @@GLOBAL.log_bin");
        if (!"1".equals(logBin) && !"ON".equalsIgnoreCase(logBin)) {
            throw new SourceConfigurationException("the binary log is off (log_bin = OFF): add 'log_bin = mysql-bin' and"
                    + " 'server_id = 1' under [mysqld] in the server's my.cnf (or start it with --log-bin=mysql-bin) and restart it");
        }
        require(c, "binlog_format", "ROW", "the binlog must log rows");
        require(c, "binlog_row_image", "FULL", "the binlog must carry whole rows (before and after images)");
        String compression = null;
        try {
            compression = scalar(c, "SELECT @@GLOBAL.binlog_transaction_compression"); // MySQL 8.0.20+; MariaDB has none
        } catch (SQLException e) {
            // no such setting: transactions are not compressed
        }
        if (compression != null && ("1".equals(compression) || "ON".equalsIgnoreCase(compression))) {
            throw new SourceConfigurationException("binlog_transaction_compression = ON: compressed transactions in the binlog"
                    + " are not read by this capture yet; run SET GLOBAL binlog_transaction_compression = OFF (and in my.cnf)");
        }
        String metadata;
        try {
            metadata = scalar(c, "SELECT @@GLOBAL.binlog_row_metadata");
        } catch (SQLException e) {
            throw new SourceConfigurationException("the server has no binlog_row_metadata setting (it needs MariaDB 10.5 or"
                    + " later, or MySQL 8.0.1 or later): the binlog must name the columns", e);
        }
        if (!"FULL".equalsIgnoreCase(metadata)) {
            throw new SourceConfigurationException("binlog_row_metadata = '" + metadata + "', capture needs FULL (column"
                    + " names and types in the binlog): run SET GLOBAL binlog_row_metadata = 'FULL' and add"
                    + " 'binlog_row_metadata = FULL' under [mysqld] in my.cnf");
        }
        String account = accountName(c);
        Set<String> privileges = new HashSet<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT PRIVILEGE_TYPE FROM information_schema.USER_PRIVILEGES"
                     + " WHERE GRANTEE = CONCAT('''', SUBSTRING_INDEX(CURRENT_USER(), '@', 1), '''@''',"
                     + " SUBSTRING_INDEX(CURRENT_USER(), '@', -1), '''')")) {
            while (rs.next()) {
                privileges.add(rs.getString(1).toUpperCase(Locale.ROOT));
            }
        }
        // A server started with --skip-grant-tables has no current account and checks no privilege (nor runs SHOW GRANTS).
        boolean grantsOff = scalar(c, "SELECT CURRENT_USER()").isBlank() || scalar(c, "SELECT CURRENT_USER()").equals("@");
        if (!grantsOff) {
            globalGrants(c, "SHOW GRANTS", privileges);
            if (!mariaDb && !(privileges.contains("REPLICATION SLAVE") && privileges.contains("REPLICATION CLIENT"))) {
                activeRoleGrants(c, privileges);
            }
        }
        // MySQL 8: a role's privileges count only in sessions where the role is active (SET DEFAULT ROLE, or
        // activate_all_roles_on_login); the binlog connection is such a session like this one.
        String roleHint = mariaDb ? "" : " (or, if a role grants it, make the role active at login: SET DEFAULT ROLE ALL TO "
                + account + ")";
        if (!grantsOff && !privileges.contains("REPLICATION SLAVE")) {
            throw new SourceConfigurationException("the account " + account + " lacks the REPLICATION SLAVE privilege"
                    + " (needed to read the binlog): run GRANT REPLICATION SLAVE ON *.* TO " + account + roleHint);
        }
        if (!grantsOff && !privileges.contains("REPLICATION CLIENT") && !privileges.contains("BINLOG MONITOR")) {
            throw new SourceConfigurationException("the account " + account + " lacks the REPLICATION CLIENT privilege"
                    + " (BINLOG MONITOR on MariaDB; needed to read the binlog position): run GRANT REPLICATION CLIENT ON *.* TO "
                    + account + roleHint);
        }
        for (TableSelection t : source.tables()) {
            String name = quote(t.schema()) + "." + quote(t.table());
            try (Statement s = c.createStatement()) {
                s.executeQuery("SELECT 1 FROM " + name + " LIMIT 0").close();
            } catch (SQLException e) {
                if (e.getErrorCode() == 1146) {
                    throw new SourceConfigurationException("table " + t.schema() + "." + t.table() + " does not exist", e);
                }
                if (e.getErrorCode() == 1142 || e.getErrorCode() == 1044) {
                    throw new SourceConfigurationException("the account " + account + " may not read table " + t.schema() + "."
                            + t.table() + ": run GRANT SELECT ON " + name + " TO " + account, e);
                }
                throw e;
            }
        }
    }

    /**
     * Adds the global privileges {@code SHOW GRANTS} lists: the account's own and, on MariaDB, those of its enabled
     * roles (a grant through {@code SET DEFAULT ROLE} is not in {@code USER_PRIVILEGES}). {@code ALL PRIVILEGES}
     * stands for every privilege checked here.
     */
    private static void globalGrants(Connection c, String showGrants, Set<String> out) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(showGrants)) {
            while (rs.next()) {
                Matcher m = GLOBAL_GRANT.matcher(rs.getString(1));
                if (m.lookingAt()) {
                    for (String p : m.group(1).split(",")) {
                        String privilege = p.trim().toUpperCase(Locale.ROOT);
                        if (privilege.equals("ALL PRIVILEGES") || privilege.equals("ALL")) {
                            out.addAll(List.of("REPLICATION SLAVE", "REPLICATION CLIENT", "BINLOG MONITOR"));
                        }
                        out.add(privilege);
                    }
                }
            }
        }
    }

    /**
     * MySQL 8: {@code SHOW GRANTS} names the roles granted to the account, not their privileges; those of the
     * session's active roles ({@code CURRENT_ROLE()}, e.g. {@code `cdc`@`%`}) are listed by
     * {@code SHOW GRANTS ... USING} them. A server without roles (before 8.0) answers with an error: nothing to add.
     * Written to MySQL 8's documentation; the tests run MariaDB, which reports its enabled roles in {@code SHOW GRANTS}.
     */
    private static void activeRoleGrants(Connection c, Set<String> out) {
        try {
            String roles = scalar(c, "SELECT CURRENT_ROLE()");
            if (roles != null && !roles.isBlank() && !roles.equalsIgnoreCase("NONE")) {
                globalGrants(c, "SHOW GRANTS FOR CURRENT_USER() USING " + roles, out);
            }
        } catch (SQLException e) {
            // no roles on this server: the account's own grants are all there is
        }
    }

    private static void require(Connection c, String variable, String wanted, String why) throws SQLException {
        String v = scalar(c, "SELECT @@GLOBAL." + variable);
        if (!wanted.equalsIgnoreCase(v)) {
            throw new SourceConfigurationException(variable + " = '" + v + "', capture needs " + wanted + " (" + why + "): run"
                    + " SET GLOBAL " + variable + " = '" + wanted + "' and add '" + variable + " = " + wanted
                    + "' under [mysqld] in my.cnf (sessions opened before keep the old value)");
        }
    }

    /** The current binlog end (file, position, GTID state). */
    BinlogPosition current(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW MASTER STATUS")) {
            if (!rs.next()) {
                throw new SourceConfigurationException("SHOW MASTER STATUS returned nothing: is log_bin on?");
            }
            String file = rs.getString(1);
            long pos = rs.getLong(2);
            return new BinlogPosition(file, pos, gtidAt(c, file, pos));
        }
    }

    /**
     * Opens a consistent snapshot on {@code c} (which must stay open for the snapshot's reads) and
     * returns the binlog position it is consistent with. MariaDB reports it without any lock.
     */
    BinlogPosition startSnapshot(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
            s.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
            String file = null;
            long pos = -1;
            try (ResultSet rs = s.executeQuery("SHOW STATUS LIKE 'binlog_snapshot_%'")) {
                while (rs.next()) {
                    if (rs.getString(1).equalsIgnoreCase("binlog_snapshot_file")) {
                        file = rs.getString(2);
                    } else if (rs.getString(1).equalsIgnoreCase("binlog_snapshot_position")) {
                        pos = Long.parseLong(rs.getString(2));
                    }
                }
            }
            if (file == null || file.isEmpty() || pos < 0) {
                throw new SourceConfigurationException("the server does not report the binlog position of a consistent"
                        + " snapshot (binlog_snapshot_file/position are MariaDB status variables; MySQL has none): an initial"
                        + " snapshot without global locks needs MariaDB. Use snapshotMode(NEVER) and copy the rows yourself");
            }
            return new BinlogPosition(file, pos, mariaDb ? gtidAt(c, file, pos) : "");
        }
    }

    /** Whether the server still has binlog file {@code file}. */
    boolean hasBinlog(Connection c, String file) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW BINARY LOGS")) {
            while (rs.next()) {
                if (rs.getString(1).equals(file)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** MariaDB: the GTID state at {@code file}/{@code pos} of this server's binlog ("" if not an event boundary); MySQL: "". */
    String gtidAt(Connection c, String file, long pos) throws SQLException {
        if (!mariaDb) {
            return "";
        }
        String g = binlogGtidPos(c, file, pos);
        return g == null ? "" : g;
    }

    /** MariaDB's {@code BINLOG_GTID_POS(file, pos)}: the GTID state there, null when there is no such place. */
    String binlogGtidPos(Connection c, String file, long pos) throws SQLException {
        try (java.sql.PreparedStatement s = c.prepareStatement("SELECT BINLOG_GTID_POS(?, ?)")) {
            s.setString(1, file);
            s.setLong(2, pos);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** The server's {@code server_id}. */
    long serverId(Connection c) throws SQLException {
        return Long.parseLong(scalar(c, "SELECT @@GLOBAL.server_id"));
    }

    /**
     * MariaDB: whether the GTID state {@code here} that BINLOG_GTID_POS gives for a place in this server's binlog (null:
     * no such place) is {@code state}. It names only the domains this binlog has transactions of: a domain of
     * {@code state} it does not name must have none in this binlog at all (one the server got through
     * {@code gtid_slave_pos}).
     */
    boolean samePlace(Connection c, String here, String state) throws SQLException {
        if (here == null) {
            return false;
        }
        Map<Long, MariaGtid> stored = MariaGtid.byDomain(state);
        Map<Long, MariaGtid> there = MariaGtid.byDomain(here);
        if (!stored.keySet().containsAll(there.keySet())) {
            return false;
        }
        Set<Long> held = binlogState(c).stream().map(MariaGtid::domain).collect(java.util.stream.Collectors.toSet());
        for (Map.Entry<Long, MariaGtid> d : stored.entrySet()) {
            MariaGtid t = there.get(d.getKey());
            if (t == null ? held.contains(d.getKey()) : !t.equals(d.getValue())) {
                return false;
            }
        }
        return true;
    }

    /** The last transaction of each (domain, origin server) in this server's binlog: {@code gtid_binlog_state}. */
    private static List<MariaGtid> binlogState(Connection c) throws SQLException {
        return MariaGtid.list(scalar(c, "SELECT @@GLOBAL.gtid_binlog_state"));
    }

    /**
     * MariaDB: why this server cannot continue a capture after GTID state {@code state} (the last captured transaction
     * per domain), recorded with a position of the binlog of server {@code positionServerId} (0: not recorded) that is
     * not in this server's binlog, or null when it can. It can when the position is another server's — a server with
     * this {@code server_id} is this one after a purge or {@code RESET MASTER}, or an unrelated server whose GTIDs only
     * look alike — its binlog holds each of those transactions (and of {@code partials}, transactions half appended) or,
     * for a domain with no transaction in its binlog, it replicated exactly up to it, and it has not purged what follows.
     * {@code serverId} is this server's.
     */
    String gtidResumeProblem(Connection c, long serverId, String state, long positionServerId, List<MariaGtid> partials)
            throws SQLException {
        Map<Long, MariaGtid> wanted = MariaGtid.byDomain(state);
        String first;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW BINARY LOGS")) {
            first = rs.next() ? rs.getString(1) : null;
        }
        Map<Long, MariaGtid> start = first == null ? Map.of() : MariaGtid.byDomain(gtidAt(c, first, 4));
        for (MariaGtid w : wanted.values()) {
            MariaGtid b = start.get(w.domain());
            if (b != null && b.seq() > w.seq()) {
                return "this server's oldest binlog " + first + " starts after GTID " + b + "; the transactions after the"
                        + " captured " + w + " are purged from it (keep binlogs longer: binlog_expire_logs_seconds)";
            }
        }
        // Offsets from before the server was recorded: GTIDs all of this server's origin stand in for it.
        boolean recordedHere = positionServerId == serverId || (positionServerId == 0 && !wanted.isEmpty()
                && wanted.values().stream().allMatch(g -> g.server() == serverId));
        if (recordedHere) {
            return "the position was recorded reading a server with this server's server_id (" + serverId + "), yet"
                    + " this server's binlog does not hold it: this is that server after RESET MASTER, or another"
                    + " server with the same server_id, whose GTIDs only look alike (the servers of one replication"
                    + " topology need distinct server_ids)";
        }
        List<MariaGtid> held = binlogState(c);
        List<MariaGtid> replicated = MariaGtid.list(scalar(c, "SELECT @@GLOBAL.gtid_slave_pos"));
        List<MariaGtid> needed = new ArrayList<>(wanted.values());
        needed.addAll(partials);
        for (MariaGtid g : needed) {
            boolean inBinlog = held.stream().anyMatch(h -> h.domain() == g.domain() && h.server() == g.server() && h.seq() >= g.seq());
            // A domain idle since: replicated up to exactly this transaction, nothing of it in the binlog.
            boolean idleDomain = held.stream().noneMatch(h -> h.domain() == g.domain()) && replicated.contains(g);
            if (!inBinlog && !idleDomain) {
                return "this server's binlog does not hold the captured transaction " + g + " (its last transactions per"
                        + " origin server: '" + held.stream().map(MariaGtid::toString).collect(java.util.stream.Collectors.joining(","))
                        + "'): it has not replicated everything captured, or it diverged (wait until it has, e.g. SELECT"
                        + " MASTER_GTID_WAIT('" + g + "'), and make sure it writes what it replicates to its own binlog:"
                        + " log_slave_updates = ON)";
            }
        }
        return null;
    }

    private static String accountName(Connection c) throws SQLException {
        String cu = scalar(c, "SELECT CURRENT_USER()");
        int at = cu.lastIndexOf('@');
        return at < 0 ? "'" + cu + "'" : "'" + cu.substring(0, at) + "'@'" + cu.substring(at + 1) + "'";
    }

    static String quote(String identifier) {
        return '`' + identifier.replace("`", "``") + '`';
    }

    private static String scalar(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
