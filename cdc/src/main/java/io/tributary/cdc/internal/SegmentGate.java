package io.tributary.cdc.internal;

import io.tributary.cdc.CdcException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * After a snapshot resumed from a crash, part of each table was read in a later snapshot (at a
 * later point) than the slot's consistent point. A streamed change of a row in such a range,
 * committed before that range's point, is already in the rows read: it is dropped, so the log
 * holds each change once. Keys are compared by PostgreSQL itself (with the key columns' types
 * and collations), exactly as the snapshot ordered them.
 */
public final class SegmentGate implements ChangeMapper.RowGate {
    private final Connection catalog;
    private final List<OffsetState.Segment> segments;
    private final long maxPoint;

    /** A gate over {@code snapshot}'s segments, comparing keys through {@code catalog}. */
    public SegmentGate(Connection catalog, OffsetState.Snapshot snapshot) {
        this.catalog = catalog;
        this.segments = snapshot.segments();
        this.maxPoint = segments.stream().mapToLong(OffsetState.Segment::point).max().orElse(0);
    }

    /** Whether any change can still be dropped: false once streaming passed every segment's point. */
    public boolean activeAt(long commitLsn) {
        return commitLsn < maxPoint;
    }

    @Override
    public boolean skip(RelationCache.Table table, List<String> key, long commitLsn) {
        if (commitLsn >= maxPoint) {
            return false;
        }
        String name = table.qualifiedName();
        long point = -1;
        for (OffsetState.Segment g : segments) {
            if (g.table().equals(name) && (g.afterKey().isEmpty() || table.keyIndexes().length == 0 || greater(table, key, g.afterKey()))) {
                point = g.point();
            }
        }
        return point >= 0 && commitLsn < point;
    }

    /**
     * A truncate committed before every segment of the table was read (a table added to the capture later, truncated
     * while nothing captured): the rows as read already reflect it, so emitting it after them would empty the table.
     */
    @Override
    public boolean skipTruncate(RelationCache.Table table, long commitLsn) {
        long first = segments.stream().filter(g -> g.table().equals(table.qualifiedName()))
                .mapToLong(OffsetState.Segment::point).min().orElse(-1);
        return first >= 0 && commitLsn < first;
    }

    private boolean greater(RelationCache.Table table, List<String> key, List<String> bound) {
        try {
            List<String> types = Snapshotter.keyTypes(catalog, table);
            StringBuilder a = new StringBuilder("SELECT ROW(");
            StringBuilder b = new StringBuilder("ROW(");
            for (int i = 0; i < types.size(); i++) {
                a.append(i == 0 ? "" : ", ").append("?::").append(types.get(i));
                b.append(i == 0 ? "" : ", ").append("?::").append(types.get(i));
            }
            try (PreparedStatement s = catalog.prepareStatement(a + ") > " + b + ")")) {
                for (int i = 0; i < types.size(); i++) {
                    s.setString(i + 1, key.get(i));
                    s.setString(types.size() + i + 1, bound.get(i));
                }
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    return rs.getBoolean(1);
                }
            }
        } catch (SQLException e) {
            throw new CdcException("cannot compare keys of " + table.qualifiedName() + ": " + e.getMessage(), e);
        }
    }
}
