package io.tributary.examples.personalization;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * For one product: how many browsing sessions also viewed each other product. Immutable: every
 * change returns a new value (state values must not be changed in place).
 *
 * @param sessions how often each other product was viewed in the same session
 */
public record AlsoViewed(Map<String, Long> sessions) {
    /** Copies. */
    public AlsoViewed {
        sessions = Map.copyOf(sessions);
    }

    /** None yet. */
    public static AlsoViewed empty() {
        return new AlsoViewed(Map.of());
    }

    /** One more session that viewed {@code other} too. */
    public AlsoViewed plus(String other) {
        Map<String, Long> next = new HashMap<>(sessions);
        next.merge(other, 1L, Long::sum);
        return new AlsoViewed(next);
    }

    /** The {@code n} products most often viewed with this one, most first, ties by name. */
    public List<String> top(int n) {
        return sessions.entrySet().stream()
                .sorted(Comparator.<Map.Entry<String, Long>>comparingLong(Map.Entry::getValue).reversed()
                        .thenComparing(Map.Entry::getKey))
                .limit(n)
                .map(Map.Entry::getKey)
                .toList();
    }
}
