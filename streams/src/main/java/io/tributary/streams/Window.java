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

    // Written out rather than generated: windows are hashed and compared on every event of a
    // windowed operator on RocksDB state, and the generated methods showed in profiles.
    @Override
    public boolean equals(Object o) {
        return o instanceof Window w && w.startMs == startMs && w.endMs == endMs;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(startMs) * 31 + Long.hashCode(endMs);
    }

    @Override
    public int compareTo(Window o) {
        int c = Long.compare(startMs, o.startMs);
        return c != 0 ? c : Long.compare(endMs, o.endMs);
    }
}
