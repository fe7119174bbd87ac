package io.tributary.cdc.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.cdc.CdcException;
import io.tributary.cdc.JdbcSinkConfig;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StreamName;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Applies batches of change events to a target database in one transaction each, together with
 * the sink's checkpoint: PostgreSQL (values bound as text and cast to the target column's type) or
 * MariaDB/MySQL (values bound as text in the forms those servers read; see {@link SinkDialect}).
 *
 * <p>Consecutive changes that take the same statement (upserts of a table with the same columns,
 * deletes of a table) go to the target as one JDBC batch: one round trip instead of one per row.
 * Any other statement sends the batch first, so the target applies every change in log order.
 * Statements are prepared once and kept (the most recently used {@value #STATEMENTS}).
 */
public final class SinkApplier implements AutoCloseable {
    static final String CHECKPOINTS = "tributary_cdc_sink_checkpoint";
    static final int STATEMENTS = 64;
    private final SinkDialect dialect;
    private final JdbcSinkConfig config;
    private final ObjectMapper json = new ObjectMapper();
    private final Connection connection;
    private final Map<String, Target> targets = new HashMap<>();
    /** Prepared statements by SQL, least recently used first; the eldest is closed past {@link #STATEMENTS}. */
    private final Map<String, PreparedStatement> statements = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, PreparedStatement> eldest) {
            if (size() <= STATEMENTS) {
                return false;
            }
            closeQuietly(eldest.getValue());
            return true;
        }
    };
    /** The statement whose batch is being filled (its SQL), or null. */
    private PreparedStatement pending;
    private String pendingSql;
    /** Round trips (batches and single statements) sent to the target, for tests and the benchmark. */
    private long roundTrips;

    /** A target table: its quoted name, column types (the dialect's names) and key columns. */
    record Target(String quotedName, Map<String, String> types, List<String> keys) {
    }

    /** Connects and creates the checkpoint table if missing. */
    public SinkApplier(JdbcSinkConfig config) {
        this.config = config;
        this.dialect = SinkDialect.of(config.jdbcUrl());
        Properties p = new Properties();
        p.setProperty("user", config.user());
        p.setProperty("password", config.password());
        try {
            // A jdbc:mysql: URL goes to MariaDB Connector/J (on the class path for the MySQL capture), which speaks to both.
            String url = config.jdbcUrl().startsWith("jdbc:mysql:")
                    ? "jdbc:mariadb:" + config.jdbcUrl().substring("jdbc:mysql:".length()) : config.jdbcUrl();
            connection = DriverManager.getConnection(url, p);
            try (Statement s = connection.createStatement()) {
                for (String sql : dialect.prepare()) {
                    s.execute(sql);
                }
            }
            connection.setAutoCommit(false);
        } catch (SQLException e) {
            throw new CdcException("JDBC sink '" + config.name() + "': cannot prepare the target " + config.jdbcUrl() + ": "
                    + e.getMessage(), e);
        }
    }

    /** The checkpoint: the log position of the last applied event, {@code -1} when none. */
    public long checkpoint() {
        try (PreparedStatement s = connection.prepareStatement("SELECT position FROM " + CHECKPOINTS + " WHERE name = ?")) {
            s.setString(1, config.name());
            try (ResultSet rs = s.executeQuery()) {
                long pos = rs.next() ? rs.getLong(1) : -1;
                connection.commit();
                return pos;
            }
        } catch (SQLException e) {
            throw new CdcException("JDBC sink '" + config.name() + "': cannot read its checkpoint: " + e.getMessage(), e);
        }
    }

    /** Applies the events and moves the checkpoint, in one target transaction. */
    public void apply(List<RecordedEvent> events) {
        try {
            for (RecordedEvent e : events) {
                if (e.type().startsWith("cdc.")) {
                    applyOne(e);
                }
            }
            sendPending();
            PreparedStatement s = statement(dialect.saveCheckpoint());
            s.setString(1, config.name());
            s.setLong(2, events.get(events.size() - 1).position());
            execute(s);
            connection.commit();
        } catch (SQLException | IOException | RuntimeException e) {
            discardPending();
            try {
                connection.rollback();
            } catch (SQLException r) {
                e.addSuppressed(r);
            }
            throw new CdcException("JDBC sink '" + config.name() + "' could not apply events up to position "
                    + events.get(events.size() - 1).position() + ": " + describe(e), e);
        }
    }

    /** Round trips to the target so far (a batch of statements counts once). */
    public long roundTrips() {
        return roundTrips;
    }

    /** The statement for {@code sql}, prepared once. */
    private PreparedStatement statement(String sql) throws SQLException {
        PreparedStatement s = statements.get(sql);
        if (s == null) {
            s = connection.prepareStatement(sql);
            statements.put(sql, s);
        }
        return s;
    }

    /**
     * The statement for {@code sql} to add one more change to the batch: the batch being filled if
     * it has the same SQL, else a new one after the pending batch is sent. Bind, then {@code addBatch}.
     */
    private PreparedStatement batched(String sql) throws SQLException {
        if (pending != null && !pendingSql.equals(sql)) {
            sendPending();
        }
        if (pending == null) {
            pending = statement(sql);
            pendingSql = sql;
        }
        return pending;
    }

    /** Sends the batch being filled, if any. */
    private void sendPending() throws SQLException {
        if (pending != null) {
            PreparedStatement s = pending;
            pending = null;
            pendingSql = null;
            s.executeBatch();
            roundTrips++;
        }
    }

    /** Runs a statement now (after the pending batch, to keep the changes in order); its update count. */
    private int execute(PreparedStatement s) throws SQLException {
        sendPending();
        roundTrips++;
        return s.executeUpdate();
    }

    private void discardPending() {
        if (pending != null) {
            try {
                pending.clearBatch();
            } catch (SQLException e) {
                // the transaction is rolled back anyway
            }
            pending = null;
            pendingSql = null;
        }
    }

    /** The error's message, with the target's own reason when a batch failed (JDBC chains it). */
    private static String describe(Exception e) {
        String m = e.getMessage();
        if (e instanceof java.sql.BatchUpdateException b && b.getNextException() != null
                && (m == null || !m.contains(b.getNextException().getMessage()))) {
            m = m + " (" + b.getNextException().getMessage() + ")";
        }
        return m;
    }

    private static void closeQuietly(PreparedStatement s) {
        try {
            s.close();
        } catch (SQLException e) {
            // a statement of an open connection: nothing to do
        }
    }

    private void applyOne(RecordedEvent e) throws SQLException, IOException {
        String category = StreamName.categoryOf(e.stream().value());
        String table = config.tables().get(category);
        if (table == null) {
            return;
        }
        Target target = target(table);
        JsonNode env = json.readTree(e.data());
        String op = env.path("op").asText();
        switch (op) {
            case "c", "r", "u" -> upsert(target, env.get("after"), env.path("unavailable"));
            case "d" -> delete(target, env.get("before"));
            case "t" -> execute(statement("DELETE FROM " + target.quotedName()));
            default -> throw new CdcException("unknown op '" + op + "' in " + e);
        }
    }

    private void upsert(Target t, JsonNode after, JsonNode unavailable) throws SQLException {
        Map<String, JsonNode> cols = new LinkedHashMap<>();
        boolean partial = false;
        for (Map.Entry<String, JsonNode> c : after.properties()) {
            if (t.types().containsKey(c.getKey())) {
                if (contains(unavailable, c.getKey())) {
                    partial = true;
                } else {
                    cols.put(c.getKey(), c.getValue());
                }
            }
        }
        if (partial && update(t, cols) > 0) {
            // An unchanged TOASTed value means the row existed before this change: update what changed
            // and keep the rest (an INSERT without the column would trip a NOT NULL on the target).
            return;
        }
        List<String> names = new ArrayList<>(cols.keySet());
        String sql = dialect.upsert(t, names);
        PreparedStatement s = batched(sql);
        int p = 1;
        for (Map.Entry<String, JsonNode> c : cols.entrySet()) {
            s.setString(p++, dialect.text(c.getValue(), t.types().get(c.getKey())));
        }
        s.addBatch();
    }

    /** Updates the target row with these columns by key; the number of rows changed (0: no such row). */
    private int update(Target t, Map<String, JsonNode> cols) throws SQLException {
        List<String> set = new ArrayList<>();
        for (String c : cols.keySet()) {
            if (!t.keys().contains(c)) {
                set.add(c);
            }
        }
        StringBuilder sql = new StringBuilder("UPDATE ").append(t.quotedName()).append(" SET ");
        if (set.isEmpty()) {
            // Nothing but the key is known: touch the key itself, to learn whether the row exists.
            set.add(t.keys().get(0));
        }
        for (int i = 0; i < set.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append(dialect.quote(set.get(i))).append(" = ").append(dialect.placeholder(t, set.get(i)));
        }
        sql.append(" WHERE ");
        for (int k = 0; k < t.keys().size(); k++) {
            String c = t.keys().get(k);
            sql.append(k == 0 ? "" : " AND ").append(dialect.quote(c)).append(" = ").append(dialect.placeholder(t, c));
        }
        PreparedStatement s = statement(sql.toString());
        int p = 1;
        for (String c : set) {
            s.setString(p++, dialect.text(cols.get(c), t.types().get(c)));
        }
        for (String c : t.keys()) {
            s.setString(p++, dialect.text(cols.get(c), t.types().get(c)));
        }
        return execute(s);
    }

    private void delete(Target t, JsonNode before) throws SQLException {
        StringBuilder sql = new StringBuilder("DELETE FROM ").append(t.quotedName()).append(" WHERE ");
        for (int k = 0; k < t.keys().size(); k++) {
            String c = t.keys().get(k);
            sql.append(k == 0 ? "" : " AND ").append(dialect.quote(c)).append(" = ").append(dialect.placeholder(t, c));
        }
        PreparedStatement s = batched(sql.toString());
        for (int k = 0; k < t.keys().size(); k++) {
            String c = t.keys().get(k);
            s.setString(k + 1, dialect.text(before.get(c), t.types().get(c)));
        }
        s.addBatch();
    }

    private static boolean contains(JsonNode array, String name) {
        if (array != null && array.isArray()) {
            for (JsonNode n : array) {
                if (name.equals(n.asText())) {
                    return true;
                }
            }
        }
        return false;
    }

    private Target target(String table) throws SQLException {
        Target t = targets.get(table);
        if (t == null) {
            t = dialect.describe(connection, table, config.name());
            targets.put(table, t);
        }
        return t;
    }

    /** Closes the statements and the connection. */
    @Override
    public void close() {
        for (PreparedStatement s : statements.values()) {
            closeQuietly(s);
        }
        statements.clear();
        try {
            connection.close();
        } catch (SQLException e) {
            // closing anyway
        }
    }
}
