package io.tributary.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.core.StreamMetadata;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Stream metadata on the wire: {@code {"maxCount"?, "maxAgeSeconds"?, "truncateBefore"?, "custom"?}}. */
final class StreamMetadataJson {
    private static final Set<String> FIELDS = Set.of("maxCount", "maxAgeSeconds", "truncateBefore", "custom");

    private StreamMetadataJson() {
    }

    static StreamMetadata parse(JsonNode body) {
        if (!body.isObject()) {
            throw ApiException.badRequest("stream metadata must be a JSON object, got " + Json.describe(body));
        }
        EventRequests.rejectUnknownFields(body, FIELDS, "stream metadata");
        StreamMetadata m = StreamMetadata.none();
        if (present(body, "maxCount")) {
            m = m.withMaxCount(wholeNumber(body, "maxCount"));
        }
        if (present(body, "maxAgeSeconds")) {
            m = m.withMaxAge(Duration.ofSeconds(wholeNumber(body, "maxAgeSeconds")));
        }
        if (present(body, "truncateBefore")) {
            m = m.withTruncateBefore(wholeNumber(body, "truncateBefore"));
        }
        if (present(body, "custom")) {
            m = m.withCustom(Json.bytes(body.get("custom")));
        }
        return m;
    }

    private static boolean present(JsonNode body, String field) {
        return body.has(field) && !body.get(field).isNull();
    }

    private static long wholeNumber(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw ApiException.badRequest(field + " must be a whole number, got " + n);
        }
        return n.longValue();
    }

    static Object toJson(StreamMetadata m) {
        Map<String, Object> map = new LinkedHashMap<>();
        m.maxCount().ifPresent(v -> map.put("maxCount", v));
        m.maxAge().ifPresent(v -> map.put("maxAgeSeconds", v.getSeconds()));
        m.truncateBefore().ifPresent(v -> map.put("truncateBefore", v));
        if (m.custom().length > 0) {
            map.put("custom", Json.isJson(m.custom())
                    ? Json.parse(m.custom())
                    : new String(m.custom(), StandardCharsets.UTF_8));
        }
        return map;
    }
}
