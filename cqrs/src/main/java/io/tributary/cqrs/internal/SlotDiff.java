package io.tributary.cqrs.internal;

import io.tributary.cqrs.RebuildReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/** Compares two slots' contents for a {@link RebuildReport}. */
public final class SlotDiff {
    private SlotDiff() {
    }

    /** The report of {@code after} against {@code before}. */
    public static RebuildReport compare(String projection, String oldSlot, String newSlot, long position, long applied,
                                        SortedMap<String, String> before, SortedMap<String, String> after, Duration elapsed) {
        List<String> added = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        long[] counts = new long[4]; // added, removed, changed, unchanged
        for (Map.Entry<String, String> e : after.entrySet()) {
            String old = before.get(e.getKey());
            if (old == null) {
                add(added, e.getKey(), counts, 0);
            } else if (!old.equals(e.getValue())) {
                add(changed, e.getKey(), counts, 2);
            } else {
                counts[3]++;
            }
        }
        for (String key : before.keySet()) {
            if (!after.containsKey(key)) {
                add(removed, key, counts, 1);
            }
        }
        return new RebuildReport(projection, oldSlot, newSlot, position, applied, added, removed, changed,
                counts[0], counts[1], counts[2], counts[3], elapsed);
    }

    private static void add(List<String> list, String key, long[] counts, int index) {
        counts[index]++;
        if (list.size() < RebuildReport.MAX_LISTED_KEYS) {
            list.add(key);
        }
    }
}
