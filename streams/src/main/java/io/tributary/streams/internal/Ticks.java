package io.tributary.streams.internal;

import io.tributary.core.EventData;
import io.tributary.core.EventView;
import io.tributary.core.ReadFilter;
import io.tributary.core.StreamName;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Watermark ticks: how a processor turns the wall clock into something a replay sees. An idle
 * processor appends a tick to its own stream {@code tributary.ticks-<name>}; its data is the
 * watermark to move to ({@code {"watermarkMs":N}}). The watermark moves only when the processor
 * reads the tick back from the log, at the tick's position, so a replay of the log moves it at
 * the same place and recomputes the same outputs with the same ids.
 */
public final class Ticks {
    /** The category of every processor's tick stream. */
    public static final String CATEGORY = "tributary.ticks";
    /** The event type of a tick. */
    public static final String TYPE = "WatermarkTick";
    private static final byte[] NO_METADATA = new byte[0];
    private static final String PREFIX = "{\"watermarkMs\":";

    private Ticks() {
    }

    /** The tick stream of the processor (or task) named {@code name}. */
    public static String stream(String name) {
        return CATEGORY + "-" + name;
    }

    /** The tick moving the watermark of processor {@code name} to {@code watermarkMs}; its id derives from both. */
    public static EventData tick(String name, long watermarkMs) {
        UUID id = UUID.nameUUIDFromBytes((name + "\u0000tick\u0000" + watermarkMs).getBytes(StandardCharsets.UTF_8));
        return new EventData(id, TYPE, (PREFIX + watermarkMs + "}").getBytes(StandardCharsets.UTF_8), NO_METADATA);
    }

    /** The stream name of the tick stream of {@code name}. */
    public static StreamName streamName(String name) {
        return StreamName.of(stream(name));
    }

    /** Whether {@code event} is a tick of the stream {@code tickStream}. */
    static boolean isTick(EventView event, String tickStream) {
        return event.stream().value().equals(tickStream) && event.type().equals(TYPE);
    }

    /**
     * The watermark a tick carries.
     *
     * @throws IllegalStateException naming the position when the data is not a tick's
     */
    static long watermarkOf(EventView event) {
        String s = new String(event.data(), StandardCharsets.UTF_8);
        if (!s.startsWith(PREFIX) || !s.endsWith("}")) {
            throw new IllegalStateException("the watermark tick at position " + event.position() + " in " + event.stream()
                    + " does not hold {\"watermarkMs\":N}: " + s);
        }
        try {
            return Long.parseLong(s.substring(PREFIX.length(), s.length() - 1));
        } catch (NumberFormatException e) {
            throw new IllegalStateException("the watermark tick at position " + event.position() + " in " + event.stream()
                    + " has no valid watermarkMs: " + s, e);
        }
    }

    /**
     * {@code filter} widened to also read the tick streams: the ticks' category, stream prefix and
     * type added to each kind the filter restricts (kinds are and-ed, values within a kind or-ed), so
     * it stays served by the same indexes. What it lets through beyond the original filter is ticks
     * and events the sources filter out again.
     */
    public static ReadFilter withTicks(ReadFilter filter) {
        return widened(filter, CATEGORY, TYPE);
    }

    /**
     * {@code filter} widened to also read the streams of {@code category} with events of
     * {@code types}: each non-empty criterion gains them, so the filter stays served by the same
     * indexes.
     */
    static ReadFilter widened(ReadFilter filter, String category, String... types) {
        if (filter.matchesAll()) {
            return filter;
        }
        Set<String> categories = new HashSet<>(filter.categories());
        if (!categories.isEmpty()) {
            categories.add(category);
        }
        List<String> prefixes = new ArrayList<>(filter.streamPrefixes());
        if (!prefixes.isEmpty()) {
            prefixes.add(category + "-");
        }
        Set<String> eventTypes = new HashSet<>(filter.eventTypes());
        if (!eventTypes.isEmpty()) {
            eventTypes.addAll(List.of(types));
        }
        return new ReadFilter(categories, prefixes, eventTypes);
    }
}
