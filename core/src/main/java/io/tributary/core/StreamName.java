package io.tributary.core;

import java.nio.charset.StandardCharsets;

/**
 * The name of a stream, conventionally {@code category-id} ({@code account-42}). The category
 * is the part before the first {@code -}; a name without {@code -} is its own category.
 *
 * <p>A valid name is non-empty, at most {@value #MAX_BYTES} bytes in UTF-8, has no control
 * characters and does not start with {@code $} (reserved for system streams).
 *
 * @param value the name
 */
public record StreamName(String value) implements Comparable<StreamName> {
    /** The longest name, in UTF-8 bytes. */
    public static final int MAX_BYTES = 255;

    /** Validates and creates a stream name; see the class description for the rules. */
    public StreamName {
        String problem = problem(value);
        if (problem != null) {
            throw new InvalidRequestException(problem);
        }
    }

    /** Creates a stream name, throwing {@link InvalidRequestException} when it is invalid. */
    public static StreamName of(String value) {
        return new StreamName(value);
    }

    /** Creates {@code category-id}. */
    public static StreamName of(String category, Object id) {
        return new StreamName(category + "-" + id);
    }

    /**
     * Says what is wrong with {@code value} as a stream name, or {@code null} when it is valid.
     * Useful to validate user input without catching exceptions.
     */
    public static String problem(String value) {
        if (value == null || value.isEmpty()) {
            return "stream name must not be empty";
        }
        if (value.charAt(0) == '$') {
            return "stream name '" + value + "' starts with '$', which is reserved for system streams";
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                return "stream name contains a control character at index " + i;
            }
        }
        // No UTF-16 unit takes more than 3 UTF-8 bytes: a short name needs no encoding to be checked.
        int bytes = value.length() * 3 <= MAX_BYTES ? 0 : value.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_BYTES) {
            return "stream name is " + bytes + " bytes in UTF-8, longer than the limit of " + MAX_BYTES;
        }
        return null;
    }

    /** The category: the part before the first {@code -}, or the whole name if it has none. */
    public String category() {
        return categoryOf(value);
    }

    /** The category of a raw stream name; see {@link #category()}. */
    public static String categoryOf(String name) {
        int dash = name.indexOf('-');
        return dash < 0 ? name : name.substring(0, dash);
    }

    /** The part after the first {@code -}, or the empty string if there is none. */
    public String id() {
        int dash = value.indexOf('-');
        return dash < 0 ? "" : value.substring(dash + 1);
    }

    @Override
    public int compareTo(StreamName other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
