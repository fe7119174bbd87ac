package io.tributary.streams.internal;

import io.tributary.streams.Grouped;
import io.tributary.streams.JoinWindows;
import io.tributary.streams.KGroupedStream;
import io.tributary.streams.KStream;
import io.tributary.streams.KTable;
import io.tributary.streams.KeyValue;
import io.tributary.streams.Materialized;
import io.tributary.streams.Pattern;
import io.tributary.streams.Produced;
import io.tributary.streams.StreamJoined;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;
import java.util.function.Function;

/** The DSL's stream: each operation attaches an operator to this node and returns the node after it. */
public final class KStreamImpl<K, V> implements KStream<K, V> {
    final Graph graph;
    final Node<K, V> node;
    /**
     * Whether the key may differ from the key the records were routed by in a partitioned run: the
     * stream was re-keyed after a stateful operator (then a stateful operator cannot read it there).
     * A re-key before any state does not count: the router routes by the new key.
     */
    final boolean rekeyed;
    /** Whether records of this stream may come out of a stateful operator (processed in a partition, not the router). */
    final boolean stateful;

    /** A stream of the records leaving {@code node}, keyed as its source. */
    public KStreamImpl(Graph graph, Node<K, V> node) {
        this(graph, node, false, false);
    }

    /** A stream of the records leaving a stateful operator's {@code node}. */
    KStreamImpl(Graph graph, Node<K, V> node, boolean rekeyed) {
        this(graph, node, rekeyed, true);
    }

    private KStreamImpl(Graph graph, Node<K, V> node, boolean rekeyed, boolean stateful) {
        this.graph = graph;
        this.node = node;
        this.rekeyed = rekeyed;
        this.stateful = stateful;
    }

    /** Attaches a stateless operator built from its downstream processor; the key stays as it is. */
    <K2, V2> KStreamImpl<K2, V2> then(Function<Processor<K2, V2>, Processor<K, V>> operator) {
        return then(operator, false);
    }

    /** Attaches a stateless operator; {@code changesKey}: the result's key may differ from this stream's. */
    <K2, V2> KStreamImpl<K2, V2> then(Function<Processor<K2, V2>, Processor<K, V>> operator, boolean changesKey) {
        Node<K2, V2> child = new Node<>();
        node.attach(task -> operator.apply(child.instantiate(task)));
        return new KStreamImpl<>(graph, child, rekeyed || (changesKey && stateful), stateful);
    }

    /**
     * Attaches a stateful operator or a sink behind a boundary, where a partitioned run routes the
     * records to the partition of their key (see {@link Graph#attachBehindBoundary}).
     */
    void attachStateful(Function<Task, Processor<K, V>> factory) {
        if (rekeyed) {
            graph.markStateAfterRekey();
        }
        graph.attachBehindBoundary(node, factory);
    }

    /**
     * This stream behind a repartition boundary (see {@link Graph#attachRepartition}): in a partitioned
     * run its records reach the partition of their key through the log, so a stateful operator may read it.
     */
    KStreamImpl<K, V> repartitioned(io.tributary.streams.Serde<K> keys, io.tributary.streams.Serde<V> values) {
        return new KStreamImpl<>(graph, graph.attachRepartition(node, keys, values), false, true);
    }

    @Override
    public KStream<K, V> filter(BiPredicate<? super K, ? super V> predicate) {
        Objects.requireNonNull(predicate, "predicate");
        return this.<K, V>then(down -> (k, v, ts) -> {
            if (predicate.test(k, v)) {
                down.process(k, v, ts);
            }
        });
    }

    @Override
    public KStream<K, V> filterNot(BiPredicate<? super K, ? super V> predicate) {
        Objects.requireNonNull(predicate, "predicate");
        return filter((k, v) -> !predicate.test(k, v));
    }

    @Override
    public <K2, V2> KStream<K2, V2> map(BiFunction<? super K, ? super V, KeyValue<K2, V2>> mapper) {
        Objects.requireNonNull(mapper, "mapper");
        return this.<K2, V2>then(down -> (k, v, ts) -> {
            KeyValue<K2, V2> kv = mapper.apply(k, v);
            down.process(kv.key(), kv.value(), ts);
        }, true);
    }

    @Override
    public <V2> KStream<K, V2> mapValues(Function<? super V, ? extends V2> mapper) {
        Objects.requireNonNull(mapper, "mapper");
        return this.<K, V2>then(down -> (k, v, ts) -> down.process(k, Objects.requireNonNull(mapper.apply(v), "mapValues returned null"), ts));
    }

    @Override
    public <K2, V2> KStream<K2, V2> flatMap(BiFunction<? super K, ? super V, ? extends Iterable<KeyValue<K2, V2>>> mapper) {
        Objects.requireNonNull(mapper, "mapper");
        return this.<K2, V2>then(down -> (k, v, ts) -> {
            for (KeyValue<K2, V2> kv : mapper.apply(k, v)) {
                down.process(kv.key(), kv.value(), ts);
            }
        }, true);
    }

    @Override
    public <V2> KStream<K, V2> flatMapValues(Function<? super V, ? extends Iterable<? extends V2>> mapper) {
        Objects.requireNonNull(mapper, "mapper");
        return this.<K, V2>then(down -> (k, v, ts) -> {
            for (V2 v2 : mapper.apply(v)) {
                down.process(k, v2, ts);
            }
        });
    }

    @Override
    public <K2> KStream<K2, V> selectKey(BiFunction<? super K, ? super V, ? extends K2> mapper) {
        Objects.requireNonNull(mapper, "mapper");
        return this.<K2, V>then(down -> (k, v, ts) -> down.process(Objects.requireNonNull(mapper.apply(k, v), "selectKey returned null"), v, ts), true);
    }

    @Override
    public KStream<K, V> peek(BiConsumer<? super K, ? super V> action) {
        Objects.requireNonNull(action, "action");
        return this.<K, V>then(down -> (k, v, ts) -> {
            action.accept(k, v);
            down.process(k, v, ts);
        });
    }

    @Override
    public List<KStream<K, V>> branch(List<BiPredicate<? super K, ? super V>> predicates) {
        List<BiPredicate<? super K, ? super V>> preds = List.copyOf(predicates);
        List<Node<K, V>> children = new ArrayList<>();
        List<KStream<K, V>> out = new ArrayList<>();
        for (int i = 0; i < preds.size(); i++) {
            Node<K, V> child = new Node<>();
            children.add(child);
            out.add(new KStreamImpl<>(graph, child, rekeyed, stateful));
        }
        node.attach(task -> {
            List<Processor<K, V>> downs = new ArrayList<>();
            for (Node<K, V> c : children) {
                downs.add(c.instantiate(task));
            }
            return (k, v, ts) -> {
                for (int i = 0; i < preds.size(); i++) {
                    if (preds.get(i).test(k, v)) {
                        downs.get(i).process(k, v, ts);
                        return;
                    }
                }
            };
        });
        return out;
    }

    @Override
    public KStream<K, V> merge(KStream<K, V> other) {
        KStreamImpl<K, V> o = (KStreamImpl<K, V>) other;
        Node<K, V> child = new Node<>();
        node.attach(child::instantiate);
        o.node.attach(child::instantiate);
        return new KStreamImpl<>(graph, child, rekeyed || o.rekeyed, stateful || o.stateful);
    }

    @Override
    public KGroupedStream<K, V> groupByKey() {
        return groupByKey(Grouped.defaults());
    }

    @Override
    public KGroupedStream<K, V> groupByKey(Grouped<K, V> grouped) {
        return new KGroupedStreamImpl<>(this, grouped);
    }

    @Override
    public <K2> KGroupedStream<K2, V> groupBy(BiFunction<? super K, ? super V, ? extends K2> selector) {
        return groupBy(selector, Grouped.defaults());
    }

    @Override
    public <K2> KGroupedStream<K2, V> groupBy(BiFunction<? super K, ? super V, ? extends K2> selector, Grouped<K2, V> grouped) {
        KStreamImpl<K2, V> rekeyed = (KStreamImpl<K2, V>) this.<K2>selectKey(selector);
        return new KGroupedStreamImpl<>(rekeyed, grouped);
    }

    @Override
    public KTable<K, V> toTable(Materialized<K, V> materialized) {
        TableStore<K, V> store = new TableStore<>(graph.claimStore(materialized.storeName().orElseGet(() -> graph.newName("TABLE"))),
                materialized.keySerde(), materialized.valueSerde());
        Node<K, Change<V>> changeNode = new Node<>();
        KStreamImpl<K, V> upserts = this.<K, V>thenWithTask((task, down) -> {
            KvStore<K, V> s = store.in(task);
            Processor<K, Change<V>> changes = changeNode.instantiate(task);
            boolean withChanges = !changeNode.isEmpty(); // only table operators need the old value
            return (k, v, ts) -> {
                if (k == null) {
                    throw new IllegalArgumentException("table '" + store.name() + "' got a record with a null key (value "
                            + v + "): a table needs a key for every record; check the source's key function");
                }
                V old = withChanges ? s.get(k) : null;
                s.put(k, v);
                down.process(k, v, ts);
                if (withChanges) {
                    changes.process(k, new Change<>(v, old), ts);
                }
            };
        });
        return new KTableImpl<>(graph, upserts.node, changeNode, true, store.name(), task -> store.in(task)::get,
                store::textKeys, rekeyed);
    }

    /** Attaches an operator that needs the task (state, watermark, outputs). */
    <K2, V2> KStreamImpl<K2, V2> thenWithTask(BiFunction<Task, Processor<K2, V2>, Processor<K, V>> operator) {
        Node<K2, V2> child = new Node<>();
        attachStateful(task -> operator.apply(task, child.instantiate(task)));
        return new KStreamImpl<>(graph, child, rekeyed, true);
    }

    @Override
    public void to(Produced<K, V> produced) {
        Objects.requireNonNull(produced, "produced");
        // Behind a boundary: a partitioned run's router emits nothing; the partition of the key does.
        graph.attachBehindBoundary(node, task -> (k, v, ts) -> task.emit(produced.stream().apply(k, v), produced.eventType().apply(k, v),
                produced.serializer().apply(k, v)));
    }

    @Override
    public <V2, R> KStream<K, R> join(KStream<K, V2> other, BiFunction<? super V, ? super V2, ? extends R> joiner, JoinWindows windows) {
        return join(other, joiner, windows, StreamJoined.defaults());
    }

    @Override
    public <V2, R> KStream<K, R> join(KStream<K, V2> other, BiFunction<? super V, ? super V2, ? extends R> joiner, JoinWindows windows,
                                      StreamJoined<K, V, V2> joined) {
        return StreamJoin.build(this, (KStreamImpl<K, V2>) other, windows, false, false,
                (l, r) -> joiner.apply(l.orElseThrow(), r.orElseThrow()), joined);
    }

    @Override
    public <V2, R> KStream<K, R> leftJoin(KStream<K, V2> other, BiFunction<? super V, Optional<V2>, ? extends R> joiner, JoinWindows windows) {
        return leftJoin(other, joiner, windows, StreamJoined.defaults());
    }

    @Override
    public <V2, R> KStream<K, R> leftJoin(KStream<K, V2> other, BiFunction<? super V, Optional<V2>, ? extends R> joiner, JoinWindows windows,
                                          StreamJoined<K, V, V2> joined) {
        return StreamJoin.build(this, (KStreamImpl<K, V2>) other, windows, true, false,
                (l, r) -> joiner.apply(l.orElseThrow(), r), joined);
    }

    @Override
    public <V2, R> KStream<K, R> outerJoin(KStream<K, V2> other, BiFunction<Optional<V>, Optional<V2>, ? extends R> joiner, JoinWindows windows) {
        return outerJoin(other, joiner, windows, StreamJoined.defaults());
    }

    @Override
    public <V2, R> KStream<K, R> outerJoin(KStream<K, V2> other, BiFunction<Optional<V>, Optional<V2>, ? extends R> joiner, JoinWindows windows,
                                           StreamJoined<K, V, V2> joined) {
        return StreamJoin.build(this, (KStreamImpl<K, V2>) other, windows, true, true, joiner, joined);
    }

    @Override
    public <VT, R> KStream<K, R> join(KTable<K, VT> table, BiFunction<? super V, ? super VT, ? extends R> joiner) {
        KTableImpl<K, VT> t = (KTableImpl<K, VT>) table;
        if (t.rekeyed) {
            graph.markStateAfterRekey();
        }
        return this.<K, R>thenWithTask((task, down) -> {
            Function<K, VT> lookup = t.lookup.apply(task);
            return (k, v, ts) -> {
                VT tv = lookup.apply(k);
                if (tv != null) {
                    down.process(k, joiner.apply(v, tv), ts);
                }
            };
        });
    }

    @Override
    public <VT, R> KStream<K, R> leftJoin(KTable<K, VT> table, BiFunction<? super V, Optional<VT>, ? extends R> joiner) {
        KTableImpl<K, VT> t = (KTableImpl<K, VT>) table;
        if (t.rekeyed) {
            graph.markStateAfterRekey();
        }
        return this.<K, R>thenWithTask((task, down) -> {
            Function<K, VT> lookup = t.lookup.apply(task);
            return (k, v, ts) -> down.process(k, joiner.apply(v, Optional.ofNullable(lookup.apply(k))), ts);
        });
    }

    @Override
    public KStream<K, List<V>> detect(Pattern<V> pattern) {
        return detect(pattern, Materialized.defaults());
    }

    @Override
    public KStream<K, List<V>> detect(Pattern<V> pattern, Materialized<K, V> materialized) {
        Objects.requireNonNull(pattern, "pattern");
        String name = graph.claimStore(materialized.storeName().orElseGet(() -> graph.newName("PATTERN")));
        return this.<K, List<V>>thenWithTask((task, down) -> new PatternOp<>(task, name, pattern, materialized, down));
    }
}
