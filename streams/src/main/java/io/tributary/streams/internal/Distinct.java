package io.tributary.streams.internal;

import io.tributary.streams.Serde;
import io.tributary.streams.Serdes;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;

/** The distinct values (by their text form) seen for a key: exact, kept in state. */
record Distinct(Set<String> values) {
    static final Distinct EMPTY = new Distinct(Set.of());
    static final Serde<Distinct> SERDE = Serdes.of(
            d -> String.join("\n", new TreeSet<>(d.values)).getBytes(StandardCharsets.UTF_8),
            b -> b.length == 0 ? EMPTY : new Distinct(Set.copyOf(Arrays.asList(new String(b, StandardCharsets.UTF_8).split("\n", -1)))));

    Distinct with(String value) {
        if (values.contains(value)) {
            return this;
        }
        TreeSet<String> s = new TreeSet<>(values);
        s.add(value);
        return new Distinct(Set.copyOf(s));
    }

    Distinct merge(Distinct other) {
        TreeSet<String> s = new TreeSet<>(values);
        s.addAll(other.values);
        return new Distinct(Set.copyOf(s));
    }

    long size() {
        return values.size();
    }
}
