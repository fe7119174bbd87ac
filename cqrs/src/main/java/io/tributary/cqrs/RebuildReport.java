package io.tributary.cqrs;

import java.time.Duration;
import java.util.List;

/**
 * What a shadow rebuild changed: the rebuilt read model compared with the live one at the same
 * log position, just before the swap. Keys are {@code collection/key}; each list holds at most
 * {@link #MAX_LISTED_KEYS} keys, the counts are exact.
 *
 * @param projection    the projection
 * @param oldSlot       the slot readers saw before
 * @param newSlot       the slot they see now
 * @param position      the log position both were compared at
 * @param eventsApplied events the rebuild applied
 * @param added         keys only in the rebuilt read model
 * @param removed       keys only in the old one
 * @param changed       keys whose documents differ
 * @param addedCount    how many keys were added
 * @param removedCount  how many were removed
 * @param changedCount  how many changed
 * @param unchanged     how many are identical
 * @param elapsed       how long the rebuild took
 */
public record RebuildReport(String projection, String oldSlot, String newSlot, long position, long eventsApplied,
                            List<String> added, List<String> removed, List<String> changed,
                            long addedCount, long removedCount, long changedCount, long unchanged, Duration elapsed) {
    /** Most keys listed per kind of difference. */
    public static final int MAX_LISTED_KEYS = 1_000;

    /** Copies the lists. */
    public RebuildReport {
        added = List.copyOf(added);
        removed = List.copyOf(removed);
        changed = List.copyOf(changed);
    }

    /** True when the rebuilt read model equals the old one. */
    public boolean identical() {
        return addedCount == 0 && removedCount == 0 && changedCount == 0;
    }
}
