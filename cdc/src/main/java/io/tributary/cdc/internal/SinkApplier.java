package io.tributary.cdc.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.cdc.CdcException;
import io.tributary.cdc.JdbcSinkConfig;
import io.tributary.cdc.TableSelection;
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
 * Applies batches of change events to a PostgreSQL target in one transaction each, together with
 * the sink's checkpoint. Values are bound as text and cast to the target column's type.
 *
 * <p>Consecutive changes that take the same statement (upserts of a table with the same columns,
 * deletes of a table) go to the target as one JDBC batch: one round trip instead of one per row.
 * Any other statement sends the batch first, so the target applies every change in log order.
 * Statements are prepared once and kept (the most recently used {@value #STATEMENTS}).
 */
public final class SinkApplier implements AutoCloseable {
    private static final String CHECKPOINTS = "tributary_cdc_sink_checkpoint";
    private static final String SAVE_CHECKPOINT = "INSERT INTO " + CHECKPOINTS + " (name, position) VALUES (?, ?)"
            + " ON CONFLICT (name) DO UPDATE SET position = excluded.position";
    static final int STATEMENTS = 64;
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

    /** A target table: column types and key columns. */
    private record Target(String quotedName, Map<String, String> types, List<String> keys) {
    }

    /** Connects and creates the checkpoint table if missing. */
    public SinkApplier(JdbcSinkConfig config) {
        this.config = config;
        Properties p = new Properties();
        p.setProperty("user", config.user());
        p.setProperty("password", config.password());
        try {
            connection = DriverManager.getConnection(config.jdbcUrl(), p);
            try (Statement s = connection.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS " + CHECKPOINTS + " (name text PRIMARY KEY, position bigint NOT NULL)");
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
            PreparedStatement s = statement(SAVE_CHECKPOINT);
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
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(t.quotedName()).append(" (");
        StringBuilder values = new StringBuilder();
        StringBuilder updates = new StringBuilder();
        int i = 0;
        for (String c : cols.keySet()) {
            sql.append(i == 0 ? "" : ", ").append(TableSelection.quote(c));
            values.append(i == 0 ? "" : ", ").append(cast(t, c));
            if (!t.keys().contains(c)) {
                updates.append(updates.length() == 0 ? "" : ", ").append(TableSelection.quote(c)).append(" = excluded.")
                        .append(TableSelection.quote(c));
            }
            i++;
        }
        sql.append(") VALUES (").append(values).append(") ON CONFLICT (");
        for (int k = 0; k < t.keys().size(); k++) {
            sql.append(k == 0 ? "" : ", ").append(TableSelection.quote(t.keys().get(k)));
        }
        sql.append(updates.length() == 0 ? ") DO NOTHING" : ") DO UPDATE SET " + updates);
        PreparedStatement s = batched(sql.toString());
        int p = 1;
        for (Map.Entry<String, JsonNode> c : cols.entrySet()) {
            s.setString(p++, text(c.getValue(), t.types().get(c.getKey())));
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
            sql.append(i == 0 ? "" : ", ").append(TableSelection.quote(set.get(i))).append(" = ").append(cast(t, set.get(i)));
        }
        sql.append(" WHERE ");
        for (int k = 0; k < t.keys().size(); k++) {
            String c = t.keys().get(k);
            sql.append(k == 0 ? "" : " AND ").append(TableSelection.quote(c)).append(" = ").append(cast(t, c));
        }
        PreparedStatement s = statement(sql.toString());
        int p = 1;
        for (String c : set) {
            s.setString(p++, text(cols.get(c), t.types().get(c)));
        }
        for (String c : t.keys()) {
            s.setString(p++, text(cols.get(c), t.types().get(c)));
        }
        return execute(s);
    }

    private void delete(Target t, JsonNode before) throws SQLException {
        StringBuilder sql = new StringBuilder("DELETE FROM ").append(t.quotedName()).append(" WHERE ");
        for (int k = 0; k < t.keys().size(); k++) {
            String c = t.keys().get(k);
            sql.append(k == 0 ? "" : " AND ").append(TableSelection.quote(c)).append(" = ").append(cast(t, c));
        }
        PreparedStatement s = batched(sql.toString());
        for (int k = 0; k < t.keys().size(); k++) {
            String c = t.keys().get(k);
            s.setString(k + 1, text(before.get(c), t.types().get(c)));
        }
        s.addBatch();
    }

    private static String cast(Target t, String column) {
        String type = t.types().get(column);
        return "bytea".equals(type) ? "decode(?, 'base64')" : "CAST(? AS " + type + ")";
    }

    /** The JSON value as PostgreSQL input text for the column type. */
    private String text(JsonNode v, String type) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isArray() && type.endsWith("[]")) {
            return arrayLiteral(v);
        }
        if (v.isContainerNode()) {
            return v.toString();
        }
        return v.asText();
    }

    private String arrayLiteral(JsonNode array) {
        StringBuilder b = new StringBuilder("{");
        for (int i = 0; i < array.size(); i++) {
            JsonNode e = array.get(i);
            b.append(i == 0 ? "" : ",");
            if (e.isNull()) {
                b.append("NULL");
            } else if (e.isArray()) {
                b.append(arrayLiteral(e));
            } else {
                String s = e.isContainerNode() ? e.toString() : e.asText();
                b.append('"').append(s.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            }
        }
        return b.append('}').toString();
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
        if (t != null) {
            return t;
        }
        String quoted = TableSelection.of(table).quotedName();
        Map<String, String> types = new LinkedHashMap<>();
        try (PreparedStatement s = connection.prepareStatement("SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute"
                + " WHERE attrelid = to_regclass(?) AND attnum > 0 AND NOT attisdropped ORDER BY attnum")) {
            s.setString(1, quoted);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    types.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        if (types.isEmpty()) {
            throw new CdcException("JDBC sink '" + config.name() + "': target table " + quoted + " does not exist; create it first");
        }
        List<String> keys = new ArrayList<>();
        try (PreparedStatement s = connection.prepareStatement("SELECT a.attname FROM pg_index i JOIN pg_attribute a"
                + " ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey::int2[]) WHERE i.indrelid = to_regclass(?)"
                + " AND i.indisprimary ORDER BY array_position(i.indkey::int2[], a.attnum)")) {
            s.setString(1, quoted);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    keys.add(rs.getString(1));
                }
            }
        }
        if (keys.isEmpty()) {
            throw new CdcException("JDBC sink '" + config.name() + "': target table " + quoted + " has no primary key;"
                    + " add one on the captured key columns");
        }
        t = new Target(quoted, types, keys);
        targets.put(table, t);
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
