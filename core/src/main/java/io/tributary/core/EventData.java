package io.tributary.core;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.UUID;

/**
 * An event to append: an id, a type and opaque bytes (JSON by convention) for data and
 * metadata.
 *
 * <p>The {@code eventId} makes appends idempotent: sending the same events again (same ids,
 * same place in the stream) returns the original result and writes nothing. The arrays are
 * not copied; do not change them after handing them over.
 *
 * @param eventId  unique id of the event
 * @param type     the event type, for example {@code MoneyDeposited}; 1 to 255 UTF-8 bytes, no control characters
 * @param data     the payload, possibly empty
 * @param metadata correlation/causation ids, user, tenant...; possibly empty
 */
public record EventData(UUID eventId, String type, byte[] data, byte[] metadata) {
    /** The longest event type, in UTF-8 bytes. */
    public static final int MAX_TYPE_BYTES = 255;
    private static final byte[] EMPTY = new byte[0];

    /** Validates the event; throws {@link InvalidRequestException} naming the problem. */
    public EventData {
        if (eventId == null) {
            throw new InvalidRequestException("eventId must not be null");
        }
        String problem = typeProblem(type);
        if (problem != null) {
            throw new InvalidRequestException(problem);
        }
        if (data == null) {
            throw new InvalidRequestException("data of event '" + type + "' must not be null (use an empty array)");
        }
        if (metadata == null) {
            throw new InvalidRequestException("metadata of event '" + type + "' must not be null (use an empty array)");
        }
    }

    /** Says what is wrong with {@code type} as an event type, or {@code null} when it is valid. */
    public static String typeProblem(String type) {
        if (type == null || type.isEmpty()) {
            return "event type must not be empty";
        }
        for (int i = 0; i < type.length(); i++) {
            if (Character.isISOControl(type.charAt(i))) {
                return "event type contains a control character at index " + i;
            }
        }
        // No UTF-16 unit takes more than 3 UTF-8 bytes: a short type needs no encoding to be checked.
        if (type.length() * 3 > MAX_TYPE_BYTES && utf8Length(type) > MAX_TYPE_BYTES) {
            return "event type is longer than " + MAX_TYPE_BYTES + " bytes";
        }
        return null;
    }

    /** An event with a fresh random id, the given data and no metadata. */
    public static EventData of(String type, byte[] data) {
        return new EventData(UUID.randomUUID(), type, data, EMPTY);
    }

    /** An event with a fresh random id whose data is the UTF-8 JSON text {@code json}. */
    public static EventData json(String type, String json) {
        return new EventData(UUID.randomUUID(), type, json.getBytes(StandardCharsets.UTF_8), EMPTY);
    }

    /** A copy of this event with other metadata. */
    public EventData withMetadata(byte[] newMetadata) {
        return new EventData(eventId, type, data, newMetadata);
    }

    /** A copy of this event with another id. */
    public EventData withEventId(UUID newEventId) {
        return new EventData(newEventId, type, data, metadata);
    }

    /** The data decoded as UTF-8 text. */
    public String dataAsString() {
        return new String(data, StandardCharsets.UTF_8);
    }

    /** Size of data plus metadata plus the UTF-8 type, the part that counts against the event size limit. */
    public int sizeBytes() {
        return data.length + metadata.length + utf8Length(type);
    }

    /** The length of {@code s} in UTF-8, without encoding it (an unpaired surrogate counts as '?': 1 byte). */
    private static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                n++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EventData other
                && eventId.equals(other.eventId)
                && type.equals(other.type)
                && Arrays.equals(data, other.data)
                && Arrays.equals(metadata, other.metadata);
    }

    @Override
    public int hashCode() {
        return Objects.hash(eventId, type, Arrays.hashCode(data), Arrays.hashCode(metadata));
    }

    @Override
    public String toString() {
        return "EventData[" + type + " " + eventId + ", " + data.length + " bytes data, "
                + metadata.length + " bytes metadata]";
    }
}
