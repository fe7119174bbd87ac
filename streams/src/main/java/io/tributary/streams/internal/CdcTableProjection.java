package io.tributary.streams.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.core.RecordedEvent;
import io.tributary.streams.Serde;
import io.tributary.streams.TableProjection;
import io.tributary.streams.TableUpdates;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;

/**
 * Folds the change events Tributary's CDC capture writes for one table (category {@code <table>},
 * streams {@code <table>-<key>}, Debezium-compatible envelopes) into the table's rows: {@code c},
 * {@code r} and {@code u} upsert {@code after} under the stream's id; {@code d} deletes it;
 * {@code t} (on the stream {@code <table>}) deletes every row. A column the envelope marks
 * unavailable (an unchanged TOASTed value: listed in {@code unavailable} and/or given as
 * {@value #UNAVAILABLE}) keeps the row's previous value, or is left out when the row has none.
 */
public final class CdcTableProjection implements TableProjection<RecordedEvent, String, JsonNode> {
    /** Debezium's marker of an unchanged TOASTed value. */
    static final String UNAVAILABLE = "__debezium_unavailable_value";
    /** The event types of the capture. */
    public static final String[] EVENT_TYPES = {"cdc.create", "cdc.update", "cdc.delete", "cdc.read", "cdc.truncate"};
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String table;

    /** The projection of {@code table} (its name, for error messages). */
    public CdcTableProjection(String table) {
        this.table = table;
    }

    /**
     * The category of a captured table: its name with {@code %}, {@code -}, control characters and
     * a leading {@code $} percent-encoded, as the capture names it.
     */
    public static String category(String table) {
        if (table == null || table.isEmpty()) {
            throw new IllegalArgumentException("a CDC table needs the captured table's name ('users', 'schema.table' outside public)");
        }
        StringBuilder b = new StringBuilder(table.length() + 8);
        for (int i = 0; i < table.length(); i++) {
            char c = table.charAt(i);
            if (c == '%' || c == '-' || Character.isISOControl(c) || (i == 0 && c == '$')) {
                b.append('%').append(String.format("%02X", (int) c & 0xFF));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /**
     * Whether {@code event} may change every row rather than the row of its stream's id: an event on
     * the table's own stream (no id), where the capture writes truncates. A partitioned run sends it
     * to every partition; {@link #apply} refuses a truncate anywhere else.
     */
    public static boolean isTruncate(RecordedEvent event) {
        return event.stream().id().isEmpty();
    }

    @Override
    public void apply(RecordedEvent event, TableUpdates<String, JsonNode> rows) {
        JsonNode env;
        try {
            env = JSON.readTree(event.data());
        } catch (IOException e) {
            throw bad(event, "its data is not JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        if (env == null || !env.isObject()) {
            throw bad(event, "its data is not a JSON object");
        }
        String op = env.path("op").asText("");
        String key = event.stream().id();
        if (op.equals("t")) {
            if (!key.isEmpty()) {
                throw bad(event, "it is a truncate on a row's stream; the capture writes truncates to the table's"
                        + " stream '" + event.stream().category() + "'");
            }
            rows.deleteAll();
            return;
        }
        if (!op.equals("c") && !op.equals("r") && !op.equals("u") && !op.equals("d")) {
            throw bad(event, "its op is '" + op + "'; expected c, r, u, d or t");
        }
        if (key.isEmpty()) {
            throw bad(event, "it has no key (stream '" + event.stream().value() + "'): table '" + table
                    + "' has no primary key or replica identity, so its rows cannot form a table");
        }
        if (op.equals("d")) {
            rows.delete(key);
            return;
        }
        JsonNode after = env.get("after");
        if (after == null || !after.isObject()) {
            throw bad(event, "op '" + op + "' has no 'after' row object");
        }
        rows.upsert(key, withUnavailableFilled((ObjectNode) after, env.get("unavailable"), rows.get(key).orElse(null)));
    }

    /** {@code after} with each unavailable column set to the previous row's value, or removed when there is none. */
    static ObjectNode withUnavailableFilled(ObjectNode after, JsonNode listed, JsonNode previous) {
        Set<String> unavailable = new HashSet<>();
        if (listed != null && listed.isArray()) {
            listed.forEach(n -> unavailable.add(n.asText()));
        }
        after.properties().forEach(e -> {
            if (e.getValue().isTextual() && UNAVAILABLE.equals(e.getValue().textValue())) {
                unavailable.add(e.getKey());
            }
        });
        if (unavailable.isEmpty()) {
            return after;
        }
        ObjectNode row = after.deepCopy();
        for (String column : unavailable) {
            if (!row.has(column)) {
                continue;
            }
            JsonNode old = previous == null ? null : previous.get(column);
            if (old != null && !(old.isTextual() && UNAVAILABLE.equals(old.textValue()))) {
                row.set(column, old);
            } else {
                row.remove(column); // never seen: absent rather than wrong
            }
        }
        return row;
    }

    private IllegalArgumentException bad(RecordedEvent event, String why) {
        return new IllegalArgumentException("CDC table '" + table + "': event " + event.type() + " at position " + event.position()
                + " on stream '" + event.stream().value() + "' is not a change envelope of the capture: " + why);
    }

    /** Rows as JSON bytes (RocksDB state). */
    public static final Serde<JsonNode> ROW_SERDE = new Serde<>() {
        @Override
        public byte[] serialize(JsonNode value) {
            try {
                return JSON.writeValueAsBytes(value);
            } catch (IOException e) {
                throw new IllegalStateException("cannot encode a CDC row: " + e.getMessage(), e);
            }
        }

        @Override
        public JsonNode deserialize(byte[] bytes) {
            try {
                return JSON.readTree(bytes);
            } catch (IOException e) {
                throw new IllegalStateException("cannot decode a CDC row: " + e.getMessage(), e);
            }
        }
    };
}
