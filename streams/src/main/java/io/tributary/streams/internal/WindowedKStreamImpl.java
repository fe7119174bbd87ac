package io.tributary.streams.internal;

import io.tributary.streams.Aggregator;
import io.tributary.streams.Emit;
import io.tributary.streams.KStream;
import io.tributary.streams.KTable;
import io.tributary.streams.Materialized;
import io.tributary.streams.Merger;
import io.tributary.streams.Windowed;
import io.tributary.streams.WindowedKStream;
import io.tributary.streams.Windows;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BinaryOperator;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/** The DSL's windowed stream: each aggregation becomes one window operator. */
final class WindowedKStreamImpl<K, V> implements WindowedKStream<K, V> {
    private final KGroupedStreamImpl<K, V> grouped;
    private final Windows windows;
    private final Emit emit;
    /** Where late records of every aggregation of this windowed stream go. */
    private final Node<K, V> late;

    WindowedKStreamImpl(KGroupedStreamImpl<K, V> grouped, Windows windows, Emit emit) {
        this(grouped, windows, emit, new Node<>());
    }

    private WindowedKStreamImpl(KGroupedStreamImpl<K, V> grouped, Windows windows, Emit emit, Node<K, V> late) {
        this.grouped = Objects.requireNonNull(grouped);
        this.windows = Objects.requireNonNull(windows, "windows");
        this.emit = Objects.requireNonNull(emit, "emit");
        this.late = late;
    }

    @Override
    public WindowedKStream<K, V> emit(Emit newEmit) {
        return new WindowedKStreamImpl<>(grouped, windows, newEmit, late);
    }

    @Override
    public KStream<K, V> lateEvents() {
        return new KStreamImpl<>(grouped.stream.graph, late, grouped.stream.rekeyed); // out of the window operator: stateful
    }

    <A, R> KTable<Windowed<K>, R> windowed(String kind, AggSpec<K, V, A, R> spec, Optional<String> storeName) {
        Graph graph = grouped.stream.graph;
        String name = graph.claimStore(storeName.orElseGet(() -> graph.newName(kind)));
        Object stateKey = new Object();
        KStreamImpl<Windowed<K>, R> results = grouped.stream.<Windowed<K>, R>thenWithTask((task, down) -> {
            Processor<K, V> lateDown = late.instantiate(task);
            Processor<K, V> op = task.instance(stateKey, () -> create(task, name, spec, down, lateDown));
            task.onWatermark((WatermarkListener) op);
            return op;
        });
        return new KTableImpl<>(graph, results.node, name, grouped.stream.rekeyed, task -> {
            // Windowed tables are looked up through the queryable store of the operator.
            return wk -> task.query(name, wk.key())
                    .map(m -> ((java.util.SortedMap<?, ?>) m).get(wk.window()))
                    .map(v -> {
                        @SuppressWarnings("unchecked")
                        R r = (R) v;
                        return r;
                    })
                    .orElse(null);
        });
    }

    private <A, R> Processor<K, V> create(Task task, String name, AggSpec<K, V, A, R> spec,
                                          Processor<Windowed<K>, R> down, Processor<K, V> lateDown) {
        if (windows instanceof Windows.Tumbling t) {
            return new TimeWindowOp<>(task, name, t.sizeMs(), t.sizeMs(), t.graceMs(), emit, spec, down, lateDown);
        } else if (windows instanceof Windows.Hopping h) {
            return new TimeWindowOp<>(task, name, h.sizeMs(), h.advanceMs(), h.graceMs(), emit, spec, down, lateDown);
        } else if (windows instanceof Windows.Session s) {
            return new SessionWindowOp<>(task, name, s.gapMs(), s.graceMs(), emit, spec, down, lateDown);
        } else if (windows instanceof Windows.Sliding s) {
            return new SlidingWindowOp<>(task, name, s.sizeMs(), s.graceMs(), emit, spec, grouped.grouped.valueSerde(), down, lateDown);
        }
        throw new IllegalStateException("unknown window kind " + windows);
    }

    @Override
    public KTable<Windowed<K>, Long> count(Materialized<K, Long> m) {
        Materialized<K, Long> ml = KGroupedStreamImpl.withLongs(m);
        return windowed("WINDOW-COUNT", grouped.spec(() -> 0L, (k, v, a) -> a + 1, (k, a, b) -> a + b, ml), m.storeName());
    }

    @Override
    public KTable<Windowed<K>, V> reduce(BinaryOperator<V> reducer, Materialized<K, V> m) {
        return windowed("WINDOW-REDUCE", grouped.reduceSpec(reducer, m), m.storeName());
    }

    @Override
    public <A> KTable<Windowed<K>, A> aggregate(Supplier<A> initializer, Aggregator<? super K, ? super V, A> aggregator,
                                                Merger<? super K, A> merger, Materialized<K, A> m) {
        return windowed("WINDOW-AGGREGATE", grouped.spec(initializer, aggregator, merger, m), m.storeName());
    }

    @Override
    public KTable<Windowed<K>, Long> sum(ToLongFunction<? super V> value, Materialized<K, Long> m) {
        Materialized<K, Long> ml = KGroupedStreamImpl.withLongs(m);
        return windowed("WINDOW-SUM", grouped.spec(() -> 0L, (k, v, a) -> a + value.applyAsLong(v), (k, a, b) -> a + b, ml),
                m.storeName());
    }

    @Override
    public KTable<Windowed<K>, Double> average(ToDoubleFunction<? super V> value, Materialized<K, Double> m) {
        return windowed("WINDOW-AVERAGE", grouped.averageSpec(value, m), m.storeName());
    }
}
