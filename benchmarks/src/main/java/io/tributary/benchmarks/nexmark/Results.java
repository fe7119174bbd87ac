package io.tributary.benchmarks.nexmark;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Collects a query's output on one engine: the rows of an append-only query, or the latest value
 * per key of a table query. Turned into canonical text rows only after the measurement, so the
 * engines are timed on computing the results, not on printing them. Thread-safe (Flink's sink
 * writes from its task thread).
 */
public final class Results {
    private final Query query;
    private final List<Object> rows = new ArrayList<>();
    private final Map<Long, Object> table = new HashMap<>();
    private long emitted;

    /** An empty collector for {@code query}. */
    public Results(Query query) {
        this.query = query;
    }

    /** Adds a row of an append-only query. */
    public synchronized void append(Object row) {
        rows.add(row);
        emitted++;
    }

    /** Sets the value of {@code key} of a table query. */
    public synchronized void upsert(long key, Object value) {
        table.put(key, value);
        emitted++;
    }

    /** How many rows or updates the engine emitted. */
    public synchronized long emitted() {
        return emitted;
    }

    /** The canonical rows, sorted: equal lists mean equal results. */
    public synchronized List<String> canonicalRows() {
        List<String> out = new ArrayList<>(query.upsert() ? table.size() : rows.size());
        if (query.upsert()) {
            table.forEach((k, v) -> tableRows(k, v, out));
        } else {
            for (Object r : rows) {
                out.add(row(r));
            }
        }
        Collections.sort(out);
        return out;
    }

    /** The SHA-256 of the sorted canonical rows, each followed by a newline, in hex (first 16 bytes). */
    public static String digest(List<String> sortedRows) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (String r : sortedRows) {
                md.update(r.getBytes(StandardCharsets.UTF_8));
                md.update((byte) '\n');
            }
            return HexFormat.of().formatHex(md.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void tableRows(long key, Object v, List<String> out) {
        if (v instanceof Values.CategoryAvg c) {
            out.add(c.row(key));
        } else if (v instanceof Values.LastTen l) {
            out.add(l.row(key));
        } else if (v instanceof Values.HotItems h) {
            h.rows(key, out);
        } else {
            throw new IllegalArgumentException("unexpected table value " + v);
        }
    }

    private static String row(Object r) {
        if (r instanceof Bid b) {
            return b.auction() + " " + b.bidder() + " " + b.price() + " " + b.dateTime() + " " + Integer.toHexString(b.extra().hashCode());
        } else if (r instanceof Values.AuctionPrice a) {
            return a.row();
        } else if (r instanceof Values.Q3Row q) {
            return q.row();
        } else if (r instanceof Values.Q7Row q) {
            return q.row();
        } else if (r instanceof Values.Q8Row q) {
            return q.row();
        }
        throw new IllegalArgumentException("unexpected row " + r);
    }
}
