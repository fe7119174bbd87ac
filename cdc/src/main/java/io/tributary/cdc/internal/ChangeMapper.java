package io.tributary.cdc.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.cdc.CdcException;
import io.tributary.cdc.PostgresSource;
import io.tributary.core.EventData;
import io.tributary.core.StreamName;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Turns the changes of one committed transaction into events with the Debezium-compatible
 * envelope, on the streams of their rows; outbox rows and messages become plain domain events.
 * Event ids are derived from (connector, commit LSN, index in the transaction), so a
 * re-delivered transaction produces the same ids.
 */
public final class ChangeMapper {
    /** Microseconds from the Unix epoch to PostgreSQL's epoch, 2000-01-01. */
    static final long PG_EPOCH_MICROS = 946_684_800_000_000L;
    /** The value of an unchanged TOASTed column, as Debezium writes it. */
    public static final String UNAVAILABLE = "__debezium_unavailable_value";
    private static final byte[] NO_METADATA = new byte[0];

    /** A captured event and its stream. */
    public record Captured(StreamName stream, EventData event) {
    }

    /** Decides to drop a streamed row change that a later snapshot already covers. */
    public interface RowGate {
        /** Whether the change of {@code key} in {@code table}, committed at {@code commitLsn}, is to be dropped. */
        boolean skip(RelationCache.Table table, List<String> key, long commitLsn);

        /** Whether a {@code TRUNCATE} of {@code table} committed at {@code commitLsn} is to be dropped. */
        boolean skipTruncate(RelationCache.Table table, long commitLsn);
    }

    /** Where mapped events go. */
    public interface Sink {
        /** Receives the next event of the transaction. */
        void accept(Captured captured);
    }

    /** A committed transaction being mapped. */
    public static final class Tx {
        final long xid;
        final long commitLsn;
        final long commitMillis;
        final boolean snapshot;
        long index;
        /** Per table ({@code schema.table}), the events mapped so far (data_collection_order). */
        final Map<String, long[]> perTable = new HashMap<>();
        // Per transaction and table, the envelope's constant parts, pre-encoded (see envelopeBytes).
        byte[] idPrefix;
        byte[] transactionPrefix;
        RelationCache.Table lastTable;
        byte[] lastSource;
        long[] lastCounter;

        /** A transaction; {@code snapshot} for snapshot reads. */
        public Tx(long xid, long commitLsn, long commitTimeMicros, boolean snapshot) {
            this.xid = xid;
            this.commitLsn = commitLsn;
            this.commitMillis = (commitTimeMicros + PG_EPOCH_MICROS) / 1000;
            this.snapshot = snapshot;
        }

        /** Number of events mapped so far. */
        public long index() {
            return index;
        }
    }

    private final PostgresSource source;
    private final ObjectMapper mapper;
    private final ValueConverter values;
    private final RelationCache relations;
    private final String database;
    private final Clock clock;
    private final String outboxTable;
    private RowGate gate;
    // Reused per event: a mapper is used by one thread at a time (the capture's).
    private final JsonBytes buffer = new JsonBytes(1024);
    /** Writes the row objects of streamed changes into {@link #buffer}, one root value after another; null after a failure. */
    private JsonGenerator rows;
    private final NameUuids ids = new NameUuids();

    /** A mapper for {@code source}, reading database {@code database}. */
    public ChangeMapper(PostgresSource source, ObjectMapper mapper, ValueConverter values, RelationCache relations,
                        String database) {
        this.source = source;
        this.mapper = mapper;
        this.values = values;
        this.relations = relations;
        this.database = database;
        this.clock = source.clock();
        String ob = source.outboxTable().orElse(null);
        this.outboxTable = ob == null ? null : (ob.indexOf('.') < 0 ? "public." + ob : ob);
    }

    /** Sets the gate for streamed row changes; null for none. */
    public void gate(RowGate value) {
        this.gate = value;
    }

    /** The relation cache this mapper decodes rows with. */
    public RelationCache relations() {
        return relations;
    }

    /** Maps one message of a committed transaction. */
    public void map(PgMessage m, Tx tx, Sink out) {
        if (m instanceof PgMessage.Relation r) {
            relations.update(r);
        } else if (m instanceof PgMessage.Insert i) {
            RelationCache.Table t = relations.get(i.relationId());
            if (t.qualifiedName().equals(outboxTable)) {
                outboxRow(t, i.after(), tx, out);
                return;
            }
            row(t, "c", null, i.after(), tx, out);
        } else if (m instanceof PgMessage.Update u) {
            RelationCache.Table t = relations.get(u.relationId());
            if (t.qualifiedName().equals(outboxTable)) {
                return;
            }
            List<String> newKey = keyOf(t, u.after(), null);
            if (u.old() != null && t.keyIndexes().length > 0) {
                List<String> oldKey = keyOf(t, u.old(), null);
                if (!oldKey.equals(newKey)) {
                    // The key changed: the old row's stream ends with a delete, the new one starts with a create.
                    row(t, "d", u.old(), null, tx, out);
                    row(t, "c", null, u.after(), tx, out);
                    return;
                }
            }
            row(t, "u", u.old(), u.after(), tx, out);
        } else if (m instanceof PgMessage.Delete d) {
            RelationCache.Table t = relations.get(d.relationId());
            if (t.qualifiedName().equals(outboxTable)) {
                return;
            }
            row(t, "d", d.old(), null, tx, out);
        } else if (m instanceof PgMessage.Truncate tr) {
            for (int id : tr.relationIds()) {
                RelationCache.Table t = relations.get(id);
                if (gate != null && gate.skipTruncate(t, tx.commitLsn)) {
                    continue;
                }
                ObjectNode env = envelope(t, "t", null, null, tx);
                out.accept(new Captured(StreamName.of(t.category()), event(tx, "cdc.truncate", env)));
            }
        } else if (m instanceof PgMessage.Message msg && msg.transactional()
                && source.outboxMessagePrefix().map(p -> p.equals(msg.prefix())).orElse(false)) {
            outboxMessage(msg.content(), tx, out);
        }
    }

    /** Maps a non-transactional outbox message, appended on its own. */
    public boolean isOutboxMessage(PgMessage.Message msg) {
        return source.outboxMessagePrefix().map(p -> p.equals(msg.prefix())).orElse(false);
    }

    /** Maps the content of an outbox message: {@code {"stream", "type", "data", "metadata"?, "eventId"?}}. */
    public void outboxMessage(byte[] content, Tx tx, Sink out) {
        JsonNode n;
        try {
            n = mapper.readTree(content);
        } catch (IOException e) {
            throw new CdcException("outbox message is not JSON: " + new String(content, StandardCharsets.UTF_8), e);
        }
        outbox(n.path("stream").asText(""), n.path("type").asText(""), n.get("data"), n.get("metadata"),
                n.path("eventId").asText(""), tx, out);
    }

    private void outboxRow(RelationCache.Table t, PgMessage.Tuple row, Tx tx, Sink out) {
        ObjectNode r = rowJson(t, row, false);
        JsonNode data = r.has("payload") ? r.get("payload") : r.get("data");
        outbox(r.path("stream").asText(""), r.path("type").asText(""), data, r.get("metadata"), r.path("id").asText(""), tx, out);
    }

    private void outbox(String stream, String type, JsonNode data, JsonNode metadata, String id, Tx tx, Sink out) {
        if (StreamName.problem(stream) != null || EventData.typeProblem(type) != null) {
            throw new CdcException("outbox event at LSN " + Lsn.format(tx.commitLsn) + " has an invalid stream '" + stream
                    + "' or type '" + type + "'; an outbox row/message needs a valid 'stream' and 'type'");
        }
        long index = tx.index++;
        UUID eventId = id.isEmpty() ? eventId(tx, index) : UUID.fromString(id);
        try {
            byte[] d = data == null || data.isNull() ? new byte[0]
                    : data.isTextual() ? data.asText().getBytes(StandardCharsets.UTF_8) : mapper.writeValueAsBytes(data);
            byte[] md = metadata == null || metadata.isNull() ? new byte[0]
                    : metadata.isTextual() ? metadata.asText().getBytes(StandardCharsets.UTF_8) : mapper.writeValueAsBytes(metadata);
            out.accept(new Captured(StreamName.of(stream), new EventData(eventId, type, d, md)));
        } catch (IOException e) {
            throw new CdcException("cannot encode outbox event", e);
        }
    }

    /** Maps one snapshot row ({@code op = r}). */
    public void snapshotRow(RelationCache.Table t, ObjectNode after, List<String> key, Tx tx, Sink out, UUID id) {
        ObjectNode env = envelopeWith(t, "r", null, after, tx);
        StreamName stream = t.keyIndexes().length == 0 ? StreamName.of(t.category()) : StreamNames.row(t.category(), key);
        out.accept(new Captured(stream, new EventData(id, "cdc.read", bytes(env), new byte[0])));
    }

    private void row(RelationCache.Table t, String op, PgMessage.Tuple before, PgMessage.Tuple after, Tx tx, Sink out) {
        PgMessage.Tuple keySource = after != null ? after : before;
        List<String> key = keyOf(t, keySource, before);
        if (gate != null && gate.skip(t, key, tx.commitLsn)) {
            return;
        }
        StreamName stream = t.keyIndexes().length == 0 ? StreamName.of(t.category()) : StreamNames.row(t.category(), key);
        String type = switch (op) {
            case "c" -> "cdc.create";
            case "u" -> "cdc.update";
            default -> "cdc.delete";
        };
        byte[] data = envelopeBytes(t, op, before, after, tx);
        long index = tx.index++;
        out.accept(new Captured(stream, new EventData(eventId(tx, index), type, data, NO_METADATA)));
    }

    /** The key's text values; unchanged TOAST in a key cannot happen (keys are sent), fall back to the old tuple. */
    private static List<String> keyOf(RelationCache.Table t, PgMessage.Tuple row, PgMessage.Tuple fallback) {
        List<String> key = new ArrayList<>(t.keyIndexes().length);
        for (int k : t.keyIndexes()) {
            String v = k < row.size() ? row.values()[k] : null;
            if (v == null && fallback != null && k < fallback.size()) {
                v = fallback.values()[k];
            }
            key.add(v);
        }
        return key;
    }

    private EventData event(Tx tx, String type, ObjectNode env) {
        long index = tx.index++;
        return new EventData(eventId(tx, index), type, bytes(env), new byte[0]);
    }

    /** {@code UUID.nameUUIDFromBytes} of {@code <connector>/<commit LSN>/<index>} (a version 3 UUID), with one reused digest. */
    private UUID eventId(Tx tx, long index) {
        if (tx.idPrefix == null) {
            tx.idPrefix = (source.name() + "/" + tx.commitLsn + "/").getBytes(StandardCharsets.UTF_8);
        }
        return ids.of(tx.idPrefix, index);
    }

    private static final byte[] BEFORE = ascii("{\"before\":");
    private static final byte[] AFTER = ascii(",\"after\":");
    private static final byte[] NULL = ascii("null");
    private static final byte[] OP_C = ascii(",\"op\":\"c\"");
    private static final byte[] OP_U = ascii(",\"op\":\"u\"");
    private static final byte[] OP_D = ascii(",\"op\":\"d\"");
    private static final byte[] DATA_COLLECTION_ORDER = ascii(",\"data_collection_order\":");
    private static final byte[] UNAVAILABLE_FIELD = ascii(",\"unavailable\":");
    private static final byte[] END_OBJECT = ascii("}");

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The envelope of a streamed row change, written straight to bytes (no tree): the same JSON as
     * {@link #envelopeWith} over {@link #rowJson(RelationCache.Table, PgMessage.Tuple, boolean)} gives.
     * The parts that are the same for every row of a table in a transaction ({@code source}, the
     * transaction's id) are encoded once per transaction and table and copied; the rows go through one
     * reused generator.
     */
    byte[] envelopeBytes(RelationCache.Table t, String op, PgMessage.Tuple before, PgMessage.Tuple after, Tx tx) {
        JsonBytes out = buffer;
        out.reset();
        try {
            JsonGenerator g = rows;
            if (g == null) {
                g = mapper.getFactory().createGenerator(out);
                g.setRootValueSeparator(null);
                rows = g;
            }
            out.write(BEFORE);
            if (before == null) {
                out.write(NULL);
            } else {
                writeRow(g, t, before, true, null);
                g.flush();
            }
            out.write(AFTER);
            List<String> unavailable = List.of();
            if (after == null) {
                out.write(NULL);
            } else {
                unavailable = writeRow(g, t, after, false, before);
                g.flush();
            }
            out.write(switch (op) {
                case "c" -> OP_C;
                case "u" -> OP_U;
                case "d" -> OP_D;
                default -> throw new IllegalArgumentException("op " + op);
            });
            if (tx.lastTable != t) {
                tx.lastTable = t;
                tx.lastSource = sourceBytes(t, tx);
                tx.lastCounter = tx.perTable.computeIfAbsent(t.qualifiedName(), q -> new long[1]);
            }
            out.write(tx.lastSource);
            out.writeLong(clock.millis());
            if (!tx.snapshot) {
                if (tx.transactionPrefix == null) {
                    tx.transactionPrefix = ascii(",\"transaction\":{\"id\":\"" + tx.xid + ":" + tx.commitLsn + "\",\"total_order\":");
                }
                out.write(tx.transactionPrefix);
                out.writeLong(tx.index + 1);
                out.write(DATA_COLLECTION_ORDER);
                out.writeLong(++tx.lastCounter[0]);
                out.write(END_OBJECT);
            }
            if (!unavailable.isEmpty()) {
                out.write(UNAVAILABLE_FIELD);
                g.writeStartArray();
                for (String u : unavailable) {
                    g.writeString(u);
                }
                g.writeEndArray();
                g.flush();
            }
            out.write(END_OBJECT);
            return out.toByteArray();
        } catch (IOException | RuntimeException e) {
            // The generator may be inside an object: the next event starts with a new one.
            rows = null;
            if (e instanceof CdcException c) {
                throw c;
            }
            throw new CdcException("cannot encode change event: " + e.getMessage(), e);
        }
    }

    /**
     * {@code ,"source":{...},"ts_ms":} for rows of {@code t} in {@code tx}: everything of the envelope between
     * {@code op} and the event's own timestamp, encoded by Jackson as in {@link #envelopeWith}.
     */
    private byte[] sourceBytes(RelationCache.Table t, Tx tx) throws IOException {
        ByteArrayBuilder b = new ByteArrayBuilder(256);
        b.write(ascii(",\"source\":"));
        try (JsonGenerator g = mapper.getFactory().createGenerator(b)) {
            g.writeStartObject();
            g.writeStringField("version", "tributary-0.1");
            g.writeStringField("connector", "postgresql");
            g.writeStringField("name", source.name());
            g.writeStringField("db", database);
            g.writeStringField("schema", t.message().namespace());
            g.writeStringField("table", t.message().name());
            g.writeNumberField("lsn", tx.commitLsn);
            g.writeNumberField("txId", tx.xid);
            g.writeStringField("snapshot", tx.snapshot ? "true" : "false");
            g.writeNumberField("ts_ms", tx.commitMillis);
            g.writeEndObject();
        }
        b.write(ascii(",\"ts_ms\":"));
        return b.toByteArray();
    }

    /**
     * Writes a row object: selected columns only; for an old key-only tuple, only the columns sent. For a
     * new row with the old one ({@code fillFrom}, REPLICA IDENTITY FULL), an unchanged TOASTed value is
     * the old row's value when the old row has it. Returns the columns left unavailable.
     */
    private List<String> writeRow(JsonGenerator g, RelationCache.Table t, PgMessage.Tuple row, boolean old,
                                  PgMessage.Tuple fillFrom) throws IOException {
        List<String> unavailable = List.of();
        PgMessage.Column[] cols = t.columns();
        g.writeStartObject();
        for (int c = 0; c < cols.length && c < row.size(); c++) {
            if (!t.selected()[c] || (old && omittedFromOld(t, row, c))) {
                continue;
            }
            PgMessage.Column col = cols[c];
            g.writeFieldName(t.fieldNames()[c]);
            PgMessage.Tuple from = row;
            if (fillFrom != null && unavailable(row, c, col) && c < fillFrom.size() && !omittedFromOld(t, fillFrom, c)
                    && !unavailable(fillFrom, c, col)) {
                from = fillFrom;
            }
            switch (from.kinds()[c]) {
                case PgMessage.Tuple.NULL -> g.writeNull();
                case PgMessage.Tuple.UNCHANGED_TOAST -> g.writeString(UNAVAILABLE);
                default -> values.write(g, col.typeOid(), from.values()[c]);
            }
            if (!old && unavailable(from, c, col)) {
                if (unavailable.isEmpty()) {
                    unavailable = new ArrayList<>(2);
                }
                unavailable.add(col.name());
            }
        }
        g.writeEndObject();
        return unavailable;
    }

    /** Whether an old tuple leaves column {@code c} out: a key-only old row (not REPLICA IDENTITY FULL) sends non-key columns as NULL. */
    private static boolean omittedFromOld(RelationCache.Table t, PgMessage.Tuple row, int c) {
        return t.message().replicaIdentity() != 'f' && row.kinds()[c] == PgMessage.Tuple.NULL && !t.columns()[c].key();
    }

    /** Whether the column's JSON value is the unavailable marker (an unchanged TOASTed value, or text equal to it). */
    private boolean unavailable(PgMessage.Tuple row, int c, PgMessage.Column col) {
        byte kind = row.kinds()[c];
        return kind == PgMessage.Tuple.UNCHANGED_TOAST
                || (kind == PgMessage.Tuple.TEXT && UNAVAILABLE.equals(row.values()[c]) && values.verbatimText(col.typeOid()));
    }

    private byte[] bytes(ObjectNode env) {
        try {
            return mapper.writeValueAsBytes(env);
        } catch (IOException e) {
            throw new CdcException("cannot encode change event", e);
        }
    }

    /** The envelope as a tree (truncates; the reference for {@link #envelopeBytes} in tests). */
    ObjectNode envelope(RelationCache.Table t, String op, PgMessage.Tuple before, PgMessage.Tuple after, Tx tx) {
        ObjectNode b = before == null ? null : rowJson(t, before, true);
        ObjectNode a = after == null ? null : rowJson(t, after, false);
        if (a != null && b != null) {
            // An unchanged TOASTed value of the new row is the old row's value when REPLICA IDENTITY FULL sent it.
            List<String> fill = new ArrayList<>();
            a.properties().forEach(e -> {
                if (e.getValue().isTextual() && UNAVAILABLE.equals(e.getValue().asText())
                        && b.has(e.getKey()) && !UNAVAILABLE.equals(b.get(e.getKey()).asText(null))) {
                    fill.add(e.getKey());
                }
            });
            fill.forEach(f -> a.set(f, b.get(f)));
        }
        return envelopeWith(t, op, b, a, tx);
    }

    private ObjectNode envelopeWith(RelationCache.Table t, String op, ObjectNode before, ObjectNode after, Tx tx) {
        ObjectNode env = mapper.createObjectNode();
        env.set("before", before);
        env.set("after", after);
        env.put("op", op);
        ObjectNode src = env.putObject("source");
        src.put("version", "tributary-0.1");
        src.put("connector", "postgresql");
        src.put("name", source.name());
        src.put("db", database);
        src.put("schema", t.message().namespace());
        src.put("table", t.message().name());
        src.put("lsn", tx.commitLsn);
        src.put("txId", tx.xid);
        src.put("snapshot", tx.snapshot ? "true" : "false");
        src.put("ts_ms", tx.commitMillis);
        env.put("ts_ms", clock.millis());
        if (!tx.snapshot) {
            ObjectNode txn = env.putObject("transaction");
            txn.put("id", tx.xid + ":" + tx.commitLsn);
            txn.put("total_order", tx.index + 1);
            long perTable = ++tx.perTable.computeIfAbsent(t.qualifiedName(), q -> new long[1])[0];
            txn.put("data_collection_order", perTable);
        }
        ArrayNode unavailable = null;
        if (after != null) {
            for (var e : after.properties()) {
                if (e.getValue().isTextual() && UNAVAILABLE.equals(e.getValue().asText())) {
                    if (unavailable == null) {
                        unavailable = env.putArray("unavailable");
                    }
                    unavailable.add(e.getKey());
                }
            }
        }
        return env;
    }

    /** The row as JSON: selected columns only; for an old key-only tuple, only the columns sent. */
    private ObjectNode rowJson(RelationCache.Table t, PgMessage.Tuple row, boolean old) {
        ObjectNode o = mapper.createObjectNode();
        List<PgMessage.Column> cols = t.message().columns();
        boolean keyOnly = old && t.message().replicaIdentity() != 'f';
        for (int c = 0; c < cols.size() && c < row.size(); c++) {
            if (!t.selected()[c]) {
                continue;
            }
            byte kind = row.kinds()[c];
            if (keyOnly && kind == PgMessage.Tuple.NULL && !cols.get(c).key()) {
                continue;
            }
            String name = cols.get(c).name();
            switch (kind) {
                case PgMessage.Tuple.NULL -> o.putNull(name);
                case PgMessage.Tuple.UNCHANGED_TOAST -> o.put(name, UNAVAILABLE);
                default -> o.set(name, values.convert(cols.get(c).typeOid(), row.values()[c]));
            }
        }
        return o;
    }

    /** The row as JSON from a snapshot result's text values. */
    public ObjectNode rowJson(RelationCache.Table t, String[] texts) {
        ObjectNode o = mapper.createObjectNode();
        List<PgMessage.Column> cols = t.message().columns();
        for (int c = 0; c < cols.size(); c++) {
            if (!t.selected()[c]) {
                continue;
            }
            if (texts[c] == null) {
                o.putNull(cols.get(c).name());
            } else {
                o.set(cols.get(c).name(), values.convert(cols.get(c).typeOid(), texts[c]));
            }
        }
        return o;
    }
}
