package io.tributary.cdc.internal.mysql;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ValueNode;
import io.tributary.cdc.CdcException;
import io.tributary.cdc.internal.NameUuids;
import io.tributary.cdc.internal.StreamNames;
import io.tributary.core.EventData;
import io.tributary.core.StreamName;
import java.io.IOException;
import java.io.Serializable;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Turns binlog row changes and snapshot rows into events with the Debezium-compatible envelope,
 * the same shape as the PostgreSQL capture's ({@code source.connector = "mysql"} with the binlog
 * file, position and GTID), on the streams of their rows. Event ids are derived from (connector,
 * the transaction's binlog position, index), so a re-delivered transaction produces the same ids.
 *
 * <p>A row is an array of column values in table order ({@code null} where the column is not in the
 * row image or not captured, a JSON null for SQL NULL); envelopes are written straight to bytes with
 * Jackson's generator (no tree per row). One thread uses a mapper.
 */
final class MyMapper {
    /** Receives mapped events in order. */
    interface Sink {
        void accept(StreamName stream, EventData event);
    }

    /** Decides to drop a streamed row change that a later snapshot segment already covers. */
    interface RowGate {
        boolean skip(MyTable table, List<String> key, BinlogPosition txEnd);
    }

    /** A transaction being mapped. */
    static final class Tx {
        final BinlogPosition begin;
        final String gtid;
        final long commitMillis;
        final long serverId;
        final long skip;
        long index;
        final Map<String, Long> perTable = new HashMap<>();

        Tx(BinlogPosition begin, String gtid, long commitMillis, long serverId, long skip) {
            this.begin = begin;
            this.gtid = gtid;
            this.commitMillis = commitMillis;
            this.serverId = serverId;
            this.skip = skip;
        }
    }

    private final String connector;
    private final ObjectMapper json;
    private final MyValues values;
    private final Clock clock;
    private final NameUuids ids = new NameUuids();
    private final ByteArrayBuilder buffer = new ByteArrayBuilder(1024);

    MyMapper(String connector, ObjectMapper json, Clock clock) {
        this.connector = connector;
        this.json = json;
        this.values = new MyValues(json);
        this.clock = clock;
    }

    /** A binlog row: the captured columns the event includes. */
    JsonNode[] binlogRow(MyTable t, int[] types, BitSet included, Serializable[] row) {
        JsonNode[] out = new JsonNode[t.columns().size()];
        boolean[] selected = t.selected();
        int v = 0;
        for (int c = 0; c < out.length; c++) {
            if (included != null && !included.get(c)) {
                continue;
            }
            Serializable value = v < row.length ? row[v] : null;
            v++;
            if (selected[c]) {
                out[c] = values.fromBinlog(t.columns().get(c), types[c], value);
            }
        }
        return out;
    }

    /** A snapshot row (every column selected in the query, in table order). */
    JsonNode[] jdbcRow(MyTable t, ResultSet rs) throws SQLException {
        JsonNode[] out = new JsonNode[t.columns().size()];
        for (int c = 0; c < out.length; c++) {
            JsonNode n = values.fromJdbc(t.columns().get(c), rs, c + 1);
            if (t.selected()[c]) {
                out[c] = n;
            }
        }
        return out;
    }

    /** The key's text forms from a row. */
    static List<String> key(MyTable t, JsonNode[] row) {
        List<String> key = new ArrayList<>(t.keyIndexes().length);
        for (int k : t.keyIndexes()) {
            key.add(MyValues.keyText(row[k]));
        }
        return key;
    }

    /** The stream of a row. */
    static StreamName stream(MyTable t, List<String> key) {
        return t.keyIndexes().length == 0 ? StreamName.of(t.category()) : StreamNames.row(t.category(), key);
    }

    /** Maps a row change ({@code op} c, u or d) of a committed transaction. */
    void change(MyTable t, String op, JsonNode[] before, JsonNode[] after, Tx tx, BinlogPosition event, int row, Sink out) {
        List<String> key = key(t, after != null ? after : before);
        if ("u".equals(op) && t.keyIndexes().length > 0 && !key(t, before).equals(key)) {
            // The key changed: the old row's stream ends with a delete, the new one starts with a create.
            change(t, "d", before, null, tx, event, row, out);
            change(t, "c", null, after, tx, event, row, out);
            return;
        }
        String type = switch (op) {
            case "c" -> "cdc.create";
            case "u" -> "cdc.update";
            default -> "cdc.delete";
        };
        emit(t, op, before, after, tx, event, row, stream(t, key), type, out);
    }

    /** Maps a {@code TRUNCATE} of a captured table. */
    void truncate(MyTable t, Tx tx, BinlogPosition event, Sink out) {
        emit(t, "t", null, null, tx, event, 0, StreamName.of(t.category()), "cdc.truncate", out);
    }

    /**
     * Maps a snapshot row ({@code op = r}), the {@code ordinal}-th row read from its table in the snapshot at
     * {@code point} (what tells apart the event ids of a keyless table's rows, all on one stream) in reading number
     * {@code reading} (what tells apart two readings at one point); returns its key.
     */
    List<String> snapshotRow(MyTable t, JsonNode[] after, long ordinal, BinlogPosition point, long reading, long serverId,
                             Sink out) {
        Tx tx = new Tx(point, point.gtid(), clock.millis(), serverId, 0);
        List<String> key = key(t, after);
        UUID id = ids.of(connector + "/snapshot/" + point.file() + ":" + point.pos() + "/" + reading + "/" + t.qualifiedName()
                + "/" + (key.isEmpty() ? "#" + ordinal : key));
        out.accept(stream(t, key), new EventData(id, "cdc.read", envelope(t, "r", null, after, tx, point, 0, true), new byte[0]));
        return key;
    }

    private void emit(MyTable t, String op, JsonNode[] before, JsonNode[] after, Tx tx, BinlogPosition event, int row,
                      StreamName stream, String type, Sink out) {
        if (tx.index < tx.skip) {
            // Already in the log: an earlier capture appended this part of a chunked transaction. Counted as
            // the envelope would count it, so the rest keeps its total and per-table order.
            tx.perTable.merge(t.qualifiedName(), 1L, Long::sum);
            tx.index++;
            return;
        }
        byte[] data = envelope(t, op, before, after, tx, event, row, false);
        // A transaction with a GTID has the same ids on every server of the topology (the same rows, in the same order):
        // read again on another server after a failover, it is recognised by the log, not appended twice.
        UUID id = ids.of(tx.gtid.isEmpty() ? connector + "/" + tx.begin.file() + ":" + tx.begin.pos() + "/" + tx.index
                : connector + "/gtid/" + tx.gtid + "/" + tx.index);
        tx.index++;
        out.accept(stream, new EventData(id, type, data, new byte[0]));
    }

    private byte[] envelope(MyTable t, String op, JsonNode[] before, JsonNode[] after, Tx tx, BinlogPosition event,
                            int row, boolean snapshot) {
        try {
            buffer.reset();
            try (JsonGenerator g = json.getFactory().createGenerator(buffer)) {
                g.writeStartObject();
                g.writeFieldName("before");
                writeRow(g, t, before);
                g.writeFieldName("after");
                writeRow(g, t, after);
                g.writeStringField("op", op);
                g.writeObjectFieldStart("source");
                g.writeStringField("version", "tributary-0.1");
                g.writeStringField("connector", "mysql");
                g.writeStringField("name", connector);
                g.writeStringField("db", t.database());
                g.writeStringField("table", t.table());
                g.writeNumberField("server_id", tx.serverId);
                if (!tx.gtid.isEmpty()) {
                    g.writeStringField("gtid", tx.gtid);
                }
                g.writeStringField("file", event.file());
                g.writeNumberField("pos", event.pos());
                g.writeNumberField("row", row);
                g.writeStringField("snapshot", snapshot ? "true" : "false");
                g.writeNumberField("ts_ms", tx.commitMillis);
                g.writeEndObject();
                g.writeNumberField("ts_ms", clock.millis());
                if (!snapshot) {
                    g.writeObjectFieldStart("transaction");
                    g.writeStringField("id", tx.gtid.isEmpty() ? tx.begin.file() + ":" + tx.begin.pos() : tx.gtid);
                    g.writeNumberField("total_order", tx.index + 1);
                    g.writeNumberField("data_collection_order", tx.perTable.merge(t.qualifiedName(), 1L, Long::sum));
                    g.writeEndObject();
                }
                g.writeEndObject();
            }
            return buffer.toByteArray();
        } catch (IOException e) {
            throw new CdcException("cannot encode change event", e);
        }
    }

    private static void writeRow(JsonGenerator g, MyTable t, JsonNode[] row) throws IOException {
        if (row == null) {
            g.writeNull();
            return;
        }
        g.writeStartObject();
        for (int c = 0; c < row.length; c++) {
            JsonNode v = row[c];
            if (v != null) {
                g.writeFieldName(t.columns().get(c).name());
                if (v.isNull()) {
                    g.writeNull();
                } else if (v.isTextual()) {
                    g.writeString(v.textValue());
                } else if (v instanceof ValueNode value) {
                    // Numbers and booleans write themselves without a serializer provider.
                    value.serialize(g, null);
                } else {
                    g.writeTree(v);
                }
            }
        }
        g.writeEndObject();
    }
}
