package io.tributary.cqrs.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;

/** JSON handling and name rules shared by the document stores. */
public final class Documents {
    /** Read models are lenient on read (a changed document class must not break queries), exact on numbers. */
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();
    private static final ObjectMapper CANONICAL = MAPPER.copy().configure(JsonNodeFeature.WRITE_PROPERTIES_SORTED, true);

    private Documents() {
    }

    /**
     * Checks a collection, key or field name.
     *
     * @throws IllegalArgumentException when it is empty or contains NUL
     */
    public static void validateName(String what, String value) {
        Objects.requireNonNull(value, what);
        if (value.isEmpty() || value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a document " + what + " must be non-empty text without NUL, got '" + value + "'");
        }
    }

    static ObjectNode toObject(Object document) {
        Objects.requireNonNull(document, "document");
        JsonNode node = document instanceof JsonNode j ? j.deepCopy() : MAPPER.valueToTree(document);
        if (!(node instanceof ObjectNode o)) {
            throw new IllegalArgumentException("a document must be a JSON object, got " + node.getNodeType());
        }
        return o;
    }

    /** The types whose values cannot change once built (so a document made only of them needs no copy). */
    private static final java.util.Set<Class<?>> IMMUTABLE_LEAVES = java.util.Set.of(String.class, Boolean.class,
            Character.class, Byte.class, Short.class, Integer.class, Long.class, Float.class, Double.class,
            java.math.BigDecimal.class, java.math.BigInteger.class, java.util.UUID.class, java.time.Instant.class,
            java.time.LocalDate.class, java.time.LocalTime.class, java.time.LocalDateTime.class,
            java.time.OffsetDateTime.class, java.time.OffsetTime.class, java.time.ZonedDateTime.class,
            java.time.Duration.class, java.time.Period.class, java.time.Year.class, java.time.YearMonth.class,
            java.time.MonthDay.class, java.time.ZoneOffset.class);

    private static final ClassValue<Boolean> IMMUTABLE_RECORD = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            return type.isRecord() && immutableComponents(type, new java.util.HashSet<>());
        }
    };

    private static boolean immutableComponents(Class<?> record, java.util.Set<Class<?>> seen) {
        if (!seen.add(record)) {
            return true;
        }
        if (jackson(record.getAnnotations())) {
            return false; // @JsonValue, @JsonIgnore, a custom serializer...: only the JSON tree says what it is
        }
        for (java.lang.reflect.RecordComponent c : record.getRecordComponents()) {
            if (jackson(c.getAnnotations()) || jackson(c.getAccessor().getAnnotations())) {
                return false;
            }
            Class<?> t = c.getType();
            boolean ok = t.isPrimitive() || IMMUTABLE_LEAVES.contains(t) || t.isEnum()
                    || (t.isRecord() && immutableComponents(t, seen));
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static boolean jackson(java.lang.annotation.Annotation[] annotations) {
        for (java.lang.annotation.Annotation a : annotations) {
            if (a.annotationType().getName().startsWith("com.fasterxml.jackson.")) {
                return true;
            }
        }
        return false;
    }

    /**
     * True for a record without Jackson annotations whose components are all immutable (primitives, strings, boxed numbers,
     * {@code BigDecimal}, {@code UUID}, {@code java.time} values, enums, or such records): such a
     * document can be kept as it is, with no JSON tree and no copy.
     */
    static boolean isImmutableRecord(Object document) {
        return document != null && IMMUTABLE_RECORD.get(document.getClass());
    }

    /** A staged or stored document as a JSON tree: the node itself, or a new tree of an immutable record. */
    static ObjectNode node(Object document) {
        return document instanceof ObjectNode n ? n : toObject(document);
    }

    /** A stored document as a tree its caller may change: a copy of a node, or a new tree of a record. */
    static ObjectNode copyOf(Object document) {
        return document instanceof ObjectNode n ? n.deepCopy() : toObject(document);
    }

    static <T> T convert(ObjectNode node, Class<T> type) {
        try {
            return MAPPER.treeToValue(node, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("document does not fit " + type.getName() + ": " + e.getOriginalMessage(), e);
        }
    }

    static byte[] bytes(ObjectNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write document", e);
        }
    }

    static ObjectNode parse(byte[] bytes) {
        try {
            return (ObjectNode) MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("stored document is not JSON", e);
        }
    }

    static String canonical(JsonNode node) {
        try {
            return CANONICAL.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write document", e);
        }
    }

    /** The index value of {@code field} in {@code doc} as JSON text, or null when absent or null. */
    static String indexValue(ObjectNode doc, String field) {
        JsonNode v = doc.get(field);
        return v == null || v.isNull() ? null : canonical(v);
    }

    /** A query value as index text. */
    static String queryValue(Object value) {
        return canonical(MAPPER.valueToTree(value));
    }
}
