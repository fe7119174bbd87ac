package io.tributary.cdc.internal;

import io.tributary.cdc.CdcException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * What each PostgreSQL type OID is, for value conversion: built-in types by their fixed OIDs;
 * others (enums, domains, arrays of them) looked up once in {@code pg_type}.
 */
public final class TypeCatalog {
    /** How a type's text form is converted. */
    public enum Kind { BOOL, INT, FLOAT, NUMERIC, TEXT, JSON, BYTEA, DATE, TIMESTAMP, TIMESTAMPTZ, UUID, ARRAY }

    /** A type: its kind and, for arrays, the element type's OID. */
    public record TypeInfo(Kind kind, int elementOid) {
    }

    private static final Map<Integer, TypeInfo> BUILT_IN = new HashMap<>();

    static {
        put(Kind.BOOL, 16);
        put(Kind.INT, 20, 21, 23, 26);
        put(Kind.FLOAT, 700, 701);
        put(Kind.NUMERIC, 1700);
        put(Kind.TEXT, 18, 19, 25, 1042, 1043, 1083, 1266, 1186, 790, 869, 650, 829);
        put(Kind.JSON, 114, 3802);
        put(Kind.BYTEA, 17);
        put(Kind.DATE, 1082);
        put(Kind.TIMESTAMP, 1114);
        put(Kind.TIMESTAMPTZ, 1184);
        put(Kind.UUID, 2950);
        int[][] arrays = {{1000, 16}, {1005, 21}, {1007, 23}, {1016, 20}, {1028, 26}, {1021, 700}, {1022, 701},
            {1231, 1700}, {1009, 25}, {1014, 1042}, {1015, 1043}, {1003, 19}, {199, 114}, {3807, 3802}, {1001, 17},
            {1182, 1082}, {1115, 1114}, {1185, 1184}, {2951, 2950}, {1183, 1083}, {1187, 1186}};
        for (int[] a : arrays) {
            BUILT_IN.put(a[0], new TypeInfo(Kind.ARRAY, a[1]));
        }
    }

    private static void put(Kind kind, int... oids) {
        for (int oid : oids) {
            BUILT_IN.put(oid, new TypeInfo(kind, 0));
        }
    }

    /** {@link #BUILT_IN} as an array indexed by OID (all built-in OIDs are small): no boxing per value converted. */
    private static final TypeInfo[] BUILT_IN_BY_OID;

    static {
        BUILT_IN_BY_OID = new TypeInfo[BUILT_IN.keySet().stream().mapToInt(Integer::intValue).max().orElse(0) + 1];
        BUILT_IN.forEach((oid, info) -> BUILT_IN_BY_OID[oid] = info);
    }

    private final Connection connection;
    private final Map<Integer, TypeInfo> looked = new HashMap<>();

    /** A catalog that looks unknown types up through {@code connection} (a plain, non-replication one). */
    public TypeCatalog(Connection connection) {
        this.connection = connection;
    }

    /** The type of {@code oid}; unknown kinds (geometric, ranges...) are {@link Kind#TEXT}. */
    public TypeInfo type(int oid) {
        if (oid >= 0 && oid < BUILT_IN_BY_OID.length) {
            TypeInfo fast = BUILT_IN_BY_OID[oid];
            if (fast != null) {
                return fast;
            }
        }
        TypeInfo known = BUILT_IN.get(oid);
        if (known != null) {
            return known;
        }
        return looked.computeIfAbsent(oid, this::lookUp);
    }

    /** Forgets looked-up types (after a Type message says one changed). */
    public void invalidate(int oid) {
        looked.remove(oid);
    }

    private TypeInfo lookUp(int oid) {
        if (connection == null) {
            return new TypeInfo(Kind.TEXT, 0);
        }
        try (PreparedStatement s = connection.prepareStatement(
                "SELECT typtype, typcategory, typelem, typbasetype FROM pg_type WHERE oid = ?")) {
            s.setInt(1, oid);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return new TypeInfo(Kind.TEXT, 0);
                }
                String typtype = rs.getString(1);
                String category = rs.getString(2);
                int elem = rs.getInt(3);
                int base = rs.getInt(4);
                if ("d".equals(typtype) && base != 0) {
                    return type(base);
                }
                if ("A".equals(category) && elem != 0) {
                    return new TypeInfo(Kind.ARRAY, elem);
                }
                return new TypeInfo(Kind.TEXT, 0);
            }
        } catch (SQLException e) {
            throw new CdcException("could not look up PostgreSQL type " + oid + ": " + e.getMessage(), e);
        }
    }
}
