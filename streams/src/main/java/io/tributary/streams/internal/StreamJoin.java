package io.tributary.streams.internal;

import io.tributary.streams.JoinWindows;
import io.tributary.streams.Serde;
import io.tributary.streams.StreamJoined;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiFunction;

/**
 * Stream–stream joins within a time window. Each side buffers its records per key until the
 * watermark is past the end of their join range plus grace (ranges are inclusive, so a record
 * at the watermark's own millisecond is on time); a new record joins every buffered
 * record of the other side in range at once. When a record expires without a partner, a left or
 * outer join emits it alone.
 *
 * <p>The buffers are two stores of the task's state ({@code name.left}, {@code name.right}: per
 * key, the records in arrival order), so on RocksDB state they are committed with the input
 * position and a restart resumes from there. The index of records by expiry is rebuilt from the
 * stores at start-up; each record carries a sequence number so that records expiring at the same
 * time are emitted in arrival order after a restart too.
 */
final class StreamJoin<K, V1, V2, R> {
    /**
     * A buffered record. {@code matched} is set when a partner arrives; the list holding it is then
     * put into its store again, which is what makes the change part of the next commit.
     */
    static final class Entry<V> {
        final long seq;
        final long ts;
        final V value;
        boolean matched;

        Entry(long seq, long ts, V value, boolean matched) {
            this.seq = seq;
            this.ts = ts;
            this.value = value;
            this.matched = matched;
        }
    }

    /** A buffered record in the expiry index. */
    private record Due<K>(K key, boolean left, long seq) {
    }

    private final JoinWindows windows;
    private final boolean leftOuter;
    private final boolean rightOuter;
    private final BiFunction<Optional<V1>, Optional<V2>, ? extends R> joiner;
    private final Task task;
    private final Processor<K, R> down;
    /*
     * The lists read from these stores are changed in place and put back: the buffers are not
     * queryable, only the task's thread touches them, and a store serializes a value only when it
     * commits, so no reader can see a half-made change — and a record costs no copy of its key's list.
     */
    private final KvStore<K, List<Entry<V1>>> lefts;
    private final KvStore<K, List<Entry<V2>>> rights;
    /** Buffered records by expiry time, then arrival. */
    private final TreeMap<Long, List<Due<K>>> expiries = new TreeMap<>();

    private StreamJoin(String name, JoinWindows windows, boolean leftOuter, boolean rightOuter,
                       BiFunction<Optional<V1>, Optional<V2>, ? extends R> joiner, StreamJoined<K, V1, V2> joined,
                       Task task, Processor<K, R> down) {
        this.windows = windows;
        this.leftOuter = leftOuter;
        this.rightOuter = rightOuter;
        this.joiner = joiner;
        this.task = task;
        this.down = down;
        if (task.state().durable()
                && (joined.keySerde().isEmpty() || joined.valueSerde().isEmpty() || joined.otherValueSerde().isEmpty())) {
            throw new IllegalStateException("the stream-stream join '" + name + "' needs a key serde and both sides' value serdes"
                    + " for RocksDB state (its buffered records are stored): give them with StreamJoined.with(...)");
        }
        this.lefts = task.state().keyValue(name + ".left", joined.keySerde(), joined.valueSerde().map(StreamJoin::listSerde));
        this.rights = task.state().keyValue(name + ".right", joined.keySerde(), joined.otherValueSerde().map(StreamJoin::listSerde));
        restoreIndex();
    }

    private void restoreIndex() {
        List<Object[]> restored = new ArrayList<>(); // {expiry, Due}
        lefts.forEach((k, list) -> {
            for (Entry<V1> e : list) {
                restored.add(new Object[] {leftExpiry(e.ts), new Due<>(k, true, e.seq)});
            }
        });
        rights.forEach((k, list) -> {
            for (Entry<V2> e : list) {
                restored.add(new Object[] {rightExpiry(e.ts), new Due<>(k, false, e.seq)});
            }
        });
        @SuppressWarnings("unchecked")
        Comparator<Object[]> order = Comparator.<Object[]>comparingLong(o -> (Long) o[0]).thenComparingLong(o -> ((Due<K>) o[1]).seq());
        restored.sort(order);
        for (Object[] o : restored) {
            @SuppressWarnings("unchecked")
            Due<K> due = (Due<K>) o[1];
            expiries.computeIfAbsent((Long) o[0], e -> new ArrayList<>()).add(due);
            task.observeSequence(due.seq());
        }
    }

    static <K, V1, V2, R> KStreamImpl<K, R> build(KStreamImpl<K, V1> left, KStreamImpl<K, V2> right, JoinWindows windows,
                                                  boolean leftOuter, boolean rightOuter,
                                                  BiFunction<Optional<V1>, Optional<V2>, ? extends R> joiner,
                                                  StreamJoined<K, V1, V2> joined) {
        if (left.rekeyed || right.rekeyed) {
            left.graph.markStateAfterRekey();
        }
        String name = left.graph.claimStore(joined.storeName().orElseGet(() -> left.graph.newName("JOIN")));
        Node<K, R> result = new Node<>();
        Object key = new Object();
        left.attachStateful(task -> {
            StreamJoin<K, V1, V2, R> join = task.instance(key, () -> create(name, windows, leftOuter, rightOuter, joiner, joined, task, result));
            return join::onLeft;
        });
        right.attachStateful(task -> {
            StreamJoin<K, V1, V2, R> join = task.instance(key, () -> create(name, windows, leftOuter, rightOuter, joiner, joined, task, result));
            return join::onRight;
        });
        return new KStreamImpl<>(left.graph, result, left.rekeyed || right.rekeyed);
    }

    private static <K, V1, V2, R> StreamJoin<K, V1, V2, R> create(String name, JoinWindows windows, boolean leftOuter, boolean rightOuter,
                                                                  BiFunction<Optional<V1>, Optional<V2>, ? extends R> joiner,
                                                                  StreamJoined<K, V1, V2> joined, Task task, Node<K, R> result) {
        StreamJoin<K, V1, V2, R> join = new StreamJoin<>(name, windows, leftOuter, rightOuter, joiner, joined, task, result.instantiate(task));
        task.onWatermark(join::expire);
        return join;
    }

    private long leftExpiry(long ts) {
        return ts + windows.afterMs() + windows.graceMs();
    }

    private long rightExpiry(long ts) {
        return ts + windows.beforeMs() + windows.graceMs();
    }

    void onLeft(K key, V1 value, long ts) {
        long expiry = leftExpiry(ts);
        // Late only once the watermark is past the range's last millisecond (plus grace): a record
        // at the watermark itself can still meet partners at that same millisecond.
        if (expiry < task.watermark()) {
            task.countLate();
            return;
        }
        Entry<V1> mine = new Entry<>(task.nextSequence(), ts, value, false);
        List<Entry<V2>> others = rights.get(key);
        if (others != null) {
            boolean changed = false;
            for (Entry<V2> r : others) {
                if (r.ts >= ts - windows.beforeMs() && r.ts <= ts + windows.afterMs()) {
                    mine.matched = true;
                    changed |= !r.matched;
                    r.matched = true;
                    down.process(key, joiner.apply(Optional.of(value), Optional.of(r.value)), Math.max(ts, r.ts));
                }
            }
            if (changed) {
                rights.put(key, others);
            }
        }
        lefts.put(key, appended(lefts.get(key), mine));
        expiries.computeIfAbsent(expiry, e -> new ArrayList<>()).add(new Due<>(key, true, mine.seq));
    }

    void onRight(K key, V2 value, long ts) {
        long expiry = rightExpiry(ts);
        if (expiry < task.watermark()) {
            task.countLate();
            return;
        }
        Entry<V2> mine = new Entry<>(task.nextSequence(), ts, value, false);
        List<Entry<V1>> others = lefts.get(key);
        if (others != null) {
            boolean changed = false;
            for (Entry<V1> l : others) {
                if (ts >= l.ts - windows.beforeMs() && ts <= l.ts + windows.afterMs()) {
                    mine.matched = true;
                    changed |= !l.matched;
                    l.matched = true;
                    down.process(key, joiner.apply(Optional.of(l.value), Optional.of(value)), Math.max(ts, l.ts));
                }
            }
            if (changed) {
                lefts.put(key, others);
            }
        }
        rights.put(key, appended(rights.get(key), mine));
        expiries.computeIfAbsent(expiry, e -> new ArrayList<>()).add(new Due<>(key, false, mine.seq));
    }

    private static <V> List<Entry<V>> appended(List<Entry<V>> list, Entry<V> e) {
        List<Entry<V>> out = list == null ? new ArrayList<>(2) : list;
        out.add(e);
        return out;
    }

    private void expire(long watermark) {
        while (!expiries.isEmpty() && expiries.firstKey() < watermark) {
            for (Due<K> due : expiries.pollFirstEntry().getValue()) {
                if (due.left()) {
                    Entry<V1> e = remove(lefts, due.key(), due.seq());
                    if (e != null && !e.matched && leftOuter) {
                        down.process(due.key(), joiner.apply(Optional.of(e.value), Optional.empty()), e.ts);
                    }
                } else {
                    Entry<V2> e = remove(rights, due.key(), due.seq());
                    if (e != null && !e.matched && rightOuter) {
                        down.process(due.key(), joiner.apply(Optional.empty(), Optional.of(e.value)), e.ts);
                    }
                }
            }
        }
    }

    /** Removes the record {@code seq} of {@code key} (lists are in sequence order) and returns it, or null. */
    private static <K, V> Entry<V> remove(KvStore<K, List<Entry<V>>> buffers, K key, long seq) {
        List<Entry<V>> list = buffers.get(key);
        if (list == null) {
            return null;
        }
        int lo = 0;
        int hi = list.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long s = list.get(mid).seq;
            if (s < seq) {
                lo = mid + 1;
            } else if (s > seq) {
                hi = mid - 1;
            } else {
                Entry<V> e = list.remove(mid);
                if (list.isEmpty()) {
                    buffers.delete(key);
                } else {
                    buffers.put(key, list);
                }
                return e;
            }
        }
        return null;
    }

    /** A key's buffered records: count, then per record sequence, time, matched flag, value length and value. */
    private static <V> Serde<List<Entry<V>>> listSerde(Serde<V> values) {
        return new Serde<>() {
            @Override
            public byte[] serialize(List<Entry<V>> list) {
                byte[][] parts = new byte[list.size()][];
                int total = 4;
                for (int i = 0; i < parts.length; i++) {
                    parts[i] = values.serialize(list.get(i).value);
                    total += 21 + parts[i].length;
                }
                ByteBuffer buf = ByteBuffer.allocate(total).putInt(parts.length);
                for (int i = 0; i < parts.length; i++) {
                    Entry<V> e = list.get(i);
                    buf.putLong(e.seq).putLong(e.ts).put((byte) (e.matched ? 1 : 0)).putInt(parts[i].length).put(parts[i]);
                }
                return buf.array();
            }

            @Override
            public List<Entry<V>> deserialize(byte[] bytes) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                int n = buf.getInt();
                List<Entry<V>> out = new ArrayList<>(n + 1);
                for (int i = 0; i < n; i++) {
                    long seq = buf.getLong();
                    long ts = buf.getLong();
                    boolean matched = buf.get() != 0;
                    byte[] b = new byte[buf.getInt()];
                    buf.get(b);
                    out.add(new Entry<>(seq, ts, values.deserialize(b), matched));
                }
                return out;
            }
        };
    }
}
