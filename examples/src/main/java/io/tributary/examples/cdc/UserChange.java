package io.tributary.examples.cdc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.core.RecordedEvent;
import java.io.IOException;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * What a captured change event of the {@code users} table means to a consumer: a row that now
 * exists ({@code c}, {@code r}, {@code u}), a row that is gone ({@code d}), or an emptied table
 * ({@code t}). Parsed from the Debezium-compatible envelope the capture writes.
 */
sealed interface UserChange {
    /** The column the capture marks as an unchanged TOASTed value (not sent by PostgreSQL). */
    String UNAVAILABLE = "__debezium_unavailable_value";

    /** The row {@code user} exists after the change; {@code unavailable} names columns whose value was not sent. */
    record Upsert(User user, Set<String> unavailable) implements UserChange {
    }

    /** The row with key {@code id} was deleted. */
    record Delete(int id) implements UserChange {
    }

    /** The table was truncated. */
    record Truncate() implements UserChange {
    }

    /**
     * Parses a change event, or returns empty for events of the category that are not change
     * events (another writer's events in {@code users-*}).
     *
     * @throws IllegalArgumentException naming the event when its data is not a users change envelope
     */
    static Optional<UserChange> parse(RecordedEvent event, ObjectMapper json) {
        if (!event.type().startsWith("cdc.")) {
            return Optional.empty();
        }
        JsonNode envelope;
        try {
            envelope = json.readTree(event.data());
        } catch (IOException e) {
            throw bad(event, "data is not JSON: " + e.getMessage());
        }
        String op = envelope.path("op").asText("");
        switch (op) {
            case "c", "r", "u" -> {
                JsonNode after = envelope.path("after");
                if (!after.isObject() || !after.path("id").canConvertToInt()) {
                    throw bad(event, "'after' has no integer id");
                }
                Set<String> unavailable = new HashSet<>();
                envelope.path("unavailable").forEach(n -> unavailable.add(n.asText()));
                return Optional.of(new Upsert(new User(after.get("id").asInt(), text(after, "email", unavailable),
                        text(after, "name", unavailable)), Set.copyOf(unavailable)));
            }
            case "d" -> {
                JsonNode before = envelope.path("before");
                if (!before.path("id").canConvertToInt()) {
                    throw bad(event, "'before' has no integer id");
                }
                return Optional.of(new Delete(before.get("id").asInt()));
            }
            case "t" -> {
                return Optional.of(new Truncate());
            }
            default -> throw bad(event, "unknown op '" + op + "'");
        }
    }

    private static String text(JsonNode row, String column, Set<String> unavailable) {
        JsonNode value = row.path(column);
        if (UNAVAILABLE.equals(value.asText(null))) {
            unavailable.add(column);
            return "";
        }
        // A NULL column is indexed and cached as the empty string.
        return value.isNull() || value.isMissingNode() ? "" : value.asText();
    }

    private static IllegalArgumentException bad(RecordedEvent event, String why) {
        return new IllegalArgumentException("not a users change event at position " + event.position() + " (stream "
                + event.stream() + ", type " + event.type() + "): " + why);
    }
}
