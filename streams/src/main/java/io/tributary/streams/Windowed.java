package io.tributary.streams;

import java.util.Objects;

/**
 * The key of a windowed aggregation's result: the record key and its window.
 *
 * @param key    the record key
 * @param window the window
 * @param <K> the key type
 */
public record Windowed<K>(K key, Window window) {
    /** Validates. */
    public Windowed {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(window, "window");
    }

    // Written out rather than generated (see Window): hashed on every event of a windowed operator.
    @Override
    public boolean equals(Object o) {
        return o instanceof Windowed<?> w && w.window.equals(window) && w.key.equals(key);
    }

    @Override
    public int hashCode() {
        return key.hashCode() * 31 + window.hashCode();
    }

    @Override
    public String toString() {
        return key + "@[" + window.startMs() + "," + window.endMs() + ")";
    }
}
