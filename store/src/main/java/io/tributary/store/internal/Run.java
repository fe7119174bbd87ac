package io.tributary.store.internal;

import io.tributary.core.RecordedEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * A run of a frame's events that one index entry can describe: consecutive positions with the
 * same stream and consecutive versions (version index), the same category (category index) or
 * the same type (type index).
 *
 * @param first        the run's first event
 * @param versionCount how many events the run holds
 */
record Run(RecordedEvent first, int versionCount) {

    /** Runs of one stream with consecutive versions and positions. */
    static List<Run> of(List<RecordedEvent> events) {
        List<Run> runs = new ArrayList<>();
        int start = 0;
        for (int i = 1; i <= events.size(); i++) {
            if (i == events.size() || !continuesStream(events.get(i - 1), events.get(i))) {
                runs.add(new Run(events.get(start), i - start));
                start = i;
            }
        }
        return runs;
    }

    /** Runs of consecutive positions in one category. */
    static List<Run> ofCategories(List<RecordedEvent> events) {
        List<Run> runs = new ArrayList<>();
        int start = 0;
        for (int i = 1; i <= events.size(); i++) {
            if (i == events.size() || !continues(events.get(i - 1), events.get(i))
                    || !sameCategory(events.get(i - 1), events.get(i))) {
                runs.add(new Run(events.get(start), i - start));
                start = i;
            }
        }
        return runs;
    }

    /** Runs of consecutive positions of one type. */
    static List<Run> ofTypes(List<RecordedEvent> events) {
        List<Run> runs = new ArrayList<>();
        int start = 0;
        for (int i = 1; i <= events.size(); i++) {
            if (i == events.size() || !continues(events.get(i - 1), events.get(i))
                    || !events.get(i).type().equals(events.get(start).type())) {
                runs.add(new Run(events.get(start), i - start));
                start = i;
            }
        }
        return runs;
    }

    private static boolean sameCategory(RecordedEvent a, RecordedEvent b) {
        // Most runs are one stream: compare names before cutting out categories.
        if (a.stream().equals(b.stream())) {
            return true;
        }
        String x = a.stream().value();
        String y = b.stream().value();
        int dx = x.indexOf('-');
        int dy = y.indexOf('-');
        int lx = dx < 0 ? x.length() : dx;
        int ly = dy < 0 ? y.length() : dy;
        return lx == ly && x.regionMatches(0, y, 0, lx); // the categories, without cutting them out
    }

    private static boolean continues(RecordedEvent a, RecordedEvent b) {
        return b.position() == a.position() + 1;
    }

    private static boolean continuesStream(RecordedEvent a, RecordedEvent b) {
        return continues(a, b) && b.version() == a.version() + 1 && b.stream().equals(a.stream());
    }
}
