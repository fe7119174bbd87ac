package io.tributary.streams;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** Test helpers: events whose data is {@code field|field|...} text. */
final class Fixtures {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private Fixtures() {
    }

    static Instant at(long ms) {
        return T0.plusMillis(ms);
    }

    static long ms(long offset) {
        return T0.toEpochMilli() + offset;
    }

    static byte[] utf8(Object o) {
        return String.valueOf(o).getBytes(StandardCharsets.UTF_8);
    }

    /** A sink of {@code key=value} text events into {@code category-key}. */
    static <K, V> Produced<K, V> sink(String category, String type) {
        return Produced.toCategory(category, type, (k, v) -> utf8(k + "=" + v));
    }

    /** A sink of windowed results as {@code key@start-end=value}, start and end relative to {@link #T0}. */
    static <K, V> Produced<Windowed<K>, V> windowSink(String stream, String type) {
        return Produced.with((w, v) -> stream, type, (w, v) -> utf8(w.key() + "@" + (w.window().startMs() - T0.toEpochMilli())
                + "-" + (w.window().endMs() - T0.toEpochMilli()) + "=" + v));
    }
}
