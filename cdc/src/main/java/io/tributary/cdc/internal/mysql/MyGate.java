package io.tributary.cdc.internal.mysql;

import io.tributary.cdc.CdcException;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * After a crash during the snapshot, the rest of a table was read in a later snapshot at point
 * {@code S}: a streamed change of a row in that key range from a transaction that began before
 * {@code S} is already contained in the row as read, so it is dropped. Keys are compared the way
 * the snapshot ordered them (numbers as numbers, strings by the column's collation on the server,
 * enums by their position).
 */
final class MyGate implements MyMapper.RowGate {
    private final List<MySqlOffset.Segment> segments;
    private final BinlogPosition last;
    private final Connection catalog;

    MyGate(MySqlOffset.Snapshot snapshot, Connection catalog) {
        this.segments = snapshot.segments();
        this.catalog = catalog;
        BinlogPosition max = snapshot.point();
        for (MySqlOffset.Segment s : segments) {
            if (s.point().compareTo(max) > 0) {
                max = s.point();
            }
        }
        this.last = max;
    }

    /** The last segment point: changes before it may be dropped. */
    BinlogPosition last() {
        return last;
    }

    /** Whether a change at {@code at} may still be dropped (some segment point lies ahead). */
    boolean activeAt(BinlogPosition at) {
        return at.compareTo(last) < 0;
    }

    @Override
    public boolean skip(MyTable table, List<String> key, BinlogPosition txBegin) {
        if (txBegin.compareTo(last) >= 0) {
            return false;
        }
        MySqlOffset.Segment owner = null;
        for (MySqlOffset.Segment s : segments) {
            if (!s.table().equals(table.qualifiedName())) {
                continue;
            }
            if ((s.afterKey().isEmpty() || compare(table, key, s.afterKey()) > 0)
                    && (owner == null || bound(table, s.afterKey(), owner.afterKey()) >= 0)) {
                owner = s;
            }
        }
        return owner != null && txBegin.compareTo(owner.point()) < 0;
    }

    /**
     * Whether a {@code TRUNCATE} of {@code table} in a transaction beginning at {@code txBegin} is to be dropped: every
     * segment of the table was read after it (a table added to the capture later, truncated while nothing captured),
     * so the rows as read already reflect it, and emitting it after them would empty the table.
     */
    boolean skipTruncate(String table, BinlogPosition txBegin) {
        BinlogPosition first = null;
        for (MySqlOffset.Segment s : segments) {
            if (s.table().equals(table) && (first == null || s.point().compareTo(first) < 0)) {
                first = s.point();
            }
        }
        return first != null && txBegin.compareTo(first) < 0;
    }

    /** Compares lower bounds; empty is below every key. Later segments win ties (they come later in the list). */
    private int bound(MyTable t, List<String> a, List<String> b) {
        if (a.isEmpty() || b.isEmpty()) {
            return a.isEmpty() && b.isEmpty() ? 0 : a.isEmpty() ? -1 : 1;
        }
        return compare(t, a, b);
    }

    private int compare(MyTable t, List<String> a, List<String> b) {
        for (int i = 0; i < t.keyIndexes().length && i < a.size() && i < b.size(); i++) {
            int c = compare(t.columns().get(t.keyIndexes()[i]), a.get(i), b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    private int compare(MyColumn c, String a, String b) {
        return switch (c.kind()) {
            case INT, DECIMAL, FLOAT, DOUBLE, YEAR, BOOL, BIT -> number(a).compareTo(number(b));
            case BINARY -> java.util.Arrays.compareUnsigned(Base64.getDecoder().decode(a), Base64.getDecoder().decode(b));
            case ENUM, SET -> Integer.compare(c.labels().indexOf(a), c.labels().indexOf(b));
            case TEXT, JSON -> collated(c, a, b);
            default -> a.compareTo(b);
        };
    }

    private static BigDecimal number(String s) {
        return "true".equals(s) ? BigDecimal.ONE : "false".equals(s) ? BigDecimal.ZERO : new BigDecimal(s);
    }

    private int collated(MyColumn c, String a, String b) {
        String coll = c.collation().replaceAll("[^A-Za-z0-9_]", "");
        if (coll.isEmpty()) {
            return a.compareTo(b);
        }
        String cs = coll.toLowerCase(Locale.ROOT).split("_")[0];
        String expr = "CONVERT(? USING " + cs + ") COLLATE " + coll;
        try (PreparedStatement s = catalog.prepareStatement("SELECT STRCMP(" + expr + ", " + expr + ")")) {
            s.setString(1, a);
            s.setString(2, b);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (SQLException e) {
            throw new CdcException("cannot compare keys with collation " + coll + ": " + e.getMessage(), e);
        }
    }
}
