package io.tributary.store.internal;

import io.tributary.core.RecordedEvent;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.RocksDBException;

/**
 * A run of a frame's events that one index entry can describe: consecutive positions with the
 * same stream and consecutive versions (version index), the same category (category index) or
 * the same type (type index).
 *
 * @param first        the run's first event
 * @param versionCount how many events the run holds
 */
record Run(RecordedEvent first, int versionCount) {

    /** Receives the runs of a frame from {@link #visit}, each as its first event and its length. */
    interface Visitor {
        /** A run of {@link #of}. */
        void version(RecordedEvent first, int count) throws RocksDBException;

        /** A run of {@link #ofCategories}. */
        void category(RecordedEvent first, int count) throws RocksDBException;

        /** A run of {@link #ofTypes}. */
        void type(RecordedEvent first, int count) throws RocksDBException;
    }

    /**
     * The runs {@link #of}, {@link #ofCategories} and {@link #ofTypes} give, in one pass and without a list or
     * a {@code Run} per run: the indexer's path, where a CDC frame of 10,000 new streams is 10,000 version runs.
     * Each kind's runs come in order; the kinds interleave.
     */
    static void visit(List<RecordedEvent> events, Visitor to) throws RocksDBException {
        int n = events.size();
        if (n == 0) {
            return;
        }
        RecordedEvent prev = events.get(0);
        RecordedEvent versionFirst = prev;
        RecordedEvent categoryFirst = prev;
        RecordedEvent typeFirst = prev;
        int versionStart = 0;
        int categoryStart = 0;
        int typeStart = 0;
        for (int i = 1; i < n; i++) {
            RecordedEvent e = events.get(i);
            boolean next = continues(prev, e);
            if (!next || e.version() != prev.version() + 1 || !e.stream().equals(prev.stream())) {
                to.version(versionFirst, i - versionStart);
                versionFirst = e;
                versionStart = i;
            }
            if (!next || !sameCategory(prev, e)) {
                to.category(categoryFirst, i - categoryStart);
                categoryFirst = e;
                categoryStart = i;
            }
            if (!next || !e.type().equals(typeFirst.type())) {
                to.type(typeFirst, i - typeStart);
                typeFirst = e;
                typeStart = i;
            }
            prev = e;
        }
        to.version(versionFirst, n - versionStart);
        to.category(categoryFirst, n - categoryStart);
        to.type(typeFirst, n - typeStart);
    }

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
