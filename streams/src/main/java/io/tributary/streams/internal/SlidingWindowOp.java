package io.tributary.streams.internal;

import io.tributary.streams.Emit;
import io.tributary.streams.Serde;
import io.tributary.streams.Window;
import io.tributary.streams.Windowed;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Sliding windows: every event at {@code t} defines the window {@code [t-size+1, t+1)} over the
 * events of its key in that range. The events of each key are buffered (in the state, so they
 * need a value serde on RocksDB) until no open window can contain them; a new window's aggregate
 * is folded from the buffer, and an event also updates the open windows of later events that
 * contain it. An event whose own window is closed and that no open window contains is late.
 */
final class SlidingWindowOp<K, V, A, R> implements Processor<K, V>, WatermarkListener {
    private final long size;
    private final long grace;
    private final Emit emit;
    private final AggSpec<K, V, A, R> spec;
    private final WindowState<K, A, R> state;
    private final KvStore<K, List<Timed<V>>> buffer;
    /** Keys with buffered events by the time their oldest event expires; rebuilt at start-up. */
    private final TreeMap<Long, List<K>> expiries = new TreeMap<>();
    private final Task task;
    private final Processor<Windowed<K>, R> down;
    private final Processor<K, V> late;

    /** A buffered event. */
    record Timed<V>(long ts, V value) {
    }

    SlidingWindowOp(Task task, String name, long size, long grace, Emit emit, AggSpec<K, V, A, R> spec,
                    Optional<Serde<V>> valueSerde, Processor<Windowed<K>, R> down, Processor<K, V> late) {
        this.task = task;
        this.size = size;
        this.grace = grace;
        this.emit = emit;
        this.spec = spec;
        this.down = down;
        this.late = late;
        this.state = new WindowState<>(task, name, spec.keySerde(), spec.aggregateSerde(),
                w -> w.endMs() + this.grace, spec.result());
        this.buffer = task.state().keyValue(name + ".buffer", spec.keySerde(), valueSerde.map(SlidingWindowOp::listSerde));
        buffer.forEach((k, list) -> {
            for (Timed<V> t : list) {
                expiries.computeIfAbsent(expiry(t.ts()), e -> new ArrayList<>()).add(k);
            }
        });
    }

    private long expiry(long ts) {
        return ts + size + grace;
    }

    @Override
    public void process(K key, V value, long ts) {
        Window own = new Window(ts - size + 1, ts + 1);
        boolean ownOpen = !state.closed(own);
        boolean accepted = ownOpen;
        // Open windows of this key that contain ts (windows of later events, and one at ts itself).
        for (Window w : state.windowsOf(key)) {
            if (!w.contains(ts) || state.closed(w)) {
                continue;
            }
            accepted = true;
            Windowed<K> wk = new Windowed<>(key, w);
            Slot<A> slot = state.get(wk);
            A agg = spec.add(key, value, slot.aggregate());
            state.put(wk, slot, agg);
            if (emit == Emit.ON_EVERY_UPDATE) {
                down.process(wk, spec.result().apply(agg), w.endMs() - 1);
            }
        }
        if (!accepted) {
            task.countLate();
            late.process(key, value, ts);
            return;
        }
        List<Timed<V>> events = buffer.get(key);
        List<Timed<V>> updated = new ArrayList<>(events == null ? List.of() : events);
        updated.add(new Timed<>(ts, value));
        buffer.put(key, List.copyOf(updated));
        expiries.computeIfAbsent(expiry(ts), e -> new ArrayList<>()).add(key);
        Windowed<K> ownKey = new Windowed<>(key, own);
        if (ownOpen && state.get(ownKey) == null) {
            A agg = null;
            for (Timed<V> t : updated) {
                if (own.contains(t.ts())) {
                    agg = spec.add(key, t.value(), agg);
                }
            }
            state.put(ownKey, null, agg);
            if (emit == Emit.ON_EVERY_UPDATE) {
                down.process(ownKey, spec.result().apply(agg), own.endMs() - 1);
            }
        }
    }

    @Override
    public void onWatermark(long watermark) {
        state.closeUpTo(watermark, (w, agg) -> {
            if (emit == Emit.ON_WINDOW_CLOSE) {
                down.process(w, spec.result().apply(agg), w.window().endMs() - 1);
            }
        });
        while (!expiries.isEmpty() && expiries.firstKey() <= watermark) {
            for (K key : expiries.pollFirstEntry().getValue()) {
                List<Timed<V>> events = buffer.get(key);
                if (events == null) {
                    continue;
                }
                List<Timed<V>> kept = new ArrayList<>();
                for (Timed<V> t : events) {
                    if (expiry(t.ts()) > watermark) {
                        kept.add(t);
                    }
                }
                if (kept.isEmpty()) {
                    buffer.delete(key);
                } else if (kept.size() < events.size()) {
                    buffer.put(key, List.copyOf(kept));
                }
            }
        }
    }

    private static <V> Serde<List<Timed<V>>> listSerde(Serde<V> values) {
        return new Serde<>() {
            @Override
            public byte[] serialize(List<Timed<V>> list) {
                List<byte[]> parts = new ArrayList<>();
                int total = 4;
                for (Timed<V> t : list) {
                    byte[] b = values.serialize(t.value());
                    parts.add(b);
                    total += 12 + b.length;
                }
                ByteBuffer buf = ByteBuffer.allocate(total).putInt(list.size());
                for (int i = 0; i < list.size(); i++) {
                    buf.putLong(list.get(i).ts()).putInt(parts.get(i).length).put(parts.get(i));
                }
                return buf.array();
            }

            @Override
            public List<Timed<V>> deserialize(byte[] bytes) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                int n = buf.getInt();
                List<Timed<V>> out = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    long ts = buf.getLong();
                    byte[] b = new byte[buf.getInt()];
                    buf.get(b);
                    out.add(new Timed<>(ts, values.deserialize(b)));
                }
                return out;
            }
        };
    }
}
