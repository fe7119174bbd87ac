package io.tributary.streams.internal;

import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Table–table joins. A change on either side looks up the other side's current value and, when
 * the join kind allows, emits the new result. The result is not stored: lookups and queries
 * compute it from both sides' stores, so it needs no state (and no serde) of its own.
 */
final class TableJoin {
    private TableJoin() {
    }

    static <K, V1, V2, R> KTableImpl<K, R> build(KTableImpl<K, V1> left, KTableImpl<K, V2> right, boolean leftOuter,
                                                 boolean rightOuter, BiFunction<Optional<V1>, Optional<V2>, ? extends R> joiner) {
        Graph graph = left.graph;
        String name = graph.claimStore(graph.newName("JOIN"));
        Node<K, R> result = new Node<>();
        Function<Task, Function<K, R>> lookup = task -> {
            Function<K, V1> l = left.lookup.apply(task);
            Function<K, V2> r = right.lookup.apply(task);
            return k -> {
                V1 lv = l.apply(k);
                V2 rv = r.apply(k);
                boolean present = (lv != null && rv != null) || (lv != null && leftOuter) || (rv != null && rightOuter);
                return present ? joiner.apply(Optional.ofNullable(lv), Optional.ofNullable(rv)) : null;
            };
        };
        Object registered = new Object();
        left.changes.attach(task -> {
            Processor<K, R> down = result.instantiate(task);
            register(task, registered, name, lookup);
            Function<K, V2> other = right.lookup.apply(task);
            return (k, v, ts) -> {
                V2 r = other.apply(k);
                if (r != null || leftOuter) {
                    down.process(k, joiner.apply(Optional.of(v), Optional.ofNullable(r)), ts);
                }
            };
        });
        right.changes.attach(task -> {
            Processor<K, R> down = result.instantiate(task);
            register(task, registered, name, lookup);
            Function<K, V1> other = left.lookup.apply(task);
            return (k, v, ts) -> {
                V1 l = other.apply(k);
                if (l != null || rightOuter) {
                    down.process(k, joiner.apply(Optional.ofNullable(l), Optional.of(v)), ts);
                }
            };
        });
        if (left.rekeyed || right.rekeyed) {
            graph.markStateAfterRekey();
        }
        return new KTableImpl<>(graph, result, name, lookup, left.rekeyed || right.rekeyed);
    }

    private static <K, R> void register(Task task, Object key, String name, Function<Task, Function<K, R>> lookup) {
        task.instance(key, () -> {
            Function<K, R> f = lookup.apply(task);
            task.registerQueryable(name, new Queryable() {
                @Override
                @SuppressWarnings("unchecked")
                public Optional<Object> query(Object k) {
                    return Optional.ofNullable(f.apply((K) k));
                }

                @Override
                public Optional<Object> queryByText(String keyText) {
                    return Optional.empty();
                }
            });
            return Boolean.TRUE;
        });
    }
}
