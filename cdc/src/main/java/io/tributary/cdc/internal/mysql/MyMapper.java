package io.tributary.cdc.internal.mysql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.cdc.CdcException;
import io.tributary.cdc.internal.StreamNames;
import io.tributary.core.EventData;
import io.tributary.core.StreamName;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
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

    MyMapper(String connector, ObjectMapper json, Clock clock) {
        this.connector = connector;
        this.json = json;
        this.values = new MyValues(json);
        this.clock = clock;
    }

    /** A binlog row as JSON: the captured columns the event includes. */
    ObjectNode binlogRow(MyTable t, int[] types, BitSet included, Serializable[] row) {
        ObjectNode o = json.createObjectNode();
        int v = 0;
        for (int c = 0; c < t.columns().size(); c++) {
            if (included != null && !included.get(c)) {
                continue;
            }
            Serializable value = v < row.length ? row[v] : null;
            v++;
            if (t.selected()[c]) {
                MyColumn col = t.columns().get(c);
                o.set(col.name(), values.fromBinlog(col, types[c], value));
            }
        }
        return o;
    }

    /** A snapshot row as JSON (every column selected in the query, in table order). */
    ObjectNode jdbcRow(MyTable t, ResultSet rs) throws SQLException {
        ObjectNode o = json.createObjectNode();
        for (int c = 0; c < t.columns().size(); c++) {
            MyColumn col = t.columns().get(c);
            JsonNode n = values.fromJdbc(col, rs, c + 1);
            if (t.selected()[c]) {
                o.set(col.name(), n);
            }
        }
        return o;
    }

    /** The key's text forms from a row's JSON. */
    static List<String> key(MyTable t, ObjectNode row) {
        List<String> key = new ArrayList<>(t.keyIndexes().length);
        for (int k : t.keyIndexes()) {
            key.add(MyValues.keyText(row.get(t.columns().get(k).name())));
        }
        return key;
    }

    /** The stream of a row. */
    static StreamName stream(MyTable t, List<String> key) {
        return t.keyIndexes().length == 0 ? StreamName.of(t.category()) : StreamNames.row(t.category(), key);
    }

    /** Maps a row change ({@code op} c, u or d) of a committed transaction. */
    void change(MyTable t, String op, ObjectNode before, ObjectNode after, Tx tx, BinlogPosition event, int row, Sink out) {
        if ("u".equals(op) && t.keyIndexes().length > 0 && !key(t, before).equals(key(t, after))) {
            // The key changed: the old row's stream ends with a delete, the new one starts with a create.
            change(t, "d", before, null, tx, event, row, out);
            change(t, "c", null, after, tx, event, row, out);
            return;
        }
        List<String> key = key(t, after != null ? after : before);
        ObjectNode env = envelope(t, op, before, after, tx, event, row, false);
        String type = switch (op) {
            case "c" -> "cdc.create";
            case "u" -> "cdc.update";
            default -> "cdc.delete";
        };
        emit(tx, stream(t, key), type, env, out);
    }

    /** Maps a {@code TRUNCATE} of a captured table. */
    void truncate(MyTable t, Tx tx, BinlogPosition event, Sink out) {
        emit(tx, StreamName.of(t.category()), "cdc.truncate", envelope(t, "t", null, null, tx, event, 0, false), out);
    }

    /** Maps a snapshot row ({@code op = r}). */
    void snapshotRow(MyTable t, ObjectNode after, BinlogPosition point, long serverId, Sink out) {
        Tx tx = new Tx(point, point.gtid(), clock.millis(), serverId, 0);
        List<String> key = key(t, after);
        UUID id = UUID.nameUUIDFromBytes((connector + "/snapshot/" + point.file() + ":" + point.pos() + "/" + t.qualifiedName()
                + "/" + key).getBytes(StandardCharsets.UTF_8));
        ObjectNode env = envelope(t, "r", null, after, tx, point, 0, true);
        out.accept(stream(t, key), new EventData(id, "cdc.read", bytes(env), new byte[0]));
    }

    private void emit(Tx tx, StreamName stream, String type, ObjectNode env, Sink out) {
        long index = tx.index++;
        if (index < tx.skip) {
            // Already in the log: an earlier capture appended this part of a chunked transaction.
            return;
        }
        UUID id = UUID.nameUUIDFromBytes((connector + "/" + tx.begin.file() + ":" + tx.begin.pos() + "/" + index)
                .getBytes(StandardCharsets.UTF_8));
        out.accept(stream, new EventData(id, type, bytes(env), new byte[0]));
    }

    private ObjectNode envelope(MyTable t, String op, ObjectNode before, ObjectNode after, Tx tx, BinlogPosition event,
                                int row, boolean snapshot) {
        ObjectNode env = json.createObjectNode();
        env.set("before", before);
        env.set("after", after);
        env.put("op", op);
        ObjectNode src = env.putObject("source");
        src.put("version", "tributary-0.1");
        src.put("connector", "mysql");
        src.put("name", connector);
        src.put("db", t.database());
        src.put("table", t.table());
        src.put("server_id", tx.serverId);
        if (!tx.gtid.isEmpty()) {
            src.put("gtid", tx.gtid);
        }
        src.put("file", event.file());
        src.put("pos", event.pos());
        src.put("row", row);
        src.put("snapshot", snapshot ? "true" : "false");
        src.put("ts_ms", tx.commitMillis);
        env.put("ts_ms", clock.millis());
        if (!snapshot) {
            ObjectNode txn = env.putObject("transaction");
            txn.put("id", tx.gtid.isEmpty() ? tx.begin.file() + ":" + tx.begin.pos() : tx.gtid);
            txn.put("total_order", tx.index + 1);
            txn.put("data_collection_order", tx.perTable.merge(t.qualifiedName(), 1L, Long::sum));
        }
        return env;
    }

    private byte[] bytes(ObjectNode env) {
        try {
            return json.writeValueAsBytes(env);
        } catch (IOException e) {
            throw new CdcException("cannot encode change event", e);
        }
    }
}
