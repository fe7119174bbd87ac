package io.tributary.streams.internal;

import io.tributary.streams.Aggregator;
import io.tributary.streams.Grouped;
import io.tributary.streams.KGroupedStream;
import io.tributary.streams.KTable;
import io.tributary.streams.Materialized;
import io.tributary.streams.Merger;
import io.tributary.streams.Serde;
import io.tributary.streams.Serdes;
import io.tributary.streams.WindowedKStream;
import io.tributary.streams.Windows;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.BinaryOperator;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/** The DSL's grouped stream: aggregations over all time, each into its own table store. */
final class KGroupedStreamImpl<K, V> implements KGroupedStream<K, V> {
    final KStreamImpl<K, V> stream;
    final Grouped<K, V> grouped;

    KGroupedStreamImpl(KStreamImpl<K, V> stream, Grouped<K, V> grouped) {
        // A stream re-keyed after state is repartitioned through the log when the grouping gives the
        // serdes to write it (otherwise the aggregation marks the topology single-partition, saying so).
        this.stream = stream.rekeyed && grouped.keySerde().isPresent() && grouped.valueSerde().isPresent()
                ? stream.repartitioned(grouped.keySerde().get(), grouped.valueSerde().get()) : stream;
        this.grouped = grouped;
    }

    Optional<Serde<K>> keySerde(Materialized<K, ?> m) {
        return m.keySerde().or(grouped::keySerde);
    }

    /** The general aggregation: store of aggregates, table of results. */
    <A, R> KTable<K, R> aggregation(String kind, AggSpec<K, V, A, R> spec, Optional<String> storeName) {
        Graph graph = stream.graph;
        TableStore<K, A> store = new TableStore<>(graph.claimStore(storeName.orElseGet(() -> graph.newName(kind))),
                spec.keySerde(), spec.aggregateSerde(), spec.result());
        Node<K, Change<R>> changeNode = new Node<>();
        KStreamImpl<K, R> upserts = stream.<K, R>thenWithTask((task, down) -> {
            KvStore<K, A> s = store.in(task);
            Processor<K, Change<R>> changes = changeNode.instantiate(task);
            boolean withChanges = !changeNode.isEmpty(); // only table operators need the old result
            return (k, v, ts) -> {
                A current = s.get(k);
                R before = withChanges && current != null ? spec.result().apply(current) : null;
                A agg = spec.add(k, v, current);
                s.put(k, agg);
                R now = spec.result().apply(agg);
                down.process(k, now, ts);
                if (withChanges) {
                    changes.process(k, new Change<>(now, before), ts);
                }
            };
        });
        String name = store.name();
        Function<A, R> result = spec.result();
        return new KTableImpl<>(graph, upserts.node, changeNode, true, name, task -> {
            KvStore<K, A> s = store.in(task);
            return k -> {
                A a = s.get(k);
                return a == null ? null : result.apply(a);
            };
        }, store::textKeys, stream.rekeyed);
    }

    <A> AggSpec<K, V, A, A> spec(Supplier<A> init, Aggregator<? super K, ? super V, A> agg, Merger<? super K, A> merger,
                                 Materialized<K, A> m) {
        return new AggSpec<>(init, agg, merger, Function.identity(), keySerde(m), m.valueSerde());
    }

    @Override
    public KTable<K, Long> count(Materialized<K, Long> m) {
        return aggregation("COUNT", spec(() -> 0L, (k, v, a) -> a + 1, (k, a, b) -> a + b, withLongs(m)), m.storeName());
    }

    static <K> Materialized<K, Long> withLongs(Materialized<K, Long> m) {
        return m.valueSerde().isPresent() ? m : new Materialized<>(m.storeName(), m.keySerde(), Optional.of(Serdes.longs()));
    }

    @Override
    public KTable<K, V> reduce(BinaryOperator<V> reducer, Materialized<K, V> m) {
        return aggregation("REDUCE", reduceSpec(reducer, m), m.storeName());
    }

    AggSpec<K, V, V, V> reduceSpec(BinaryOperator<V> reducer, Materialized<K, V> m) {
        // A null initial aggregate marks "no value yet": the first value is taken as is.
        Aggregator<K, V, V> agg = (k, v, a) -> a == null ? v : reducer.apply(a, v);
        return new AggSpec<>(() -> null, agg, (k, a, b) -> reducer.apply(a, b), Function.identity(),
                keySerde(m), m.valueSerde().or(grouped::valueSerde));
    }

    @Override
    public <A> KTable<K, A> aggregate(Supplier<A> initializer, Aggregator<? super K, ? super V, A> aggregator,
                                      Materialized<K, A> m) {
        return aggregation("AGGREGATE", spec(initializer, aggregator, (k, a, b) -> {
            throw new UnsupportedOperationException("aggregate without a merger cannot merge sessions");
        }, m), m.storeName());
    }

    @Override
    public KTable<K, Long> sum(ToLongFunction<? super V> value, Materialized<K, Long> m) {
        return aggregation("SUM", spec(() -> 0L, (k, v, a) -> a + value.applyAsLong(v), (k, a, b) -> a + b, withLongs(m)), m.storeName());
    }

    @Override
    public KTable<K, V> min(Comparator<? super V> order, Materialized<K, V> m) {
        return reduce((a, b) -> order.compare(b, a) < 0 ? b : a, m);
    }

    @Override
    public KTable<K, V> max(Comparator<? super V> order, Materialized<K, V> m) {
        return reduce((a, b) -> order.compare(b, a) > 0 ? b : a, m);
    }

    @Override
    public KTable<K, Double> average(ToDoubleFunction<? super V> value, Materialized<K, Double> m) {
        return aggregation("AVERAGE", averageSpec(value, m), m.storeName());
    }

    AggSpec<K, V, Average, Double> averageSpec(ToDoubleFunction<? super V> value, Materialized<K, Double> m) {
        return new AggSpec<>(() -> Average.ZERO, (k, v, a) -> a.add(value.applyAsDouble(v)), (k, a, b) -> a.merge(b),
                Average::value, keySerde(m), Optional.of(Average.SERDE));
    }

    @Override
    public KTable<K, List<V>> topN(int n, Comparator<? super V> order, Materialized<K, List<V>> m) {
        if (n < 1) {
            throw new IllegalArgumentException("topN needs n >= 1");
        }
        Aggregator<K, V, List<V>> agg = (k, v, list) -> {
            List<V> out = new ArrayList<>(list);
            out.add(v);
            out.sort(order.reversed());
            return List.copyOf(out.size() > n ? out.subList(0, n) : out);
        };
        return aggregation("TOPN", spec(List::of, agg, (k, a, b) -> {
            List<V> out = new ArrayList<>(a);
            out.addAll(b);
            out.sort(order.reversed());
            return List.copyOf(out.size() > n ? out.subList(0, n) : out);
        }, m), m.storeName());
    }

    @Override
    public <T> KTable<K, Long> distinctCount(Function<? super V, ? extends T> attribute, Materialized<K, Long> m) {
        Aggregator<K, V, Distinct> agg = (k, v, d) -> d.with(String.valueOf(attribute.apply(v)));
        AggSpec<K, V, Distinct, Long> spec = new AggSpec<>(() -> Distinct.EMPTY, agg, (k, a, b) -> a.merge(b),
                Distinct::size, keySerde(m), Optional.of(Distinct.SERDE));
        return aggregation("DISTINCT", spec, m.storeName());
    }

    @Override
    public WindowedKStream<K, V> windowedBy(Windows windows) {
        return new WindowedKStreamImpl<>(this, windows, io.tributary.streams.Emit.ON_EVERY_UPDATE);
    }
}
