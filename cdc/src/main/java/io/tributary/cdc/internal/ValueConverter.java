package io.tributary.cdc.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import io.tributary.cdc.CdcException;
import java.io.IOException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Converts PostgreSQL text-format values into JSON: integers and booleans as JSON numbers and
 * booleans, numeric exactly as a string, json/jsonb as embedded JSON, bytea as base64, dates
 * and timestamps as ISO-8601 strings ({@code timestamptz} in UTC with {@code Z}), arrays as JSON
 * arrays, anything else (enums, uuid, intervals...) as its text.
 */
public final class ValueConverter {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private final ObjectMapper mapper;
    private final TypeCatalog types;
    private String lastTimestamptz;
    private String lastTimestamptzUtc;

    /** A converter looking types up in {@code types}. */
    public ValueConverter(ObjectMapper mapper, TypeCatalog types) {
        this.mapper = mapper;
        this.types = types;
    }

    /** Converts {@code text}, the value of a column of type {@code oid}. */
    public JsonNode convert(int oid, String text) {
        TypeCatalog.TypeInfo type = types.type(oid);
        try {
            return switch (type.kind()) {
                case BOOL -> NODES.booleanNode("t".equals(text) || "true".equals(text));
                case INT -> NODES.numberNode(Long.parseLong(text));
                case FLOAT -> floating(text);
                case NUMERIC, TEXT, UUID, DATE -> TextNode.valueOf(text);
                case JSON -> mapper.readTree(text);
                case BYTEA -> TextNode.valueOf(Base64.getEncoder().encodeToString(bytea(text)));
                case TIMESTAMP -> TextNode.valueOf(timestamp(text));
                case TIMESTAMPTZ -> TextNode.valueOf(timestamptz(text));
                case ARRAY -> array(type.elementOid(), text);
            };
        } catch (JsonProcessingException | RuntimeException e) {
            if (e instanceof CdcException c) {
                throw c;
            }
            throw new CdcException("cannot convert value of type oid " + oid + " (" + type.kind() + "): " + e.getMessage(), e);
        }
    }

    /**
     * Writes {@code text}, the value of a column of type {@code oid}, straight to {@code g}: the same
     * JSON as {@link #convert} gives, without building a tree for scalar values.
     */
    public void write(JsonGenerator g, int oid, String text) throws IOException {
        TypeCatalog.TypeInfo type = types.type(oid);
        try {
            switch (type.kind()) {
                case BOOL -> g.writeBoolean("t".equals(text) || "true".equals(text));
                case INT -> g.writeNumber(Long.parseLong(text));
                case FLOAT -> {
                    double d = Double.parseDouble(text);
                    if (Double.isFinite(d)) {
                        g.writeNumber(d);
                    } else {
                        g.writeString(text);
                    }
                }
                case NUMERIC, TEXT, UUID, DATE -> g.writeString(text);
                case BYTEA -> g.writeString(Base64.getEncoder().encodeToString(bytea(text)));
                case TIMESTAMP -> g.writeString(timestamp(text));
                case TIMESTAMPTZ -> g.writeString(cachedTimestamptz(text));
                case JSON, ARRAY -> g.writeTree(convert(oid, text));
            }
        } catch (RuntimeException e) {
            if (e instanceof CdcException c) {
                throw c;
            }
            throw new CdcException("cannot convert value of type oid " + oid + " (" + type.kind() + "): " + e.getMessage(), e);
        }
    }

    /**
     * {@link #timestamptz}, remembering the last value: the rows of a transaction often carry the same
     * timestamp ({@code DEFAULT now()} is the transaction's start time). Used by one thread (see {@link #write}).
     */
    private String cachedTimestamptz(String text) {
        if (!text.equals(lastTimestamptz)) {
            lastTimestamptzUtc = timestamptz(text);
            lastTimestamptz = text;
        }
        return lastTimestamptzUtc;
    }

    /** Whether {@link #convert} gives {@code text} itself as a JSON string for this type. */
    public boolean verbatimText(int oid) {
        return switch (types.type(oid).kind()) {
            case NUMERIC, TEXT, UUID, DATE, TIMESTAMP, TIMESTAMPTZ -> true;
            default -> false;
        };
    }

    private static JsonNode floating(String text) {
        double d = Double.parseDouble(text.replace("Infinity", "Infinity"));
        return Double.isFinite(d) ? NODES.numberNode(d) : TextNode.valueOf(text);
    }

    private static byte[] bytea(String text) {
        if (text.startsWith("\\x")) {
            return HexFormat.of().parseHex(text, 2, text.length());
        }
        throw new CdcException("bytea value is not in hex format; set bytea_output = 'hex' on the server");
    }

    /** {@code 2024-01-02 03:04:05.123456} to {@code 2024-01-02T03:04:05.123456}; infinity and BC dates as sent. */
    static String timestamp(String text) {
        if (text.length() < 19 || text.endsWith(" BC") || text.indexOf(' ') != 10) {
            return text;
        }
        return text.replace(' ', 'T');
    }

    /** {@code 2024-01-02 03:04:05.12+05:30} to the UTC instant {@code 2024-01-01T21:34:05.120Z}. */
    static String timestamptz(String text) {
        if (text.length() < 19 || text.endsWith(" BC") || text.indexOf(' ') != 10) {
            return text;
        }
        int sign = Math.max(text.lastIndexOf('+'), text.lastIndexOf('-'));
        if (sign < 19) {
            return text;
        }
        String fast = Timestamps.utcInstant(text);
        if (fast != null) {
            return fast;
        }
        LocalDateTime local = LocalDateTime.parse(text.substring(0, sign).replace(' ', 'T'));
        ZoneOffset offset = ZoneOffset.of(text.substring(sign));
        return local.toInstant(offset).toString();
    }

    private JsonNode array(int elementOid, String text) {
        ArrayNode root = NODES.arrayNode();
        int start = text.indexOf('{');
        if (start < 0) {
            throw new CdcException("array value has no '{': " + text);
        }
        int end = parseArray(text, start, root, elementOid);
        if (end != text.length()) {
            throw new CdcException("trailing text after array value: " + text);
        }
        return root;
    }

    /** Parses {@code {...}} at {@code i} into {@code into}; returns the index after the closing brace. */
    private int parseArray(String s, int i, ArrayNode into, int elementOid) {
        i++;
        if (s.charAt(i) == '}') {
            return i + 1;
        }
        while (true) {
            char c = s.charAt(i);
            if (c == '{') {
                ArrayNode inner = into.addArray();
                i = parseArray(s, i, inner, elementOid);
            } else if (c == '"') {
                StringBuilder b = new StringBuilder();
                i++;
                while (s.charAt(i) != '"') {
                    if (s.charAt(i) == '\\') {
                        i++;
                    }
                    b.append(s.charAt(i++));
                }
                i++;
                into.add(convert(elementOid, b.toString()));
            } else {
                int j = i;
                while (s.charAt(j) != ',' && s.charAt(j) != '}') {
                    j++;
                }
                String raw = s.substring(i, j);
                into.add("NULL".equals(raw) ? NODES.nullNode() : convert(elementOid, raw));
                i = j;
            }
            char sep = s.charAt(i);
            i++;
            if (sep == '}') {
                return i;
            }
        }
    }
}
