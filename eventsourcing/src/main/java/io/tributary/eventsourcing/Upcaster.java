package io.tributary.eventsourcing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Turns a stored event of an old shape into the next shape when it is read. Upcasters chain:
 * a version 1 event goes through the 1→2 upcaster, then the 2→3 one, until it reaches the
 * schema version its type is registered with in the {@link EventCodec}. Stored events are never
 * changed.
 *
 * <p>The transform gets a private copy of the event's JSON object and returns the new object
 * (it may modify and return its argument). Numbers with a fraction arrive as exact decimals.
 *
 * @param type        the stored event type this upcaster reads
 * @param fromVersion the schema version it reads, {@code >= 1}
 * @param toType      the event type it produces (the same as {@code type} unless the type was renamed)
 * @param toVersion   the schema version it produces; above {@code fromVersion} when the type is unchanged
 * @param transform   the JSON transformation
 */
public record Upcaster(String type, int fromVersion, String toType, int toVersion, UnaryOperator<ObjectNode> transform) {

    /** Validates the upcaster. */
    public Upcaster {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(toType, "toType");
        Objects.requireNonNull(transform, "transform");
        if (fromVersion < 1 || toVersion < 1) {
            throw new IllegalArgumentException("schema versions start at 1; got " + fromVersion + " -> " + toVersion);
        }
        if (type.equals(toType) && toVersion <= fromVersion) {
            throw new IllegalArgumentException("an upcaster of '" + type + "' must raise the schema version; got "
                    + fromVersion + " -> " + toVersion);
        }
    }

    /** Upcasts {@code type} from {@code fromVersion} to {@code fromVersion + 1}. */
    public static Upcaster of(String type, int fromVersion, UnaryOperator<ObjectNode> transform) {
        return new Upcaster(type, fromVersion, type, fromVersion + 1, transform);
    }

    /** Upcasts {@code oldType} at {@code fromVersion} into {@code newType} at {@code newVersion} (a rename). */
    public static Upcaster renaming(String oldType, int fromVersion, String newType, int newVersion,
                                    UnaryOperator<ObjectNode> transform) {
        return new Upcaster(oldType, fromVersion, newType, newVersion, transform);
    }
}
