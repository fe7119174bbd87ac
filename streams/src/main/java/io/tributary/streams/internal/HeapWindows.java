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
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The open windows of one tumbling or hopping operator on heap state, laid out window-major: per
 * open window (aligned start, all of one size) a hash table from key to a mutable cell holding the
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
        final int hash;
        /** Written with release, read by queries with acquire (see {@link #AGGREGATE}). */
        private Object aggregate;

        Cell(K key, int hash) {
            this.key = key;
            this.hash = hash;
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

    /**
     * One open window: its cells in an open-addressing table (linear probing, the cell itself in
     * the slot, so a look-up touches the slot and the cell and nothing else) and in creation order.
     * One writer (the task's thread); readers on other threads see the table last published, each
     * slot written with release after its cell is complete.
     */
    static final class Open<K> {
        private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Cell[].class);

        final long start;
        final Window window;
        final long closeAtMs;
        final ArrayList<Cell<K>> created;
        /** The writer's table; {@link #published} is the same array once it is complete. */
        private Cell<?>[] table;
        private volatile Cell<?>[] published;
        private int shift;

        Open(long start, long end, long closeAtMs, int expectedKeys) {
            this.start = start;
            this.window = new Window(start, end);
            this.closeAtMs = closeAtMs;
            int capacity = Integer.highestOneBit(Math.max(16, expectedKeys) * 2 - 1) << 1; // load at most 1/2
            this.table = new Cell<?>[capacity];
            this.shift = 32 - Integer.numberOfTrailingZeros(capacity);
            this.published = table;
            this.created = new ArrayList<>(Math.max(16, expectedKeys));
        }

        private static int hash(Object key) {
            return key.hashCode() * 0x9E3779B9; // Fibonacci hashing: the top bits index the table
        }

        /** The cell of {@code key}, created (empty) if it has none. Task thread only. */
        @SuppressWarnings("unchecked")
        Cell<K> cell(K key) {
            int h = hash(key);
            Cell<?>[] t = table;
            int mask = t.length - 1;
            for (int i = h >>> shift; ; i = (i + 1) & mask) {
                Cell<?> c = t[i];
                if (c == null) {
                    Cell<K> created = new Cell<>(key, h);
                    SLOT.setRelease(t, i, created);
                    this.created.add(created);
                    if (this.created.size() * 2 > t.length) {
                        grow();
                    }
                    return created;
                }
                if (c.hash == h && (c.key == key || c.key.equals(key))) {
                    return (Cell<K>) c;
                }
            }
        }

        private void grow() {
            Cell<?>[] next = new Cell<?>[table.length * 2];
            int nextShift = shift - 1;
            int mask = next.length - 1;
            for (Cell<K> c : created) {
                int i = c.hash >>> nextShift;
                while (next[i] != null) {
                    i = (i + 1) & mask;
                }
                next[i] = c;
            }
            table = next;
            shift = nextShift;
            published = next; // volatile: readers see the whole new table
        }

        /** The cell of {@code key}, or null; any thread. */
        @SuppressWarnings("unchecked")
        Cell<K> find(Object key) {
            Cell<?>[] t = published;
            int mask = t.length - 1;
            int h = hash(key);
            for (int i = h >>> (32 - Integer.numberOfTrailingZeros(t.length)); ; i = (i + 1) & mask) {
                Cell<?> c = (Cell<?>) SLOT.getAcquire(t, i);
                if (c == null) {
                    return null;
                }
                if (c.hash == h && c.key.equals(key)) {
                    return (Cell<K>) c;
                }
            }
        }

        /** The keys with a cell, as of the published table; any thread. */
        List<K> keys() {
            List<K> keys = new ArrayList<>();
            Cell<?>[] t = published;
            for (int i = 0; i < t.length; i++) {
                @SuppressWarnings("unchecked")
                Cell<K> c = (Cell<K>) SLOT.getAcquire(t, i);
                if (c != null) {
                    keys.add(c.key);
                }
            }
            return keys;
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
    /** Keys of the window closed last: the size new windows start with (fewer resizes). */
    private int expectedKeys = 16;

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
                    for (K k : o.keys()) {
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
            Cell<K> c = o.find(key);
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
        Open<K> created = new Open<>(start, start + size, closeAt(start), expectedKeys);
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
            expectedKeys = Math.max(16, o.created.size());
            for (Cell<K> c : o.created) {
                A a = c.aggregate();
                if (a != null) {
                    onClose.accept(new Windowed<>(c.key, o.window), a);
                }
            }
        }
    }
}
