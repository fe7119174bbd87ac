package io.tributary.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.core.EventData;
import io.tributary.core.ExpectedVersion;
import io.tributary.core.InvalidRequestException;
import io.tributary.core.StreamAppend;
import io.tributary.core.StreamName;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Turns append bodies into store requests, strictly: every problem is a 400 naming the event
 * and the field, and nothing reaches the store until the whole body is valid.
 */
final class EventRequests {
    /** Most events in one append request. */
    static final int MAX_EVENTS = 10_000;
    private static final Pattern UUID_TEXT =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Set<String> EVENT_FIELDS = Set.of("eventId", "type", "data", "metadata");
    private static final Set<String> APPEND_FIELDS = Set.of("stream", "expectedVersion", "events");

    private EventRequests() {
    }

    /** A stream name from user input, or a 400 saying what is wrong with it. */
    static StreamName streamName(String value) {
        String problem = StreamName.problem(value);
        if (problem != null) {
            throw ApiException.badRequest("invalid stream name: " + problem);
        }
        return StreamName.of(value);
    }

    /** An expected version in its wire form, or a 400. */
    static ExpectedVersion expectedVersion(String text) {
        try {
            return ExpectedVersion.parse(text);
        } catch (InvalidRequestException e) {
            throw ApiException.badRequest("invalid expectedVersion: " + e.getMessage());
        }
    }

    /** The events of a single-stream append body (a JSON array). */
    static List<EventData> events(JsonNode body, String where) {
        if (body == null || !body.isArray()) {
            throw ApiException.badRequest(where + " must be a JSON array of events, got " + Json.describe(body));
        }
        if (body.isEmpty()) {
            throw ApiException.badRequest(where + " is an empty array; send at least one event");
        }
        if (body.size() > MAX_EVENTS) {
            throw ApiException.badRequest(where + " has " + body.size() + " events, more than the "
                    + MAX_EVENTS + " allowed in one request");
        }
        List<EventData> events = new ArrayList<>(body.size());
        for (int i = 0; i < body.size(); i++) {
            events.add(event(body.get(i), where + "[" + i + "]"));
        }
        return events;
    }

    private static EventData event(JsonNode node, String where) {
        if (!node.isObject()) {
            throw ApiException.badRequest(where + " must be a JSON object, got " + Json.describe(node));
        }
        rejectUnknownFields(node, EVENT_FIELDS, where);
        JsonNode type = node.get("type");
        if (type == null || !type.isTextual() || type.textValue().isEmpty()) {
            throw ApiException.badRequest(where + ".type is required and must be a non-empty string");
        }
        String typeProblem = EventData.typeProblem(type.textValue());
        if (typeProblem != null) {
            throw ApiException.badRequest(where + ".type is invalid: " + typeProblem);
        }
        UUID id;
        JsonNode eventId = node.get("eventId");
        if (eventId == null) {
            id = UUID.randomUUID();
        } else if (eventId.isTextual() && UUID_TEXT.matcher(eventId.textValue()).matches()) {
            id = UUID.fromString(eventId.textValue());
        } else {
            throw ApiException.badRequest(where + ".eventId must be a UUID such as "
                    + "\"6f1c2a8e-1d2b-4c3d-9e4f-5a6b7c8d9e0f\", got " + eventId);
        }
        JsonNode data = node.get("data");
        if (data == null) {
            throw ApiException.badRequest(where + ".data is required (any JSON value; use null for none)");
        }
        JsonNode metadata = node.get("metadata");
        byte[] metadataBytes = metadata == null ? Json.EMPTY_OBJECT : Json.bytes(metadata);
        return new EventData(id, type.textValue(), Json.bytes(data), metadataBytes);
    }

    /** The appends of a multi-stream body {@code {"appends": [...]}}. */
    static List<StreamAppend> appends(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("the body must be a JSON object {\"appends\": [...]}, got " + Json.describe(body));
        }
        rejectUnknownFields(body, Set.of("appends"), "the body");
        JsonNode appends = body.get("appends");
        if (appends == null || !appends.isArray() || appends.isEmpty()) {
            throw ApiException.badRequest("appends must be a non-empty array of {\"stream\", \"expectedVersion\"?, \"events\"}");
        }
        List<StreamAppend> result = new ArrayList<>(appends.size());
        int total = 0;
        for (int i = 0; i < appends.size(); i++) {
            String where = "appends[" + i + "]";
            JsonNode a = appends.get(i);
            if (!a.isObject()) {
                throw ApiException.badRequest(where + " must be a JSON object, got " + Json.describe(a));
            }
            rejectUnknownFields(a, APPEND_FIELDS, where);
            JsonNode stream = a.get("stream");
            if (stream == null || !stream.isTextual()) {
                throw ApiException.badRequest(where + ".stream is required and must be a string");
            }
            StreamName name = streamName(stream.textValue());
            JsonNode ev = a.get("expectedVersion");
            ExpectedVersion expected;
            if (ev == null) {
                expected = ExpectedVersion.any();
            } else if (ev.isTextual()) {
                expected = expectedVersion(ev.textValue());
            } else if (ev.isIntegralNumber() && ev.canConvertToLong()) {
                expected = expectedVersion(Long.toString(ev.longValue()));
            } else {
                throw ApiException.badRequest(where + ".expectedVersion must be any, no_stream, stream_exists or a number, got " + ev);
            }
            List<EventData> events = events(a.get("events"), where + ".events");
            total += events.size();
            if (total > MAX_EVENTS) {
                throw ApiException.badRequest("the request has more than the " + MAX_EVENTS + " events allowed in one request");
            }
            result.add(new StreamAppend(name, expected, events));
        }
        return result;
    }

    static void rejectUnknownFields(JsonNode object, Set<String> known, String where) {
        for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!known.contains(field)) {
                throw ApiException.badRequest(where + " has an unknown field '" + field + "'; expected "
                        + new java.util.TreeSet<>(known));
            }
        }
    }
}
