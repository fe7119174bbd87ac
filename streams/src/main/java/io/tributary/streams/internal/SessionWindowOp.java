package io.tributary.streams.internal;

import io.tributary.streams.Emit;
import io.tributary.streams.Window;
import io.tributary.streams.Windowed;
import java.util.ArrayList;
import java.util.List;

/**
 * Session windows. A session {@code [start, end)} holds events of one key whose neighbours are at
 * most {@code gap} apart ({@code end} is the last event time plus one). An event within
 * {@code gap} of one or more open sessions joins them: they merge (aggregates combined with the
 * merger, in start order) into one new session. A session closes when the watermark reaches
 * {@code end + gap + grace}; an event that joins no open session and whose own session would
 * already be closed is late.
 */
final class SessionWindowOp<K, V, A, R> implements Processor<K, V>, WatermarkListener {
    private final long gap;
    private final long grace;
    private final Emit emit;
    private final AggSpec<K, V, A, R> spec;
    private final WindowState<K, A, R> state;
    private final Task task;
    private final Processor<Windowed<K>, R> down;
    private final Processor<K, V> late;

    SessionWindowOp(Task task, String name, long gap, long grace, Emit emit, AggSpec<K, V, A, R> spec,
                    Processor<Windowed<K>, R> down, Processor<K, V> late) {
        this.task = task;
        this.gap = gap;
        this.grace = grace;
        this.emit = emit;
        this.spec = spec;
        this.down = down;
        this.late = late;
        this.state = new WindowState<>(task, name, spec.keySerde(), spec.aggregateSerde(),
                w -> w.endMs() + this.gap + this.grace, spec.result());
    }

    @Override
    public void process(K key, V value, long ts) {
        List<Window> overlapping = new ArrayList<>();
        for (Window w : state.windowsOf(key)) {
            if (w.startMs() - gap <= ts && ts <= w.endMs() - 1 + gap) {
                overlapping.add(w);
            }
        }
        if (overlapping.isEmpty() && state.closed(new Window(ts, ts + 1))) {
            task.countLate();
            late.process(key, value, ts);
            return;
        }
        long start = ts;
        long end = ts + 1;
        A merged = null;
        for (Window w : overlapping) {
            Windowed<K> wk = new Windowed<>(key, w);
            Slot<A> slot = state.get(wk);
            state.remove(wk, slot);
            start = Math.min(start, w.startMs());
            end = Math.max(end, w.endMs());
            merged = merged == null ? slot.aggregate() : spec.merger().merge(key, merged, slot.aggregate());
        }
        A agg = spec.add(key, value, merged);
        Windowed<K> session = new Windowed<>(key, new Window(start, end));
        state.put(session, null, agg);
        if (emit == Emit.ON_EVERY_UPDATE) {
            down.process(session, spec.result().apply(agg), end - 1);
        }
    }

    @Override
    public void onWatermark(long watermark) {
        state.closeUpTo(watermark, (w, agg) -> {
            if (emit == Emit.ON_WINDOW_CLOSE) {
                down.process(w, spec.result().apply(agg), w.window().endMs() - 1);
            }
        });
    }
}
