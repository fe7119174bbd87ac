package io.tributary.examples.activity;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * View counts of every page and the top of them (a live leaderboard). Immutable.
 *
 * @param counts views per page
 */
public record Leaderboard(Map<String, Long> counts) {
    /** An empty board. */
    public static Leaderboard empty() {
        return new Leaderboard(Map.of());
    }

    /** The board after one more view of {@code page}. */
    public Leaderboard view(String page) {
        Map<String, Long> next = new HashMap<>(counts);
        next.merge(page, 1L, Long::sum);
        return new Leaderboard(Map.copyOf(next));
    }

    /** The {@code n} most viewed pages as {@code page=count}, most viewed first (ties by name). */
    public List<String> top(int n) {
        List<Map.Entry<String, Long>> entries = new ArrayList<>(counts.entrySet());
        entries.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()));
        return entries.stream().limit(n).map(e -> e.getKey() + "=" + e.getValue()).toList();
    }
}
