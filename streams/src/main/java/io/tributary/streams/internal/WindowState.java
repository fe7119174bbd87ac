package io.tributary.streams.internal;

import io.tributary.streams.Serde;
import io.tributary.streams.Window;
import io.tributary.streams.Windowed;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
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
    /**
     * Open windows by closing time, then by creation sequence. New windows get ever larger
     * sequence numbers, so insertion order is sequence order (the start-up rebuild inserts sorted).
     */
    private final TreeMap<Long, LinkedHashMap<Long, Windowed<K>>> byClose = new TreeMap<>();
    /** Open windows per key, sorted by start; immutable lists replaced on change, so queries read them safely. */
    private final ConcurrentHashMap<K, List<Window>> byKey = new ConcurrentHashMap<>();

    WindowState(Task task, String name, Optional<Serde<K>> keySerde, Optional<Serde<A>> aggSerde,
                ToLongFunction<Window> closeAt, Function<A, R> result) {
        this.task = task;
        this.closeAt = closeAt;
        Optional<Serde<Windowed<K>>> wkeys = keySerde.map(WindowedSerde::new);
        Optional<Serde<Slot<A>>> slots = aggSerde.map(Slot::serde);
        this.store = task.state().keyValue(name, wkeys, slots);
        TreeMap<Long, Windowed<K>> restored = new TreeMap<>();
        store.forEach((w, slot) -> {
            restored.put(slot.seq(), w);
            task.observeSequence(slot.seq());
        });
        restored.forEach((seq, w) -> index(w, seq));
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
        List<Window> ws = byKey.get(key);
        if (ws == null) {
            return Optional.empty();
        }
        SortedMap<Window, R> out = new TreeMap<>();
        for (Window w : ws) {
            Slot<A> s = store.get(new Windowed<>(key, w));
            if (s != null) {
                out.put(w, result.apply(s.aggregate()));
            }
        }
        return out.isEmpty() ? Optional.empty() : Optional.of(out);
    }

    private void index(Windowed<K> w, long seq) {
        byClose.computeIfAbsent(closeAt.applyAsLong(w.window()), c -> new LinkedHashMap<>()).put(seq, w);
        List<Window> ws = byKey.get(w.key());
        if (ws == null) {
            byKey.put(w.key(), List.of(w.window()));
        } else {
            List<Window> next = new ArrayList<>(ws.size() + 1);
            next.addAll(ws);
            int at = Collections.binarySearch(next, w.window());
            next.add(at < 0 ? -at - 1 : at, w.window());
            byKey.put(w.key(), List.copyOf(next));
        }
    }

    private void unindexKey(Windowed<K> w) {
        List<Window> ws = byKey.get(w.key());
        if (ws == null) {
            return;
        }
        if (ws.size() == 1) {
            if (ws.get(0).equals(w.window())) {
                byKey.remove(w.key());
            }
            return;
        }
        List<Window> next = new ArrayList<>(ws);
        next.remove(w.window());
        byKey.put(w.key(), List.copyOf(next));
    }

    private void unindex(Windowed<K> w, long seq) {
        long c = closeAt.applyAsLong(w.window());
        LinkedHashMap<Long, Windowed<K>> at = byClose.get(c);
        if (at != null) {
            at.remove(seq);
            if (at.isEmpty()) {
                byClose.remove(c);
            }
        }
        unindexKey(w);
    }

    /** Whether a window is closed at the current watermark. */
    boolean closed(Window w) {
        return task.watermark() >= closeAt.applyAsLong(w);
    }

    /**
     * The slot of {@code w}, or null. Every stored window is in the in-memory index (built from the
     * store at start-up, kept by this class since), so a window missing from it is not read from
     * the store at all — for RocksDB state that saves a read of every new window.
     */
    Slot<A> get(Windowed<K> w) {
        List<Window> ws = byKey.get(w.key());
        if (ws == null || !ws.contains(w.window())) {
            return null;
        }
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

    /** The open windows of {@code key}, by start (a snapshot). */
    List<Window> windowsOf(K key) {
        return byKey.getOrDefault(key, List.of());
    }

    /** Removes every window closed at {@code watermark}, in closing then creation order, handing each to {@code onClose}. */
    void closeUpTo(long watermark, BiConsumer<Windowed<K>, A> onClose) {
        while (!byClose.isEmpty() && byClose.firstKey() <= watermark) {
            Map.Entry<Long, LinkedHashMap<Long, Windowed<K>>> due = byClose.pollFirstEntry();
            for (Windowed<K> w : due.getValue().values()) {
                Slot<A> slot = store.get(w);
                unindexKey(w);
                store.delete(w);
                if (slot != null) {
                    onClose.accept(w, slot.aggregate());
                }
            }
        }
    }
}
