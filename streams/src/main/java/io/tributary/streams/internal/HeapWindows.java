package io.tributary.streams.internal;

import io.tributary.streams.Window;
import io.tributary.streams.Windowed;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The open windows of one tumbling or hopping operator on heap state, laid out window-major: per
 * open window (aligned start, all of one size) a hash map from key to a mutable cell holding the
 * aggregate, plus the cells in creation order. An event costs one hash look-up per window it
 * falls in, and no allocation once its key has a cell in that window; a window closes as a whole.
 *
 * <p>Closing order is the same as {@link WindowState}'s (closing time, then creation): windows of
 * one operator close in start order, and a window's cells in the order they were created.
 *
 * <p>Written by the task's thread only. Queries from other threads read a published snapshot of
 * the open windows and each cell's aggregate with acquire/release ordering, so they see whole
 * aggregates (operators never mutate an aggregate they have returned).
 */
final class HeapWindows<K, A> {
    private static final VarHandle AGGREGATE;

    static {
        try {
            AGGREGATE = MethodHandles.lookup().findVarHandle(Cell.class, "aggregate", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** A key's aggregate in one window. */
    static final class Cell<K> {
        final K key;
        /** Written with release, read by queries with acquire (see {@link #AGGREGATE}). */
        private Object aggregate;

        Cell(K key) {
            this.key = key;
        }

        @SuppressWarnings("unchecked")
        <A> A aggregate() {
            return (A) aggregate;
        }

        void set(Object value) {
            AGGREGATE.setRelease(this, value);
        }

        @SuppressWarnings("unchecked")
        <A> A aggregateAcquire() {
            return (A) AGGREGATE.getAcquire(this);
        }
    }

    /** One open window: its cells by key and in creation order. */
    static final class Open<K> {
        final long start;
        final Window window;
        final long closeAtMs;
        final ConcurrentHashMap<K, Cell<K>> cells = new ConcurrentHashMap<>();
        final ArrayList<Cell<K>> created = new ArrayList<>();

        Open(long start, long end, long closeAtMs) {
            this.start = start;
            this.window = new Window(start, end);
            this.closeAtMs = closeAtMs;
        }

        /** The cell of {@code key}, created (empty) if it has none. */
        Cell<K> cell(K key) {
            Cell<K> c = cells.get(key);
            if (c == null) {
                c = new Cell<>(key);
                cells.put(key, c);
                created.add(c);
            }
            return c;
        }
    }

    private final long size;
    private final long grace;
    /** Open windows by start, ascending; written by the task's thread only. */
    private final ArrayList<Open<K>> open = new ArrayList<>();
    /** An immutable copy of {@link #open}, republished on every change, for queries. */
    private volatile List<Open<K>> published = List.of();
    /** The window used last: consecutive events mostly fall in the same one. */
    private Open<K> last;

    HeapWindows(Task task, String name, long size, long grace, Function<A, ?> result) {
        this.size = size;
        this.grace = grace;
        task.registerQueryable(name, new Queryable() {
            @Override
            public Optional<Object> query(Object key) {
                return windows(key, result);
            }

            @Override
            public Optional<Object> queryByText(String keyText) {
                for (Open<K> o : published) {
                    for (K k : o.cells.keySet()) {
                        if (String.valueOf(k).equals(keyText)) {
                            return windows(k, result);
                        }
                    }
                }
                return Optional.empty();
            }
        });
    }

    private Optional<Object> windows(Object key, Function<A, ?> result) {
        SortedMap<Window, Object> out = new TreeMap<>();
        for (Open<K> o : published) {
            Cell<K> c = o.cells.get(key);
            if (c != null) {
                A a = c.aggregateAcquire();
                if (a != null) {
                    out.put(o.window, result.apply(a));
                }
            }
        }
        return out.isEmpty() ? Optional.empty() : Optional.of(out);
    }

    /** The closing time of the window starting at {@code start}. */
    long closeAt(long start) {
        return start + size + grace;
    }

    /** The open window starting at {@code start}, created if absent (the caller checked it is not closed). */
    Open<K> window(long start) {
        Open<K> l = last;
        if (l != null && l.start == start) {
            return l;
        }
        int lo = 0;
        int hi = open.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            Open<K> m = open.get(mid);
            if (m.start < start) {
                lo = mid + 1;
            } else if (m.start > start) {
                hi = mid - 1;
            } else {
                last = m;
                return m;
            }
        }
        Open<K> created = new Open<>(start, start + size, closeAt(start));
        open.add(lo, created);
        published = List.copyOf(open);
        last = created;
        return created;
    }

    /** Removes every window closed at {@code watermark}, in start order, handing each cell to {@code onClose}. */
    void closeUpTo(long watermark, BiConsumer<Windowed<K>, A> onClose) {
        int closed = 0;
        while (closed < open.size() && open.get(closed).closeAtMs <= watermark) {
            closed++;
        }
        if (closed == 0) {
            return;
        }
        List<Open<K>> due = new ArrayList<>(open.subList(0, closed));
        open.subList(0, closed).clear();
        published = List.copyOf(open);
        last = null;
        for (Open<K> o : due) {
            for (Cell<K> c : o.created) {
                A a = c.aggregate();
                if (a != null) {
                    onClose.accept(new Windowed<>(c.key, o.window), a);
                }
            }
        }
    }
}
