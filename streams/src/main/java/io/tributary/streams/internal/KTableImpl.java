package io.tributary.streams.internal;

import io.tributary.streams.KStream;
import io.tributary.streams.KTable;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The DSL's table: a node carrying its changes (every new value of a key) and a lookup of the
 * current value by key in a task.
 */
public final class KTableImpl<K, V> implements KTable<K, V> {
    final Graph graph;
    final Node<K, V> changes;
    final String storeName;
    final Function<Task, Function<K, V>> lookup;
    final boolean rekeyed;

    KTableImpl(Graph graph, Node<K, V> changes, String storeName, boolean rekeyed, Function<Task, Function<K, V>> lookup) {
        this(graph, changes, storeName, lookup, rekeyed);
    }

    KTableImpl(Graph graph, Node<K, V> changes, String storeName, Function<Task, Function<K, V>> lookup, boolean rekeyed) {
        this.graph = graph;
        this.changes = changes;
        this.storeName = storeName;
        this.lookup = lookup;
        this.rekeyed = rekeyed;
    }

    @Override
    public String storeName() {
        return storeName;
    }

    @Override
    public KStream<K, V> toStream() {
        return new KStreamImpl<>(graph, changes, rekeyed);
    }

    @Override
    public <V2> KTable<K, V2> mapValues(Function<? super V, ? extends V2> mapper) {
        Objects.requireNonNull(mapper, "mapper");
        String name = graph.claimStore(graph.newName("MAPPED"));
        Node<K, V2> child = new Node<>();
        Function<Task, Function<K, V2>> mappedLookup = task -> {
            Function<K, V> parent = lookup.apply(task);
            return k -> {
                V v = parent.apply(k);
                return v == null ? null : mapper.apply(v);
            };
        };
        changes.attach(task -> {
            Processor<K, V2> down = child.instantiate(task);
            registerView(task, name, mapper);
            return (k, v, ts) -> down.process(k, mapper.apply(v), ts);
        });
        return new KTableImpl<>(graph, child, name, mappedLookup, rekeyed);
    }

    /** Queries of a mapped table read the parent's store and map the value (or each window's value). */
    private <V2> void registerView(Task task, String name, Function<? super V, ? extends V2> mapper) {
        task.registerQueryable(name, new Queryable() {
            @Override
            public Optional<Object> query(Object key) {
                return task.query(storeName, key).map(this::map);
            }

            @Override
            public Optional<Object> queryByText(String keyText) {
                return task.queryByText(storeName, keyText).map(this::map);
            }

            @SuppressWarnings("unchecked")
            private Object map(Object value) {
                if (value instanceof SortedMap<?, ?> windows) {
                    SortedMap<Object, Object> out = new TreeMap<>();
                    windows.forEach((w, v) -> out.put(w, mapper.apply((V) v)));
                    return out;
                }
                return mapper.apply((V) value);
            }
        });
    }

    @Override
    public <V2, R> KTable<K, R> join(KTable<K, V2> other, BiFunction<? super V, ? super V2, ? extends R> joiner) {
        return TableJoin.build(this, (KTableImpl<K, V2>) other, false, false,
                (l, r) -> joiner.apply(l.orElseThrow(), r.orElseThrow()));
    }

    @Override
    public <V2, R> KTable<K, R> leftJoin(KTable<K, V2> other, BiFunction<? super V, Optional<V2>, ? extends R> joiner) {
        return TableJoin.build(this, (KTableImpl<K, V2>) other, true, false, (l, r) -> joiner.apply(l.orElseThrow(), r));
    }

    @Override
    public <V2, R> KTable<K, R> outerJoin(KTable<K, V2> other, BiFunction<Optional<V>, Optional<V2>, ? extends R> joiner) {
        return TableJoin.build(this, (KTableImpl<K, V2>) other, true, true, joiner);
    }
}
