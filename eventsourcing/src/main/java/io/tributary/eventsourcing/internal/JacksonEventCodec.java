package io.tributary.eventsourcing.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.core.EventData;
import io.tributary.core.RecordedEvent;
import io.tributary.eventsourcing.EventCodec;
import io.tributary.eventsourcing.EventDecodingException;
import io.tributary.eventsourcing.Upcaster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** The Jackson {@link EventCodec}; built by {@link EventCodec#builder}. */
public final class JacksonEventCodec<E> implements EventCodec<E> {
    /** The metadata key holding an event's schema version. */
    public static final String SCHEMA_VERSION = "schemaVersion";

    private final Class<E> family;
    private final Map<Class<?>, TypeInfo> byClass = new HashMap<>();
    private final Map<String, TypeInfo> byName = new LinkedHashMap<>();
    private final Map<String, Upcaster> upcasters = new HashMap<>();
    private final int maxUpcastSteps;

    private record TypeInfo(Class<?> type, String name, int version, byte[] metadata, ObjectReader reader) {
    }

    /**
     * Creates the codec from validated registrations.
     *
     * @throws IllegalArgumentException when a class is not of {@code family} or the upcasters form a cycle
     */
    public JacksonEventCodec(Class<E> family, Map<Class<? extends E>, String> types, Map<String, Integer> versions,
                             List<Upcaster> upcasterList) {
        this.family = family;
        for (Map.Entry<Class<? extends E>, String> entry : types.entrySet()) {
            Class<? extends E> type = entry.getKey();
            if (!family.isAssignableFrom(type)) {
                throw new IllegalArgumentException(type.getName() + " is not a " + family.getName());
            }
            int version = versions.get(entry.getValue());
            byte[] metadata = ("{\"" + SCHEMA_VERSION + "\":" + version + "}").getBytes(StandardCharsets.UTF_8);
            TypeInfo info = new TypeInfo(type, entry.getValue(), version, metadata, Json.MAPPER.readerFor(type));
            byClass.put(type, info);
            byName.put(info.name(), info);
        }
        for (Upcaster u : upcasterList) {
            upcasters.put(key(u.type(), u.fromVersion()), u);
        }
        maxUpcastSteps = upcasterList.size();
        for (Upcaster u : upcasterList) {
            // A chain can visit each upcaster at most once; a longer one loops (a rename cycle).
            String type = u.type();
            int version = u.fromVersion();
            int steps = 0;
            for (Upcaster next = u; next != null; next = upcasters.get(key(type, version))) {
                type = next.toType();
                version = next.toVersion();
                if (isCurrent(type, version)) {
                    break;
                }
                if (++steps > maxUpcastSteps) {
                    throw new IllegalArgumentException("upcasters starting at '" + u.type() + "' version "
                            + u.fromVersion() + " form a cycle");
                }
            }
        }
    }

    private static String key(String type, int version) {
        return version + ":" + type;
    }

    private boolean isCurrent(String type, int version) {
        TypeInfo info = byName.get(type);
        return info != null && info.version() == version;
    }

    @Override
    public EventData encode(E event) {
        return encode(event, UUID.randomUUID());
    }

    @Override
    public EventData encode(E event, UUID eventId) {
        TypeInfo info = info(event.getClass());
        try {
            return new EventData(eventId, info.name(), Json.MAPPER.writeValueAsBytes(event), info.metadata());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot encode " + event.getClass().getName() + " as JSON: "
                    + e.getOriginalMessage(), e);
        }
    }

    private TypeInfo info(Class<?> type) {
        TypeInfo info = byClass.get(type);
        if (info == null) {
            throw new IllegalArgumentException(type.getName() + " is not registered in the codec of "
                    + family.getName() + "; register it with a type name");
        }
        return info;
    }

    @Override
    public E decode(RecordedEvent event) {
        TypeInfo info = byName.get(event.type());
        // Fast path: metadata exactly as this codec writes it for the current version.
        int version = info != null && Arrays.equals(event.metadata(), info.metadata()) ? info.version()
                : schemaVersionOf(event.metadata());
        if (info != null && info.version() == version) {
            try {
                return family.cast(info.reader().readValue(event.data()));
            } catch (IOException e) {
                throw new EventDecodingException(event.stream(), event.version(), event.type(),
                        "its JSON does not fit " + info.type().getName() + ": " + e.getMessage(), e);
            }
        }
        return upcastAndDecode(event, version);
    }

    private E upcastAndDecode(RecordedEvent event, int storedVersion) {
        String type = event.type();
        int version = storedVersion;
        ObjectNode node = null;
        int steps = 0;
        while (!isCurrent(type, version)) {
            Upcaster upcaster = upcasters.get(key(type, version));
            if (upcaster == null) {
                throw new EventDecodingException(event.stream(), event.version(), event.type(), missingStep(type, version), null);
            }
            if (node == null) {
                node = readObject(event);
            }
            try {
                node = upcaster.transform().apply(node);
            } catch (RuntimeException e) {
                throw new EventDecodingException(event.stream(), event.version(), event.type(),
                        "the upcaster of '" + type + "' version " + version + " failed: " + e, e);
            }
            if (node == null) {
                throw new EventDecodingException(event.stream(), event.version(), event.type(),
                        "the upcaster of '" + type + "' version " + version + " returned null", null);
            }
            type = upcaster.toType();
            version = upcaster.toVersion();
            if (++steps > maxUpcastSteps) {
                throw new EventDecodingException(event.stream(), event.version(), event.type(), "upcasters loop", null);
            }
        }
        TypeInfo info = byName.get(type);
        try {
            return family.cast(Json.MAPPER.treeToValue(node, info.type()));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new EventDecodingException(event.stream(), event.version(), event.type(),
                    "after upcasting to '" + type + "' version " + version + " its JSON does not fit "
                            + info.type().getName() + ": " + e.getMessage(), e);
        }
    }

    private String missingStep(String type, int version) {
        TypeInfo info = byName.get(type);
        if (info == null) {
            return "type '" + type + "' (schema version " + version
                    + ") is not registered in the codec and no upcaster reads it; registered types: " + byName.keySet();
        }
        if (version > info.version()) {
            return "it was written with schema version " + version + ", newer than this codec's version "
                    + info.version() + " of '" + type + "'; upgrade this reader";
        }
        return "it was written with schema version " + version + " of '" + type + "' but the codec reads version "
                + info.version() + " and no upcaster reads version " + version;
    }

    private ObjectNode readObject(RecordedEvent event) {
        try {
            JsonNode node = Json.MAPPER.readTree(event.data());
            if (node instanceof ObjectNode object) {
                return object;
            }
            throw new EventDecodingException(event.stream(), event.version(), event.type(),
                    "its data is not a JSON object", null);
        } catch (IOException e) {
            throw new EventDecodingException(event.stream(), event.version(), event.type(),
                    "its data is not valid JSON: " + e.getMessage(), e);
        }
    }

    /**
     * The {@code schemaVersion} in event metadata; 1 when the metadata is empty, not a JSON
     * object, or has no such integer field (events written before versions were recorded).
     */
    static int schemaVersionOf(byte[] metadata) {
        if (metadata.length == 0) {
            return 1;
        }
        try (JsonParser parser = Json.MAPPER.getFactory().createParser(metadata)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return 1;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (SCHEMA_VERSION.equals(name) && value == JsonToken.VALUE_NUMBER_INT) {
                    return parser.getIntValue();
                }
                parser.skipChildren();
            }
            return 1;
        } catch (IOException e) {
            return 1;
        }
    }

    @Override
    public String typeName(Class<? extends E> eventClass) {
        return info(eventClass).name();
    }

    @Override
    public int schemaVersion(String typeName) {
        TypeInfo info = byName.get(typeName);
        if (info == null) {
            throw new IllegalArgumentException("type '" + typeName + "' is not registered; registered: " + byName.keySet());
        }
        return info.version();
    }

    @Override
    public Set<String> typeNames() {
        return Set.copyOf(byName.keySet());
    }
}
