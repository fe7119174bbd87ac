package io.tributary.eventsourcing;

import io.tributary.core.EventData;
import io.tributary.core.RecordedEvent;
import io.tributary.eventsourcing.internal.JacksonEventCodec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * Turns event objects into {@link EventData} and recorded events back into objects, through an
 * explicit registry of event classes and type names. Nothing is found by scanning: every class
 * is registered with the type name it is stored under, and that name must never change (rename
 * with an {@link Upcaster#renaming upcaster}).
 *
 * <p>Events are JSON, written by Jackson: records, {@code java.time} values as ISO-8601 text,
 * {@link java.math.BigDecimal} exactly (plain notation, scale kept; fractions are read as
 * {@code BigDecimal}, never as {@code double}). Reading is strict: a missing or unknown property
 * is an error rather than a silent default, so a changed shape needs a new schema version and
 * an upcaster. Each type has a schema version (1 unless registered otherwise), written into the
 * event's metadata as {@code {"schemaVersion":N}}; an event stored without one is version 1.
 *
 * <p>A codec is immutable and thread-safe.
 *
 * @param <E> the event family (usually a sealed interface)
 */
public interface EventCodec<E> {

    /** Encodes {@code event} with a fresh random id. */
    EventData encode(E event);

    /** Encodes {@code event} with the given id (for idempotent appends). */
    EventData encode(E event, UUID eventId);

    /**
     * Decodes a recorded event, upcasting it first when it was stored with an older schema version.
     *
     * @throws EventDecodingException naming stream, version and type when the type is unknown,
     *                                no upcaster reaches the current version, or the JSON does not fit
     */
    E decode(RecordedEvent event);

    /** The type name {@code eventClass} is stored under. */
    String typeName(Class<? extends E> eventClass);

    /** The current schema version of a registered type. */
    int schemaVersion(String typeName);

    /** The registered type names. */
    Set<String> typeNames();

    /** Starts a codec for the event family {@code family}. */
    static <E> Builder<E> builder(Class<E> family) {
        return new Builder<>(family);
    }

    /**
     * Collects registrations and upcasters; {@link #build()} validates them.
     *
     * @param <E> the event family
     */
    final class Builder<E> {
        private final Class<E> family;
        private final Map<Class<? extends E>, String> types = new LinkedHashMap<>();
        private final Map<String, Integer> versions = new LinkedHashMap<>();
        private final List<Upcaster> upcasters = new ArrayList<>();

        private Builder(Class<E> family) {
            this.family = Objects.requireNonNull(family, "family");
        }

        /** Registers {@code eventClass} under {@code typeName} at schema version 1. */
        public Builder<E> register(Class<? extends E> eventClass, String typeName) {
            return register(eventClass, typeName, 1);
        }

        /**
         * Registers {@code eventClass} under {@code typeName} at {@code schemaVersion}, the version
         * new events are written with and old ones are upcast to.
         */
        public Builder<E> register(Class<? extends E> eventClass, String typeName, int schemaVersion) {
            Objects.requireNonNull(eventClass, "eventClass");
            String problem = EventData.typeProblem(typeName);
            if (problem != null) {
                throw new IllegalArgumentException(problem);
            }
            if (schemaVersion < 1) {
                throw new IllegalArgumentException("schema versions start at 1; got " + schemaVersion + " for " + typeName);
            }
            if (types.containsKey(eventClass)) {
                throw new IllegalArgumentException(eventClass.getName() + " is already registered as '" + types.get(eventClass) + "'");
            }
            if (versions.containsKey(typeName)) {
                throw new IllegalArgumentException("type name '" + typeName + "' is already registered");
            }
            types.put(eventClass, typeName);
            versions.put(typeName, schemaVersion);
            return this;
        }

        /** Adds an upcaster; at most one per stored type and schema version. */
        public Builder<E> upcaster(Upcaster upcaster) {
            Objects.requireNonNull(upcaster, "upcaster");
            for (Upcaster u : upcasters) {
                if (u.type().equals(upcaster.type()) && u.fromVersion() == upcaster.fromVersion()) {
                    throw new IllegalArgumentException("two upcasters read '" + u.type() + "' version " + u.fromVersion());
                }
            }
            upcasters.add(upcaster);
            return this;
        }

        /**
         * Builds the codec.
         *
         * @throws IllegalArgumentException when nothing is registered or the upcasters form a cycle
         */
        public EventCodec<E> build() {
            if (types.isEmpty()) {
                throw new IllegalArgumentException("register at least one event class of " + family.getName());
            }
            return new JacksonEventCodec<>(family, types, versions, upcasters);
        }
    }
}
