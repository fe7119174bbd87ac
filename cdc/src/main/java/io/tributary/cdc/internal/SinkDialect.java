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
    abstract String upsert(SinkApplier.Target t, List<String> columns);

    /** The placeholder for a value of {@code column} (a cast or a decoding around {@code ?}). */
    abstract String placeholder(SinkApplier.Target t, String column);

    /** The JSON value as the text bound to {@link #placeholder} for a column of {@code type}; null for SQL NULL. */
    abstract String text(JsonNode v, String type);

    /** The target table's quoted name, column types and primary key; throws if it is missing or has no key. */
    abstract SinkApplier.Target describe(Connection c, String table, String sink) throws SQLException;

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
        String upsert(SinkApplier.Target t, List<String> columns) {
            StringBuilder sql = new StringBuilder("INSERT INTO ").append(t.quotedName()).append(" (");
            StringBuilder values = new StringBuilder();
            StringBuilder updates = new StringBuilder();
            for (int i = 0; i < columns.size(); i++) {
                String c = columns.get(i);
                sql.append(i == 0 ? "" : ", ").append(quote(c));
                values.append(i == 0 ? "" : ", ").append(placeholder(t, c));
                if (!t.keys().contains(c)) {
                    updates.append(updates.length() == 0 ? "" : ", ").append(quote(c)).append(" = excluded.").append(quote(c));
                }
            }
            sql.append(") VALUES (").append(values).append(") ON CONFLICT (");
            for (int k = 0; k < t.keys().size(); k++) {
                sql.append(k == 0 ? "" : ", ").append(quote(t.keys().get(k)));
            }
            return sql.append(updates.length() == 0 ? ") DO NOTHING" : ") DO UPDATE SET " + updates).toString();
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
        SinkApplier.Target describe(Connection c, String table, String sink) throws SQLException {
            String quoted = TableSelection.of(table).quotedName();
            Map<String, String> types = new LinkedHashMap<>();
            try (PreparedStatement s = c.prepareStatement("SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute"
                    + " WHERE attrelid = to_regclass(?) AND attnum > 0 AND NOT attisdropped ORDER BY attnum")) {
                s.setString(1, quoted);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        types.put(rs.getString(1), rs.getString(2));
                    }
                }
            }
            if (types.isEmpty()) {
                throw missing(sink, quoted);
            }
            List<String> keys = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT a.attname FROM pg_index i JOIN pg_attribute a"
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
                throw keyless(sink, quoted);
            }
            return new SinkApplier.Target(quoted, types, keys);
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
        String upsert(SinkApplier.Target t, List<String> columns) {
            StringBuilder sql = new StringBuilder("INSERT INTO ").append(t.quotedName()).append(" (");
            StringBuilder values = new StringBuilder();
            StringBuilder updates = new StringBuilder();
            for (int i = 0; i < columns.size(); i++) {
                String c = columns.get(i);
                sql.append(i == 0 ? "" : ", ").append(quote(c));
                values.append(i == 0 ? "" : ", ").append(placeholder(t, c));
                if (!t.keys().contains(c)) {
                    updates.append(updates.length() == 0 ? "" : ", ").append(quote(c)).append(" = VALUES(").append(quote(c)).append(')');
                }
            }
            sql.append(") VALUES (").append(values).append(')');
            if (updates.length() == 0) {
                // Only key columns: a row that exists is already right.
                return sql.insert("INSERT".length(), " IGNORE").toString();
            }
            return sql.append(" ON DUPLICATE KEY UPDATE ").append(updates).toString();
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
        SinkApplier.Target describe(Connection c, String table, String sink) throws SQLException {
            int dot = table.indexOf('.');
            String schema = dot < 0 ? null : table.substring(0, dot);
            String name = dot < 0 ? table : table.substring(dot + 1);
            String quoted = (schema == null ? "" : quote(schema) + ".") + quote(name);
            String where = " WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ?";
            Map<String, String> types = new LinkedHashMap<>();
            try (PreparedStatement s = c.prepareStatement("SELECT COLUMN_NAME, DATA_TYPE FROM information_schema.COLUMNS" + where
                    + " ORDER BY ORDINAL_POSITION")) {
                s.setString(1, schema);
                s.setString(2, name);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        types.put(rs.getString(1), rs.getString(2).toLowerCase(Locale.ROOT));
                    }
                }
            }
            if (types.isEmpty()) {
                throw missing(sink, quoted);
            }
            List<String> keys = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE" + where
                    + " AND CONSTRAINT_NAME = 'PRIMARY' ORDER BY ORDINAL_POSITION")) {
                s.setString(1, schema);
                s.setString(2, name);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        keys.add(rs.getString(1));
                    }
                }
            }
            if (keys.isEmpty()) {
                throw keyless(sink, quoted);
            }
            return new SinkApplier.Target(quoted, types, keys);
        }
    }
}
