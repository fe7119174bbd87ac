package io.tributary.core;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Selects events of the global log. Within one kind the values are alternatives (category
 * {@code a} or {@code b}); across kinds all must hold (category {@code a} and type {@code X}).
 * An empty set means "no restriction of this kind"; {@link #all()} matches everything.
 *
 * <p>Category and event-type filters are served from indexes; a stream-prefix filter alone
 * is a scan of the log.
 *
 * @param categories     stream categories (the part of the stream name before the first {@code -})
 * @param streamPrefixes prefixes of stream names
 * @param eventTypes     event types
 */
public record ReadFilter(Set<String> categories, List<String> streamPrefixes, Set<String> eventTypes) {
    private static final ReadFilter ALL = new ReadFilter(Set.of(), List.of(), Set.of());

    /** Validates and copies. */
    public ReadFilter {
        if (categories == null || streamPrefixes == null || eventTypes == null) {
            throw new InvalidRequestException("filter sets must not be null (use an empty set for no restriction)");
        }
        if (containsNull(categories) || containsNull(streamPrefixes) || containsNull(eventTypes)) {
            throw new InvalidRequestException("a filter value must not be null");
        }
        categories = Set.copyOf(categories);
        streamPrefixes = List.copyOf(streamPrefixes);
        eventTypes = Set.copyOf(eventTypes);
        for (String c : categories) {
            if (c.isEmpty()) {
                throw new InvalidRequestException("a category filter must not be empty");
            }
        }
        for (String t : eventTypes) {
            if (t.isEmpty()) {
                throw new InvalidRequestException("an event-type filter must not be empty");
            }
        }
    }

    /** Matches every event. */
    public static ReadFilter all() {
        return ALL;
    }

    /** Events of streams in any of these categories. */
    public static ReadFilter categories(String... categories) {
        return new ReadFilter(Set.copyOf(valuesOf(categories)), List.of(), Set.of());
    }

    /** Events of streams whose name starts with any of these prefixes. */
    public static ReadFilter streamPrefixes(String... prefixes) {
        return new ReadFilter(Set.of(), valuesOf(prefixes), Set.of());
    }

    /** Events of any of these types. */
    public static ReadFilter eventTypes(String... types) {
        return new ReadFilter(Set.of(), List.of(), Set.copyOf(valuesOf(types)));
    }

    /** This filter further restricted to the given event types. */
    public ReadFilter withEventTypes(String... types) {
        return new ReadFilter(categories, streamPrefixes, Set.copyOf(valuesOf(types)));
    }

    // Arrays.asList keeps nulls and repeats, so the constructor can reject nulls with a clear message
    // and Set.copyOf can drop repeats (Set.of would throw IllegalArgumentException on "a", "a").
    private static List<String> valuesOf(String[] values) {
        if (values == null) {
            throw new InvalidRequestException("filter values must not be null");
        }
        List<String> list = Arrays.asList(values);
        if (containsNull(list)) {
            throw new InvalidRequestException("a filter value must not be null");
        }
        return list;
    }

    // Not Collection.contains(null): immutable collections throw NullPointerException for it.
    private static boolean containsNull(Collection<String> values) {
        for (String value : values) {
            if (value == null) {
                return true;
            }
        }
        return false;
    }

    /** True when this filter matches every event. */
    public boolean matchesAll() {
        return categories.isEmpty() && streamPrefixes.isEmpty() && eventTypes.isEmpty();
    }

    /** Whether an event of {@code stream} with {@code type} passes the filter. */
    public boolean matches(String stream, String type) {
        if (!eventTypes.isEmpty() && !eventTypes.contains(type)) {
            return false;
        }
        if (!categories.isEmpty() && !inCategories(stream)) {
            return false;
        }
        if (!streamPrefixes.isEmpty()) {
            for (String p : streamPrefixes) {
                if (stream.startsWith(p)) {
                    return true;
                }
            }
            return false;
        }
        return true;
    }

    /** Whether the category of {@code stream} is one of the filter's, without cutting it out (no allocation per event). */
    private boolean inCategories(String stream) {
        if (categories.size() > 8) {
            return categories.contains(StreamName.categoryOf(stream));
        }
        int dash = stream.indexOf('-');
        int length = dash < 0 ? stream.length() : dash;
        for (String c : categories) {
            if (c.length() == length && stream.regionMatches(0, c, 0, length)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code event} passes the filter. */
    public boolean matches(RecordedEvent event) {
        return matches(event.stream().value(), event.type());
    }
}
