package io.tributary.streams.internal;

import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Table–table joins. A change on either side looks up the other side's current value and, when
 * the join kind allows, updates the result table (its own store) and emits the new result.
 */
final class TableJoin {
    private TableJoin() {
    }

    static <K, V1, V2, R> KTableImpl<K, R> build(KTableImpl<K, V1> left, KTableImpl<K, V2> right, boolean leftOuter,
                                                 boolean rightOuter, BiFunction<Optional<V1>, Optional<V2>, ? extends R> joiner) {
        Graph graph = left.graph;
        TableStore<K, R> store = new TableStore<>(graph.claimStore(graph.newName("JOIN")), Optional.empty(), Optional.empty());
        Node<K, R> result = new Node<>();
        left.changes.attach(task -> {
            Processor<K, R> down = result.instantiate(task);
            KvStore<K, R> s = store.in(task);
            Function<K, V2> other = right.lookup.apply(task);
            return (k, v, ts) -> {
                V2 r = other.apply(k);
                if (r != null || leftOuter) {
                    R out = joiner.apply(Optional.of(v), Optional.ofNullable(r));
                    s.put(k, out);
                    down.process(k, out, ts);
                }
            };
        });
        right.changes.attach(task -> {
            Processor<K, R> down = result.instantiate(task);
            KvStore<K, R> s = store.in(task);
            Function<K, V1> other = left.lookup.apply(task);
            return (k, v, ts) -> {
                V1 l = other.apply(k);
                if (l != null || rightOuter) {
                    R out = joiner.apply(Optional.ofNullable(l), Optional.of(v));
                    s.put(k, out);
                    down.process(k, out, ts);
                }
            };
        });
        return new KTableImpl<>(graph, result, store.name(), task -> store.in(task)::get);
    }
}
