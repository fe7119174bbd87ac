package io.tributary.streams.internal;

import io.tributary.streams.Serde;
import io.tributary.streams.Window;
import io.tributary.streams.Windowed;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * The open windows of one windowed operator: aggregates in a store, plus two in-memory indexes
 * rebuilt from the store at start-up — windows by closing time (then creation order, so a restart
 * closes them in the same order) and windows by key (for queries and sessions).
 */
final class WindowState<K, A, R> {
    private final KvStore<Windowed<K>, Slot<A>> store;
    private final Task task;
    private final ToLongFunction<Window> closeAt;
    private final TreeMap<Long, TreeMap<Long, Windowed<K>>> byClose = new TreeMap<>();
    private final ConcurrentHashMap<K, ConcurrentSkipListMap<Window, Boolean>> byKey = new ConcurrentHashMap<>();

    WindowState(Task task, String name, Optional<Serde<K>> keySerde, Optional<Serde<A>> aggSerde,
                ToLongFunction<Window> closeAt, Function<A, R> result) {
        this.task = task;
        this.closeAt = closeAt;
        Optional<Serde<Windowed<K>>> wkeys = keySerde.map(WindowedSerde::new);
        Optional<Serde<Slot<A>>> slots = aggSerde.map(Slot::serde);
        this.store = task.state().keyValue(name, wkeys, slots);
        store.forEach((w, slot) -> {
            index(w, slot.seq());
            task.observeSequence(slot.seq());
        });
        task.registerQueryable(name, new Queryable() {
            @Override
            @SuppressWarnings("unchecked")
            public Optional<Object> query(Object key) {
                return windows((K) key, result);
            }

            @Override
            public Optional<Object> queryByText(String keyText) {
                for (K k : byKey.keySet()) {
                    if (String.valueOf(k).equals(keyText)) {
                        return windows(k, result);
                    }
                }
                return Optional.empty();
            }
        });
    }

    private Optional<Object> windows(K key, Function<A, R> result) {
        ConcurrentSkipListMap<Window, Boolean> ws = byKey.get(key);
        if (ws == null) {
            return Optional.empty();
        }
        SortedMap<Window, R> out = new TreeMap<>();
        for (Window w : ws.keySet()) {
            Slot<A> s = store.get(new Windowed<>(key, w));
            if (s != null) {
                out.put(w, result.apply(s.aggregate()));
            }
        }
        return out.isEmpty() ? Optional.empty() : Optional.of(out);
    }

    private void index(Windowed<K> w, long seq) {
        byClose.computeIfAbsent(closeAt.applyAsLong(w.window()), c -> new TreeMap<>()).put(seq, w);
        byKey.computeIfAbsent(w.key(), k -> new ConcurrentSkipListMap<>()).put(w.window(), Boolean.TRUE);
    }

    private void unindex(Windowed<K> w, long seq) {
        long c = closeAt.applyAsLong(w.window());
        TreeMap<Long, Windowed<K>> at = byClose.get(c);
        if (at != null) {
            at.remove(seq);
            if (at.isEmpty()) {
                byClose.remove(c);
            }
        }
        ConcurrentSkipListMap<Window, Boolean> ws = byKey.get(w.key());
        if (ws != null) {
            ws.remove(w.window());
            if (ws.isEmpty()) {
                byKey.remove(w.key());
            }
        }
    }

    /** Whether a window is closed at the current watermark. */
    boolean closed(Window w) {
        return task.watermark() >= closeAt.applyAsLong(w);
    }

    /** The slot of {@code w}, or null. */
    Slot<A> get(Windowed<K> w) {
        return store.get(w);
    }

    /** Sets the aggregate of {@code w}, whose current slot is {@code old} (null: a new window). */
    void put(Windowed<K> w, Slot<A> old, A aggregate) {
        long seq;
        if (old == null) {
            seq = task.nextSequence();
            index(w, seq);
        } else {
            seq = old.seq();
        }
        store.put(w, new Slot<>(seq, aggregate));
    }

    /** Removes {@code w}, whose slot is {@code slot}. */
    void remove(Windowed<K> w, Slot<A> slot) {
        unindex(w, slot.seq());
        store.delete(w);
    }

    /** The open windows of {@code key}, by start. */
    NavigableMap<Window, Boolean> windowsOf(K key) {
        ConcurrentSkipListMap<Window, Boolean> ws = byKey.get(key);
        return ws == null ? new TreeMap<>() : ws;
    }

    /** Removes every window closed at {@code watermark}, in closing then creation order, handing each to {@code onClose}. */
    void closeUpTo(long watermark, BiConsumer<Windowed<K>, A> onClose) {
        while (!byClose.isEmpty() && byClose.firstKey() <= watermark) {
            Map.Entry<Long, TreeMap<Long, Windowed<K>>> due = byClose.pollFirstEntry();
            for (Map.Entry<Long, Windowed<K>> e : due.getValue().entrySet()) {
                Windowed<K> w = e.getValue();
                Slot<A> slot = store.get(w);
                ConcurrentSkipListMap<Window, Boolean> ws = byKey.get(w.key());
                if (ws != null) {
                    ws.remove(w.window());
                    if (ws.isEmpty()) {
                        byKey.remove(w.key());
                    }
                }
                store.delete(w);
                if (slot != null) {
                    onClose.accept(w, slot.aggregate());
                }
            }
        }
    }
}
