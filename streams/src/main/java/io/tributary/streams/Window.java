package io.tributary.streams;

/**
 * A time window {@code [start, end)} in event-time milliseconds. For session windows {@code end}
 * is the last event time plus one, so a session holding one event at {@code t} is {@code [t, t+1)}.
 *
 * @param startMs inclusive start
 * @param endMs   exclusive end
 */
public record Window(long startMs, long endMs) implements Comparable<Window> {
    /** Validates. */
    public Window {
        if (endMs <= startMs) {
            throw new IllegalArgumentException("window end " + endMs + " must be after its start " + startMs);
        }
    }

    /** Whether {@code timestampMs} falls in the window. */
    public boolean contains(long timestampMs) {
        return timestampMs >= startMs && timestampMs < endMs;
    }

    @Override
    public int compareTo(Window o) {
        int c = Long.compare(startMs, o.startMs);
        return c != 0 ? c : Long.compare(endMs, o.endMs);
    }
}
