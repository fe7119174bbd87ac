package io.tributary.streams.internal;

import io.tributary.streams.Emit;
import io.tributary.streams.Window;
import io.tributary.streams.Windowed;

/**
 * Tumbling and hopping windows (tumbling: advance = size). A record at {@code t} falls into every
 * window {@code [s, s+size)} with {@code s} a multiple of the advance; windows already closed are
 * skipped, and a record whose windows are all closed is late.
 */
final class TimeWindowOp<K, V, A, R> implements Processor<K, V>, WatermarkListener {
    private final long size;
    private final long advance;
    private final long grace;
    private final Emit emit;
    private final AggSpec<K, V, A, R> spec;
    /** Durable state: aggregates in the store, windows indexed in memory (null on heap state). */
    private final WindowState<K, A, R> state;
    /** Heap state: the window-major layout (null on durable state). */
    private final HeapWindows<K, A> heap;
    private final Task task;
    private final Processor<Windowed<K>, R> down;
    private final Processor<K, V> late;

    TimeWindowOp(Task task, String name, long size, long advance, long grace, Emit emit, AggSpec<K, V, A, R> spec,
                 Processor<Windowed<K>, R> down, Processor<K, V> late) {
        this.task = task;
        this.size = size;
        this.advance = advance;
        this.grace = grace;
        this.emit = emit;
        this.spec = spec;
        this.down = down;
        this.late = late;
        if (task.state().durable()) {
            this.state = new WindowState<>(task, name, spec.keySerde(), spec.aggregateSerde(),
                    w -> w.endMs() + this.grace, spec.result());
            this.heap = null;
        } else {
            this.state = null;
            this.heap = new HeapWindows<>(task, name, size, grace, spec.result());
        }
    }

    @Override
    public void process(K key, V value, long ts) {
        long last = Math.floorDiv(ts, advance) * advance;
        long first = last;
        while (first - advance > ts - size) {
            first -= advance;
        }
        if (heap != null) {
            processOnHeap(key, value, ts, first, last);
            return;
        }
        boolean accepted = false;
        for (long start = first; start <= last; start += advance) {
            Window w = new Window(start, start + size);
            if (state.closed(w)) {
                continue;
            }
            accepted = true;
            Windowed<K> wk = new Windowed<>(key, w);
            Slot<A> old = state.get(wk);
            A agg = spec.add(key, value, old == null ? null : old.aggregate());
            state.put(wk, old, agg);
            if (emit == Emit.ON_EVERY_UPDATE) {
                down.process(wk, spec.result().apply(agg), w.endMs() - 1);
            }
        }
        if (!accepted) {
            task.countLate();
            late.process(key, value, ts);
        }
    }

    private void processOnHeap(K key, V value, long ts, long first, long last) {
        long watermark = task.watermark();
        boolean accepted = false;
        for (long start = first; start <= last; start += advance) {
            if (watermark >= heap.closeAt(start)) {
                continue;
            }
            accepted = true;
            HeapWindows.Open<K> w = heap.window(start);
            HeapWindows.Cell<K> cell = w.cell(key);
            A agg = spec.add(key, value, cell.aggregate());
            cell.set(agg);
            if (emit == Emit.ON_EVERY_UPDATE) {
                down.process(new Windowed<>(key, w.window), spec.result().apply(agg), start + size - 1);
            }
        }
        if (!accepted) {
            task.countLate();
            late.process(key, value, ts);
        }
    }

    @Override
    public void onWatermark(long watermark) {
        if (heap != null) {
            heap.closeUpTo(watermark, (w, agg) -> {
                if (emit == Emit.ON_WINDOW_CLOSE) {
                    down.process(w, spec.result().apply(agg), w.window().endMs() - 1);
                }
            });
            return;
        }
        state.closeUpTo(watermark, (w, agg) -> {
            if (emit == Emit.ON_WINDOW_CLOSE) {
                down.process(w, spec.result().apply(agg), w.window().endMs() - 1);
            }
        });
    }
}
