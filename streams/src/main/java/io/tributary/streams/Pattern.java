package io.tributary.streams;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * A sequence of steps that must occur in order, per key, within a time window, for example
 * "three failed logins then a success within 2 minutes":
 * <pre>{@code
 * Pattern.<Login>begin(l -> !l.ok()).times(3).then(Login::ok).within(Duration.ofMinutes(2))
 * }</pre>
 * Matching is "skip till next match": records that match no expected step are ignored; a record
 * that matches the first step while a partial match is too old starts a new match. After a match
 * the key starts over.
 *
 * @param steps    the predicates, one per record of a match
 * @param withinMs the longest time from the first to the last record of a match
 * @param <V> the value type
 */
public record Pattern<V>(List<Predicate<? super V>> steps, long withinMs) {
    /** Validates. */
    public Pattern {
        steps = List.copyOf(steps);
        if (steps.isEmpty() || withinMs <= 0) {
            throw new IllegalArgumentException("a pattern needs at least one step and a positive window");
        }
    }

    /** A pattern whose first step is {@code first}. */
    public static <V> Builder<V> begin(Predicate<? super V> first) {
        return new Builder<V>().then(first);
    }

    /**
     * Builds a {@link Pattern}.
     *
     * @param <V> the value type
     */
    public static final class Builder<V> {
        private final List<Predicate<? super V>> steps = new ArrayList<>();

        Builder() {
        }

        /** The next step. */
        public Builder<V> then(Predicate<? super V> step) {
            steps.add(Objects.requireNonNull(step, "step"));
            return this;
        }

        /** The last step repeated so it must occur {@code n} times in all. */
        public Builder<V> times(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("times must be at least 1");
            }
            Predicate<? super V> last = steps.get(steps.size() - 1);
            for (int i = 1; i < n; i++) {
                steps.add(last);
            }
            return this;
        }

        /** The pattern, matched within {@code window} from its first record to its last. */
        public Pattern<V> within(Duration window) {
            return new Pattern<>(steps, window.toMillis());
        }
    }
}
