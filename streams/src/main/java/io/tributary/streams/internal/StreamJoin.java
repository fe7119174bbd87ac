package io.tributary.streams.internal;

import io.tributary.streams.JoinWindows;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiFunction;

/**
 * Stream–stream joins within a time window. Each side buffers its records per key until the
 * watermark is past the end of their join range plus grace (ranges are inclusive, so a record
 * at the watermark's own millisecond is on time); a new record joins every buffered
 * record of the other side in range at once. When a record expires without a partner, a left or
 * outer join emits it alone. Buffers are heap state (see the module README).
 */
final class StreamJoin<K, V1, V2, R> {
    /** A buffered record. */
    private static final class Entry<V> {
        final long ts;
        final V value;
        boolean matched;

        Entry(long ts, V value) {
            this.ts = ts;
            this.value = value;
        }
    }

    private final JoinWindows windows;
    private final boolean leftOuter;
    private final boolean rightOuter;
    private final BiFunction<Optional<V1>, Optional<V2>, ? extends R> joiner;
    private final Task task;
    private final Processor<K, R> down;
    private final Map<K, List<Entry<V1>>> lefts = new HashMap<>();
    private final Map<K, List<Entry<V2>>> rights = new HashMap<>();
    /** Buffered records by expiry time, then arrival: left entries as (key, entry, true). */
    private final TreeMap<Long, List<Object[]>> expiries = new TreeMap<>();

    private StreamJoin(JoinWindows windows, boolean leftOuter, boolean rightOuter,
                       BiFunction<Optional<V1>, Optional<V2>, ? extends R> joiner, Task task, Processor<K, R> down) {
        this.windows = windows;
        this.leftOuter = leftOuter;
        this.rightOuter = rightOuter;
        this.joiner = joiner;
        this.task = task;
        this.down = down;
    }

    static <K, V1, V2, R> KStreamImpl<K, R> build(KStreamImpl<K, V1> left, KStreamImpl<K, V2> right, JoinWindows windows,
                                                  boolean leftOuter, boolean rightOuter,
                                                  BiFunction<Optional<V1>, Optional<V2>, ? extends R> joiner) {
        if (left.rekeyed || right.rekeyed) {
            left.graph.markStateAfterRekey();
        }
        left.graph.markHeapOnlyState("a stream-stream join");
        Node<K, R> result = new Node<>();
        Object key = new Object();
        left.attachStateful(task -> {
            StreamJoin<K, V1, V2, R> join = task.instance(key, () -> create(windows, leftOuter, rightOuter, joiner, task, result));
            return join::onLeft;
        });
        right.attachStateful(task -> {
            StreamJoin<K, V1, V2, R> join = task.instance(key, () -> create(windows, leftOuter, rightOuter, joiner, task, result));
            return join::onRight;
        });
        return new KStreamImpl<>(left.graph, result, left.rekeyed || right.rekeyed);
    }

    private static <K, V1, V2, R> StreamJoin<K, V1, V2, R> create(JoinWindows windows, boolean leftOuter, boolean rightOuter,
                                                                  BiFunction<Optional<V1>, Optional<V2>, ? extends R> joiner,
                                                                  Task task, Node<K, R> result) {
        StreamJoin<K, V1, V2, R> join = new StreamJoin<>(windows, leftOuter, rightOuter, joiner, task, result.instantiate(task));
        task.onWatermark(join::expire);
        return join;
    }

    void onLeft(K key, V1 value, long ts) {
        long expiry = ts + windows.afterMs() + windows.graceMs();
        // Late only once the watermark is past the range's last millisecond (plus grace): a record
        // at the watermark itself can still meet partners at that same millisecond.
        if (expiry < task.watermark()) {
            task.countLate();
            return;
        }
        Entry<V1> mine = new Entry<>(ts, value);
        for (Entry<V2> r : rights.getOrDefault(key, List.of())) {
            if (r.ts >= ts - windows.beforeMs() && r.ts <= ts + windows.afterMs()) {
                mine.matched = true;
                r.matched = true;
                down.process(key, joiner.apply(Optional.of(value), Optional.of(r.value)), Math.max(ts, r.ts));
            }
        }
        lefts.computeIfAbsent(key, k -> new ArrayList<>()).add(mine);
        expiries.computeIfAbsent(expiry, e -> new ArrayList<>()).add(new Object[] {key, mine, Boolean.TRUE});
    }

    void onRight(K key, V2 value, long ts) {
        long expiry = ts + windows.beforeMs() + windows.graceMs();
        if (expiry < task.watermark()) {
            task.countLate();
            return;
        }
        Entry<V2> mine = new Entry<>(ts, value);
        for (Entry<V1> l : lefts.getOrDefault(key, List.of())) {
            if (ts >= l.ts - windows.beforeMs() && ts <= l.ts + windows.afterMs()) {
                mine.matched = true;
                l.matched = true;
                down.process(key, joiner.apply(Optional.of(l.value), Optional.of(value)), Math.max(ts, l.ts));
            }
        }
        rights.computeIfAbsent(key, k -> new ArrayList<>()).add(mine);
        expiries.computeIfAbsent(expiry, e -> new ArrayList<>()).add(new Object[] {key, mine, Boolean.FALSE});
    }

    @SuppressWarnings("unchecked")
    private void expire(long watermark) {
        while (!expiries.isEmpty() && expiries.firstKey() < watermark) {
            for (Object[] due : expiries.pollFirstEntry().getValue()) {
                K key = (K) due[0];
                if ((Boolean) due[2]) {
                    Entry<V1> e = (Entry<V1>) due[1];
                    remove(lefts, key, e);
                    if (!e.matched && leftOuter) {
                        down.process(key, joiner.apply(Optional.of(e.value), Optional.empty()), e.ts);
                    }
                } else {
                    Entry<V2> e = (Entry<V2>) due[1];
                    remove(rights, key, e);
                    if (!e.matched && rightOuter) {
                        down.process(key, joiner.apply(Optional.empty(), Optional.of(e.value)), e.ts);
                    }
                }
            }
        }
    }

    private static <K, V> void remove(Map<K, List<Entry<V>>> buffers, K key, Entry<V> e) {
        List<Entry<V>> list = buffers.get(key);
        if (list != null) {
            list.remove(e);
            if (list.isEmpty()) {
                buffers.remove(key);
            }
        }
    }
}
