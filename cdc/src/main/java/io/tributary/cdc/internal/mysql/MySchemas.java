package io.tributary.cdc.internal.mysql;

import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.TableMapEventMetadata;
import io.tributary.cdc.CdcException;
import io.tributary.cdc.MySqlSource;
import io.tributary.cdc.TableSelection;
import io.tributary.cdc.internal.StreamNames;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Table schemas for decoding. A binlog event is decoded with the table map that precedes it in
 * the binlog (with {@code binlog_row_metadata=FULL} it names the columns and carries their types,
 * signedness, enum/set values and primary key as they were when the event was written), so an
 * event older than a DDL decodes with the old columns. What the table map lacks (character set,
 * {@code tinyint(1)} as boolean, MariaDB's JSON alias) comes from {@code information_schema} by
 * column name, re-read after DDL.
 */
final class MySchemas {
    private static final Pattern JSON_CHECK = Pattern.compile("json_valid\\(`((?:[^`]|``)+)`\\)", Pattern.CASE_INSENSITIVE);
    private static final Pattern QUOTED = Pattern.compile("'((?:[^']|'')*)'");

    /** What information_schema says about a column. */
    record Info(String name, String dataType, String columnType, String charset, String collation, long octetLength,
                boolean json) {
    }

    /** information_schema's view of a table. */
    record TableInfo(List<Info> columns, List<String> primaryKey) {
        Optional<Info> column(String name) {
            return columns.stream().filter(c -> c.name().equalsIgnoreCase(name)).findFirst();
        }
    }

    private final Connection catalog;
    private final MySqlSource source;
    private final Map<String, TableInfo> infos = new HashMap<>();
    private final Map<Long, Cached> byTableId = new HashMap<>();

    private record Cached(TableMapEventData map, MyTable table) {
    }

    MySchemas(Connection catalog, MySqlSource source) {
        this.catalog = catalog;
        this.source = source;
    }

    /** The selection for {@code db.table}, if captured. */
    Optional<TableSelection> selection(String db, String table) {
        return source.tables().stream().filter(t -> t.schema().equals(db) && t.table().equals(table)).findFirst();
    }

    /** The stream category of a table: its name, prefixed by its database unless it is the source's database. */
    String category(String db, String table) {
        return StreamNames.categoryOf(db.equals(source.database()) ? table : db + "." + table);
    }

    /** Forgets what information_schema said about a table (after DDL). */
    void invalidate(String db, String table) {
        if (table == null) {
            infos.keySet().removeIf(k -> k.startsWith(db + "."));
        } else {
            infos.remove(db + "." + table);
        }
    }

    /** Forgets everything information_schema said (after DDL naming unknown tables). */
    void invalidateAll() {
        infos.clear();
    }

    /** The table of a binlog table map; the same table map gives the same (cached) table. */
    MyTable fromTableMap(TableMapEventData m) {
        Cached c = byTableId.get(m.getTableId());
        if (c != null && sameShape(c.map(), m)) {
            return c.table();
        }
        MyTable t = build(m);
        byTableId.put(m.getTableId(), new Cached(m, t));
        return t;
    }

    private static boolean sameShape(TableMapEventData a, TableMapEventData b) {
        return a.getDatabase().equals(b.getDatabase()) && a.getTable().equals(b.getTable())
                && Arrays.equals(a.getColumnTypes(), b.getColumnTypes()) && Arrays.equals(a.getColumnMetadata(), b.getColumnMetadata())
                && names(a).equals(names(b));
    }

    private static List<String> names(TableMapEventData m) {
        TableMapEventMetadata md = m.getEventMetadata();
        return md == null || md.getColumnNames() == null ? List.of() : md.getColumnNames();
    }

    private MyTable build(TableMapEventData m) {
        String db = m.getDatabase();
        String name = m.getTable();
        TableMapEventMetadata md = m.getEventMetadata();
        List<String> colNames = names(m);
        byte[] types = m.getColumnTypes();
        if (colNames.size() != types.length) {
            throw new CdcException("the binlog's table map of " + db + "." + name + " has no column names: the server must"
                    + " log full row metadata (SET GLOBAL binlog_row_metadata = 'FULL')");
        }
        TableInfo info = info(db, name);
        BitSet signedness = md.getSignedness();
        List<String[]> enums = md.getEnumStrValues() == null ? List.of() : md.getEnumStrValues();
        List<String[]> sets = md.getSetStrValues() == null ? List.of() : md.getSetStrValues();
        int numeric = 0;
        int enumIndex = 0;
        int setIndex = 0;
        List<MyColumn> cols = new ArrayList<>();
        for (int i = 0; i < types.length; i++) {
            int type = realType(types[i] & 0xFF, m.getColumnMetadata()[i]);
            int meta = m.getColumnMetadata()[i];
            Info ci = info.column(colNames.get(i)).orElse(null);
            boolean unsigned = false;
            if (isNumeric(type)) {
                unsigned = signedness != null ? signedness.get(numeric) : ci != null && ci.columnType().contains("unsigned");
                numeric++;
            }
            List<String> labels = List.of();
            if (type == 247) {
                labels = enumIndex < enums.size() ? List.of(enums.get(enumIndex)) : ci == null ? List.of() : labels(ci.columnType());
                enumIndex++;
            } else if (type == 248) {
                labels = setIndex < sets.size() ? List.of(sets.get(setIndex)) : ci == null ? List.of() : labels(ci.columnType());
                setIndex++;
            }
            cols.add(binlogColumn(colNames.get(i), type, meta, unsigned, labels, ci));
        }
        List<Integer> pk = new ArrayList<>();
        if (md.getSimplePrimaryKeys() != null && !md.getSimplePrimaryKeys().isEmpty()) {
            pk.addAll(md.getSimplePrimaryKeys());
        } else if (md.getPrimaryKeysWithPrefix() != null && !md.getPrimaryKeysWithPrefix().isEmpty()) {
            pk.addAll(md.getPrimaryKeysWithPrefix().keySet());
        } else {
            for (String k : info.primaryKey()) {
                for (int i = 0; i < colNames.size(); i++) {
                    if (colNames.get(i).equalsIgnoreCase(k)) {
                        pk.add(i);
                    }
                }
            }
        }
        return table(db, name, cols, pk.stream().mapToInt(Integer::intValue).toArray());
    }

    /** The table as information_schema describes it now (for the snapshot). */
    MyTable fromCatalog(String db, String name) {
        TableInfo info = info(db, name);
        if (info.columns().isEmpty()) {
            throw new CdcException("table " + db + "." + name + " does not exist");
        }
        List<MyColumn> cols = new ArrayList<>();
        for (Info ci : info.columns()) {
            cols.add(catalogColumn(ci));
        }
        int[] keys = new int[info.primaryKey().size()];
        for (int k = 0; k < keys.length; k++) {
            for (int i = 0; i < cols.size(); i++) {
                if (cols.get(i).name().equalsIgnoreCase(info.primaryKey().get(k))) {
                    keys[k] = i;
                }
            }
        }
        return table(db, name, cols, keys);
    }

    private MyTable table(String db, String name, List<MyColumn> cols, int[] keys) {
        boolean[] selected = new boolean[cols.size()];
        Optional<TableSelection> sel = selection(db, name);
        for (int c = 0; c < cols.size(); c++) {
            String n = cols.get(c).name();
            selected[c] = sel.isEmpty() || sel.get().columns().isEmpty()
                    || sel.get().columns().stream().anyMatch(x -> x.equalsIgnoreCase(n));
        }
        for (int k : keys) {
            selected[k] = true;
        }
        return new MyTable(db, name, category(db, name), cols, keys, selected);
    }

    /** ENUM and SET are logged as STRING with the real type in the metadata's high byte. */
    static int realType(int type, int meta) {
        if (type == 254 && meta >= 256) {
            int real = meta >> 8;
            if (real == 247 || real == 248) {
                return real;
            }
        }
        return type;
    }

    private static boolean isNumeric(int type) {
        return switch (type) {
            case 0, 1, 2, 3, 4, 5, 8, 9, 246 -> true;
            default -> false;
        };
    }

    private static MyColumn binlogColumn(String name, int type, int meta, boolean unsigned, List<String> labels, Info ci) {
        Charset cs = ci == null ? StandardCharsets.UTF_8 : charset(ci.charset());
        String coll = ci == null || ci.collation() == null ? "" : ci.collation();
        MyColumn.Kind kind;
        int pad = 0;
        int bits = 0;
        switch (type) {
            case 1 -> kind = ci != null && ci.columnType().toLowerCase(Locale.ROOT).equals("tinyint(1)") ? MyColumn.Kind.BOOL : MyColumn.Kind.INT;
            case 2, 3, 8, 9 -> kind = MyColumn.Kind.INT;
            case 4 -> kind = MyColumn.Kind.FLOAT;
            case 5 -> kind = MyColumn.Kind.DOUBLE;
            case 0, 246 -> kind = MyColumn.Kind.DECIMAL;
            case 10, 14 -> kind = MyColumn.Kind.DATE;
            case 12, 18 -> kind = MyColumn.Kind.DATETIME;
            case 7, 17 -> kind = MyColumn.Kind.TIMESTAMP;
            case 11, 19 -> kind = MyColumn.Kind.TIME;
            case 13 -> kind = MyColumn.Kind.YEAR;
            case 16 -> {
                kind = MyColumn.Kind.BIT;
                bits = (meta >> 8) * 8 + (meta & 0xFF);
            }
            case 245 -> kind = MyColumn.Kind.JSON;
            case 247 -> kind = MyColumn.Kind.ENUM;
            case 248 -> kind = MyColumn.Kind.SET;
            case 15, 253, 254 -> {
                boolean binary = ci != null && ci.charset() == null;
                kind = binary ? MyColumn.Kind.BINARY : ci != null && ci.json() ? MyColumn.Kind.JSON : MyColumn.Kind.TEXT;
                if (binary && type == 254) {
                    pad = (((meta >> 4) & 0x300) ^ 0x300) + (meta & 0xFF);
                }
            }
            case 249, 250, 251, 252 -> kind = ci == null || ci.charset() == null ? MyColumn.Kind.BINARY
                    : ci.json() ? MyColumn.Kind.JSON : MyColumn.Kind.TEXT;
            default -> kind = MyColumn.Kind.BINARY;
        }
        return new MyColumn(name, kind, unsigned, kind == MyColumn.Kind.BINARY ? null : cs, coll, pad, labels, bits, type == 245);
    }

    private static MyColumn catalogColumn(Info ci) {
        String dt = ci.dataType().toLowerCase(Locale.ROOT);
        String ct = ci.columnType().toLowerCase(Locale.ROOT);
        boolean unsigned = ct.contains("unsigned");
        Charset cs = charset(ci.charset());
        String coll = ci.collation() == null ? "" : ci.collation();
        MyColumn.Kind kind;
        int pad = 0;
        int bits = 0;
        List<String> labels = List.of();
        switch (dt) {
            case "tinyint" -> kind = ct.equals("tinyint(1)") ? MyColumn.Kind.BOOL : MyColumn.Kind.INT;
            case "smallint", "mediumint", "int", "integer", "bigint" -> kind = MyColumn.Kind.INT;
            case "float" -> kind = MyColumn.Kind.FLOAT;
            case "double", "real" -> kind = MyColumn.Kind.DOUBLE;
            case "decimal", "numeric" -> kind = MyColumn.Kind.DECIMAL;
            case "date" -> kind = MyColumn.Kind.DATE;
            case "datetime" -> kind = MyColumn.Kind.DATETIME;
            case "timestamp" -> kind = MyColumn.Kind.TIMESTAMP;
            case "time" -> kind = MyColumn.Kind.TIME;
            case "year" -> kind = MyColumn.Kind.YEAR;
            case "bit" -> {
                kind = MyColumn.Kind.BIT;
                Matcher m = Pattern.compile("bit\\((\\d+)\\)").matcher(ct);
                bits = m.find() ? Integer.parseInt(m.group(1)) : 1;
            }
            case "json" -> kind = MyColumn.Kind.JSON;
            case "enum" -> {
                kind = MyColumn.Kind.ENUM;
                labels = labels(ci.columnType());
            }
            case "set" -> {
                kind = MyColumn.Kind.SET;
                labels = labels(ci.columnType());
            }
            case "char", "varchar", "tinytext", "text", "mediumtext", "longtext" ->
                    kind = ci.json() ? MyColumn.Kind.JSON : MyColumn.Kind.TEXT;
            case "binary" -> {
                kind = MyColumn.Kind.BINARY;
                pad = (int) ci.octetLength();
            }
            default -> kind = MyColumn.Kind.BINARY;
        }
        return new MyColumn(ci.name(), kind, unsigned, kind == MyColumn.Kind.BINARY ? null : cs, coll, pad, labels, bits, false);
    }

    private static List<String> labels(String columnType) {
        List<String> out = new ArrayList<>();
        Matcher m = QUOTED.matcher(columnType);
        while (m.find()) {
            out.add(m.group(1).replace("''", "'"));
        }
        return out;
    }

    /** The Java charset of a MySQL character set name; null for {@code binary} or none. */
    static Charset charset(String mysql) {
        if (mysql == null || mysql.equalsIgnoreCase("binary")) {
            return null;
        }
        return switch (mysql.toLowerCase(Locale.ROOT)) {
            case "utf8mb4", "utf8mb3", "utf8" -> StandardCharsets.UTF_8;
            case "latin1" -> Charset.forName("windows-1252");
            case "ascii" -> StandardCharsets.US_ASCII;
            case "ucs2", "utf16" -> StandardCharsets.UTF_16BE;
            case "utf16le" -> StandardCharsets.UTF_16LE;
            case "utf32" -> Charset.forName("UTF-32BE");
            default -> {
                try {
                    yield Charset.forName(mysql);
                } catch (RuntimeException e) {
                    yield StandardCharsets.UTF_8;
                }
            }
        };
    }

    /** information_schema's description of a table (cached until {@link #invalidate}); no columns when it does not exist. */
    TableInfo info(String db, String table) {
        String k = db + "." + table;
        TableInfo t = infos.get(k);
        if (t == null) {
            t = readInfo(db, table);
            infos.put(k, t);
        }
        return t;
    }

    private TableInfo readInfo(String db, String table) {
        try {
            Set<String> json = new HashSet<>();
            try (PreparedStatement s = catalog.prepareStatement("SELECT CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS"
                    + " WHERE CONSTRAINT_SCHEMA = ? AND TABLE_NAME = ?")) {
                s.setString(1, db);
                s.setString(2, table);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        Matcher m = JSON_CHECK.matcher(rs.getString(1));
                        if (m.find()) {
                            json.add(m.group(1).replace("``", "`").toLowerCase(Locale.ROOT));
                        }
                    }
                }
            } catch (SQLException e) {
                // MySQL before 8.0.16 has no CHECK_CONSTRAINTS; its JSON is a type of its own.
            }
            List<Info> cols = new ArrayList<>();
            try (PreparedStatement s = catalog.prepareStatement("SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, CHARACTER_SET_NAME,"
                    + " COLLATION_NAME, CHARACTER_OCTET_LENGTH FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?"
                    + " ORDER BY ORDINAL_POSITION")) {
                s.setString(1, db);
                s.setString(2, table);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        String name = rs.getString(1);
                        cols.add(new Info(name, rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getLong(6),
                                json.contains(name.toLowerCase(Locale.ROOT))));
                    }
                }
            }
            List<String> pk = new ArrayList<>();
            try (PreparedStatement s = catalog.prepareStatement("SELECT COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE"
                    + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND CONSTRAINT_NAME = 'PRIMARY' ORDER BY ORDINAL_POSITION")) {
                s.setString(1, db);
                s.setString(2, table);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        pk.add(rs.getString(1));
                    }
                }
            }
            return new TableInfo(cols, pk);
        } catch (SQLException e) {
            throw new CdcException("cannot read information_schema for " + db + "." + table + ": " + e.getMessage(), e);
        }
    }
}
