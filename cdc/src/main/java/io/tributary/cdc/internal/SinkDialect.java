package io.tributary.cdc.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.cdc.CdcException;
import io.tributary.cdc.TableSelection;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What the JDBC sink says differently to each kind of target database: the checkpoint table, the
 * upsert, identifier quoting, how a column's value is bound, and where the table's columns and key
 * are found. Values arrive as the change events' JSON ({@code after}/{@code before}).
 */
abstract class SinkDialect {

    /** The dialect of the target {@code jdbcUrl}. */
    static SinkDialect of(String jdbcUrl) {
        if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            return new Postgres();
        }
        if (jdbcUrl.startsWith("jdbc:mariadb:") || jdbcUrl.startsWith("jdbc:mysql:")) {
            return new MariaDb();
        }
        throw new CdcException("no JDBC sink dialect for " + jdbcUrl);
    }

    /** Statements run once on connecting: the checkpoint table, session settings. */
    abstract List<String> prepare();

    /** Saves the checkpoint: parameters name, position. */
    abstract String saveCheckpoint();

    abstract String quote(String identifier);

    /** Insert-or-update of {@code columns} (keys included) by the key; parameters in {@code columns}' order. */
    final String upsert(SinkApplier.Target t, List<String> columns) {
        StringBuilder names = new StringBuilder();
        StringBuilder values = new StringBuilder();
        List<String> others = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            String c = columns.get(i);
            names.append(i == 0 ? "" : ", ").append(quote(c));
            values.append(i == 0 ? "" : ", ").append(placeholder(t, c));
            if (!t.keys().contains(c)) {
                others.add(c);
            }
        }
        return insert(others.isEmpty()) + " INTO " + t.quotedName() + " (" + names + ") VALUES (" + values + ")"
                + onConflict(t, others);
    }

    /** The insert verb: {@code onlyKeys} when every column is a key column (nothing to update on a conflict). */
    String insert(boolean onlyKeys) {
        return "INSERT";
    }

    /** What the upsert does when the key exists: set {@code others} (empty: nothing). */
    abstract String onConflict(SinkApplier.Target t, List<String> others);

    /** The placeholder for a value of {@code column} (a cast or a decoding around {@code ?}). */
    abstract String placeholder(SinkApplier.Target t, String column);

    /** The JSON value as the text bound to {@link #placeholder} for a column of {@code type}; null for SQL NULL. */
    abstract String text(JsonNode v, String type);

    /** The target table's quoted name, column types and primary key; throws if it is missing or has no key. */
    final SinkApplier.Target describe(Connection c, String table, String sink) throws SQLException {
        String quoted = quotedName(table);
        Map<String, String> types = new LinkedHashMap<>();
        for (String[] row : query(c, columnsQuery(), table, 2)) {
            types.put(row[0], typeName(row[1]));
        }
        if (types.isEmpty()) {
            throw missing(sink, quoted);
        }
        List<String> keys = new ArrayList<>();
        for (String[] row : query(c, keysQuery(), table, 1)) {
            keys.add(row[0]);
        }
        if (keys.isEmpty()) {
            throw keyless(sink, quoted);
        }
        return new SinkApplier.Target(quoted, types, keys);
    }

    /** The quoted name of a configured target table. */
    abstract String quotedName(String table);

    /** The table's columns in order (name, type), with the parameters of {@link #bindTable}. */
    abstract String columnsQuery();

    /** The table's primary key columns in order (name), with the parameters of {@link #bindTable}. */
    abstract String keysQuery();

    /** Binds the parameters naming {@code table} in the catalog queries. */
    abstract void bindTable(PreparedStatement s, String table) throws SQLException;

    /** A catalog type name as the dialect compares it. */
    String typeName(String type) {
        return type;
    }

    private List<String[]> query(Connection c, String sql, String table, int columns) throws SQLException {
        List<String[]> rows = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(sql)) {
            bindTable(s, table);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    String[] row = new String[columns];
                    for (int i = 0; i < columns; i++) {
                        row[i] = rs.getString(i + 1);
                    }
                    rows.add(row);
                }
            }
        }
        return rows;
    }

    static CdcException missing(String sink, String table) {
        return new CdcException("JDBC sink '" + sink + "': target table " + table + " does not exist; create it first");
    }

    static CdcException keyless(String sink, String table) {
        return new CdcException("JDBC sink '" + sink + "': target table " + table + " has no primary key;"
                + " add one on the captured key columns");
    }

    /** PostgreSQL: values bound as text and cast to the column's type, {@code ON CONFLICT}. */
    static final class Postgres extends SinkDialect {
        @Override
        List<String> prepare() {
            return List.of("CREATE TABLE IF NOT EXISTS " + SinkApplier.CHECKPOINTS + " (name text PRIMARY KEY, position bigint NOT NULL)");
        }

        @Override
        String saveCheckpoint() {
            return "INSERT INTO " + SinkApplier.CHECKPOINTS + " (name, position) VALUES (?, ?)"
                    + " ON CONFLICT (name) DO UPDATE SET position = excluded.position";
        }

        @Override
        String quote(String identifier) {
            return TableSelection.quote(identifier);
        }

        @Override
        String onConflict(SinkApplier.Target t, List<String> others) {
            StringBuilder sql = new StringBuilder(" ON CONFLICT (");
            for (int k = 0; k < t.keys().size(); k++) {
                sql.append(k == 0 ? "" : ", ").append(quote(t.keys().get(k)));
            }
            if (others.isEmpty()) {
                return sql.append(") DO NOTHING").toString();
            }
            sql.append(") DO UPDATE SET ");
            for (int i = 0; i < others.size(); i++) {
                sql.append(i == 0 ? "" : ", ").append(quote(others.get(i))).append(" = excluded.").append(quote(others.get(i)));
            }
            return sql.toString();
        }

        @Override
        String placeholder(SinkApplier.Target t, String column) {
            String type = t.types().get(column);
            return "bytea".equals(type) ? "decode(?, 'base64')" : "CAST(? AS " + type + ")";
        }

        @Override
        String text(JsonNode v, String type) {
            if (v == null || v.isNull()) {
                return null;
            }
            if (v.isArray() && type.endsWith("[]")) {
                return arrayLiteral(v);
            }
            return v.isContainerNode() ? v.toString() : v.asText();
        }

        private static String arrayLiteral(JsonNode array) {
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

        @Override
        String quotedName(String table) {
            return TableSelection.of(table).quotedName();
        }

        @Override
        String columnsQuery() {
            return "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute"
                    + " WHERE attrelid = to_regclass(?) AND attnum > 0 AND NOT attisdropped ORDER BY attnum";
        }

        @Override
        String keysQuery() {
            return "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid"
                    + " AND a.attnum = ANY(i.indkey::int2[]) WHERE i.indrelid = to_regclass(?) AND i.indisprimary"
                    + " ORDER BY array_position(i.indkey::int2[], a.attnum)";
        }

        @Override
        void bindTable(PreparedStatement s, String table) throws SQLException {
            s.setString(1, quotedName(table));
        }
    }

    /**
     * MariaDB and MySQL: {@code ON DUPLICATE KEY UPDATE}, backquoted names, the session in UTC. Values are bound as
     * text the server converts on assignment, after turning the events' forms into the ones it reads: booleans
     * as 1/0 (cast to a number for {@code bit} columns), instants and date-times as {@code yyyy-MM-dd HH:mm:ss.SSSSSS}
     * (instants in UTC), binary values from base64 ({@code FROM_BASE64}), arrays and objects as JSON text.
     */
    static final class MariaDb extends SinkDialect {
        private static final Set<String> BINARY = Set.of("binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob");
        private static final Set<String> DATETIME = Set.of("datetime", "timestamp");
        private static final DateTimeFormatter SQL_DATETIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS", Locale.ROOT);

        @Override
        List<String> prepare() {
            return List.of("SET time_zone = '+00:00'", "CREATE TABLE IF NOT EXISTS " + SinkApplier.CHECKPOINTS
                    + " (name varchar(100) PRIMARY KEY, position bigint NOT NULL)");
        }

        @Override
        String saveCheckpoint() {
            return "INSERT INTO " + SinkApplier.CHECKPOINTS + " (name, position) VALUES (?, ?)"
                    + " ON DUPLICATE KEY UPDATE position = VALUES(position)";
        }

        @Override
        String quote(String identifier) {
            return '`' + identifier.replace("`", "``") + '`';
        }

        @Override
        String insert(boolean onlyKeys) {
            return onlyKeys ? "INSERT IGNORE" : "INSERT"; // only key columns: a row that exists is already right
        }

        @Override
        String onConflict(SinkApplier.Target t, List<String> others) {
            StringBuilder sql = new StringBuilder();
            for (int i = 0; i < others.size(); i++) {
                String q = quote(others.get(i));
                sql.append(i == 0 ? " ON DUPLICATE KEY UPDATE " : ", ").append(q).append(" = VALUES(").append(q).append(')');
            }
            return sql.toString();
        }

        @Override
        String placeholder(SinkApplier.Target t, String column) {
            String type = t.types().get(column);
            if (BINARY.contains(type)) {
                return "FROM_BASE64(?)";
            }
            // A string assigned to a bit column is taken as its bytes ('1' is 0x31): a number is wanted.
            return "bit".equals(type) ? "CAST(? AS UNSIGNED)" : "?";
        }

        @Override
        String text(JsonNode v, String type) {
            if (v == null || v.isNull()) {
                return null;
            }
            if (v.isBoolean()) {
                return v.asBoolean() ? "1" : "0";
            }
            if (v.isContainerNode()) {
                return v.toString();
            }
            String s = v.asText();
            if (DATETIME.contains(type)) {
                return dateTime(s);
            }
            return s;
        }

        /** An instant (with Z or an offset) in UTC, or a date-time as it is, in the server's literal form. */
        private static String dateTime(String s) {
            try {
                if (s.endsWith("Z") || s.lastIndexOf('+') > 10 || s.lastIndexOf('-') > 10) {
                    return OffsetDateTime.parse(s).withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime().format(SQL_DATETIME);
                }
                return LocalDateTime.parse(s.replace(' ', 'T')).format(SQL_DATETIME);
            } catch (DateTimeParseException e) {
                return s; // infinity and other forms: the server says what it thinks of them
            }
        }

        @Override
        String quotedName(String table) {
            int dot = table.indexOf('.');
            return dot < 0 ? quote(table) : quote(table.substring(0, dot)) + "." + quote(table.substring(dot + 1));
        }

        @Override
        String columnsQuery() {
            return "SELECT COLUMN_NAME, DATA_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = COALESCE(?, DATABASE())"
                    + " AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION";
        }

        @Override
        String keysQuery() {
            return "SELECT COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = COALESCE(?, DATABASE())"
                    + " AND TABLE_NAME = ? AND CONSTRAINT_NAME = 'PRIMARY' ORDER BY ORDINAL_POSITION";
        }

        @Override
        void bindTable(PreparedStatement s, String table) throws SQLException {
            int dot = table.indexOf('.');
            s.setString(1, dot < 0 ? null : table.substring(0, dot));
            s.setString(2, dot < 0 ? table : table.substring(dot + 1));
        }

        @Override
        String typeName(String type) {
            return type.toLowerCase(Locale.ROOT);
        }
    }
}
