package io.tributary.server.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import io.tributary.core.RecordedEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Map;

/**
 * JSON on the wire: a strict parser (no duplicate keys, no trailing tokens, exact decimals so
 * {@code 100.00} stays {@code 100.00}) and writers for events and error bodies. Event data and
 * metadata are stored as the client's JSON bytes and written back verbatim.
 */
final class Json {
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();
    private static final JsonFactory FACTORY = MAPPER.getFactory();
    static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    static final byte[] EMPTY_OBJECT = "{}".getBytes(StandardCharsets.UTF_8);

    private Json() {
    }

    /** Parses a request body; invalid JSON is a 400 that says where. */
    static JsonNode parse(byte[] body) {
        if (body.length == 0) {
            throw ApiException.badRequest("the request body is empty; send JSON");
        }
        try {
            return MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("the request body is not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + ")"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The compact JSON bytes of a node. */
    static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a parsed JSON node could not be written", e);
        }
    }

    /** The JSON bytes of plain values (maps, lists, strings, numbers, booleans, null). */
    static byte[] bytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a response could not be written as JSON", e);
        }
    }

    /** The contract's error body. */
    static byte[] error(ApiException e) {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("error", e.code());
        body.put("message", e.getMessage());
        body.putAll(e.extra());
        return bytes(body);
    }

    /** A generator writing compact JSON into {@code out}. */
    static JsonGenerator generator(ByteArrayOutputStream out) {
        try {
            return FACTORY.createGenerator(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes one event in the contract's shape. */
    static void writeEvent(JsonGenerator g, RecordedEvent e) throws IOException {
        g.writeStartObject();
        g.writeStringField("stream", e.stream().value());
        g.writeNumberField("version", e.version());
        g.writeNumberField("position", e.position());
        g.writeStringField("eventId", e.eventId().toString());
        g.writeStringField("type", e.type());
        g.writeStringField("timestamp", TIMESTAMP.format(e.timestamp()));
        writePayload(g, "data", e.data(), null);
        writePayload(g, "metadata", e.metadata(), "{}");
        g.writeEndObject();
    }

    /** One event as compact JSON text. */
    static String eventText(RecordedEvent e) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + e.data().length + e.metadata().length);
        try (JsonGenerator g = generator(out)) {
            writeEvent(g, e);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * Writes a payload field verbatim. Events appended through the embedded API may carry bytes
     * that are not JSON: those are written as base64 with a {@code <name>Encoding} field, so a
     * response is always valid JSON.
     */
    static void writePayload(JsonGenerator g, String name, byte[] bytes, String whenEmpty) throws IOException {
        if (bytes.length == 0) {
            g.writeFieldName(name);
            if (whenEmpty == null) {
                g.writeNull();
            } else {
                g.writeRawValue(whenEmpty);
            }
        } else if (isJson(bytes)) {
            g.writeFieldName(name);
            g.writeRawValue(new String(bytes, StandardCharsets.UTF_8));
        } else {
            g.writeStringField(name, Base64.getEncoder().encodeToString(bytes));
            g.writeStringField(name + "Encoding", "base64");
        }
    }

    /** True when {@code bytes} hold exactly one JSON value. */
    static boolean isJson(byte[] bytes) {
        try (JsonParser p = FACTORY.createParser(bytes)) {
            if (p.nextToken() == null) {
                return false;
            }
            p.skipChildren();
            return p.nextToken() == null;
        } catch (IOException e) {
            return false;
        }
    }

    /** The token type of a scalar query value, for messages. */
    static String describe(JsonNode node) {
        return node == null ? "missing" : node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }
}
