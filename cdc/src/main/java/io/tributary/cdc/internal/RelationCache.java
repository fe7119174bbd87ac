package io.tributary.cdc.internal;

import com.fasterxml.jackson.core.io.SerializedString;
import io.tributary.cdc.CdcException;
import io.tributary.cdc.PostgresSource;
import io.tributary.cdc.TableSelection;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The relations (tables) the slot has described, by relation id, with what capture needs: the
 * primary key columns (from the catalog, for stream names) and the selected columns.
 */
public final class RelationCache {
    /**
     * A captured table.
     *
     * @param message    the last Relation message
     * @param category   the stream category
     * @param keyIndexes indexes of the primary key columns in key order; empty when the table has none
     * @param selected   per column, whether it is captured
     * @param version    increases with each schema change seen
     * @param qualifiedName {@code schema.table}
     * @param fieldNames per column, its name as a pre-encoded JSON field name
     * @param columns    the message's columns as an array: the per-row loops index it instead of the message's
     *                   immutable list, whose class differs with the column count (two or fewer, or more) —
     *                   a loop compiled for one class was deoptimised and compiled again (~0.25 s of C2 each
     *                   time) whenever rows of a table with the other count followed
     */
    public record Table(PgMessage.Relation message, String category, int[] keyIndexes, boolean[] selected, int version,
                        String qualifiedName, SerializedString[] fieldNames, PgMessage.Column[] columns) {
        /** A table; the qualified name, field names and column array are derived from {@code message}. */
        public Table(PgMessage.Relation message, String category, int[] keyIndexes, boolean[] selected, int version) {
            this(message, category, keyIndexes, selected, version, message.namespace() + "." + message.name(),
                    message.columns().stream().map(c -> new SerializedString(c.name())).toArray(SerializedString[]::new),
                    message.columns().toArray(new PgMessage.Column[0]));
        }
    }

    private final Connection catalog;
    private final PostgresSource source;
    private final Map<Integer, Table> tables = new HashMap<>();
    private final Map<String, List<String>> primaryKeys = new HashMap<>();
    /** The table {@link #get} returned last (consecutive changes are mostly of one table); null after an update. */
    private Table lastGot;

    /** A cache reading primary keys through {@code catalog}. */
    public RelationCache(Connection catalog, PostgresSource source) {
        this.catalog = catalog;
        this.source = source;
    }

    /** Records a Relation message (first sight or a schema change). Returns the table. */
    public Table update(PgMessage.Relation r) {
        Table old = tables.get(r.relationId());
        if (old != null && old.message().equals(r)) {
            return old;
        }
        String qualified = r.namespace() + "." + r.name();
        if (old != null) {
            primaryKeys.remove(qualified);
        }
        List<String> pk = primaryKeys.computeIfAbsent(qualified, q -> primaryKey(r));
        List<PgMessage.Column> cols = r.columns();
        int[] keys = new int[pk.size()];
        for (int i = 0; i < pk.size(); i++) {
            keys[i] = -1;
            for (int c = 0; c < cols.size(); c++) {
                if (cols.get(c).name().equals(pk.get(i))) {
                    keys[i] = c;
                }
            }
        }
        for (int k : keys) {
            if (k < 0) {
                keys = identityKey(cols);
                break;
            }
        }
        boolean[] selected = new boolean[cols.size()];
        Optional<TableSelection> sel = source.tables().stream()
                .filter(t -> t.schema().equals(r.namespace()) && t.table().equals(r.name())).findFirst();
        for (int c = 0; c < cols.size(); c++) {
            selected[c] = sel.isEmpty() || sel.get().columns().isEmpty() || sel.get().columns().contains(cols.get(c).name());
        }
        for (int k : keys) {
            selected[k] = true;
        }
        Table t = new Table(r, StreamNames.category(r.namespace(), r.name()), keys, selected,
                old == null ? 0 : old.version() + 1);
        tables.put(r.relationId(), t);
        lastGot = null;
        return t;
    }

    /** Records the primary key of {@code qualified} without asking the catalog (for tests without a database). */
    void knownPrimaryKey(String qualified, List<String> columns) {
        primaryKeys.put(qualified, List.copyOf(columns));
    }

    /** The table with this id; the slot always describes a relation before its first change. */
    public Table get(int relationId) {
        Table last = lastGot;
        if (last != null && last.message().relationId() == relationId) {
            return last;
        }
        Table t = tables.get(relationId);
        if (t == null) {
            throw new CdcException("change for relation " + relationId + " arrived before its Relation message");
        }
        lastGot = t;
        return t;
    }

    private static int[] identityKey(List<PgMessage.Column> cols) {
        List<Integer> idx = new ArrayList<>();
        for (int c = 0; c < cols.size(); c++) {
            if (cols.get(c).key()) {
                idx.add(c);
            }
        }
        // REPLICA IDENTITY FULL marks every column: that is no key for naming rows.
        if (idx.size() == cols.size() && cols.size() > 1) {
            return new int[0];
        }
        return idx.stream().mapToInt(Integer::intValue).toArray();
    }

    private List<String> primaryKey(PgMessage.Relation r) {
        List<String> out = new ArrayList<>();
        try (PreparedStatement s = catalog.prepareStatement(
                "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid"
                        + " AND a.attnum = ANY(i.indkey::int2[]) WHERE i.indrelid = ?::oid AND i.indisprimary"
                        + " ORDER BY array_position(i.indkey::int2[], a.attnum)")) {
            s.setInt(1, r.relationId());
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            throw new CdcException("could not read the primary key of " + r.namespace() + "." + r.name() + ": " + e.getMessage(), e);
        }
        return out;
    }
}
