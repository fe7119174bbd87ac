package io.tributary.streams.internal;

import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Table–table joins. A change on either side looks up the other side's current value and emits
 * the change of the result: its new value (null when the join kind no longer has one, e.g. an
 * inner join after either side's key was deleted: a delete) and its old one (computed from the
 * changed side's old value). The result is not stored: lookups and queries compute it from both
 * sides' stores, so it needs no state (and no serde) of its own.
 */
final class TableJoin {
    private TableJoin() {
    }

    static <K, V1, V2, R> KTableImpl<K, R> build(KTableImpl<K, V1> left, KTableImpl<K, V2> right, boolean leftOuter,
                                                 boolean rightOuter, BiFunction<Optional<V1>, Optional<V2>, ? extends R> joiner) {
        Graph graph = left.graph;
        if (right.graph != graph) {
            throw new IllegalArgumentException("cannot join tables of two different StreamsBuilders");
        }
        String name = graph.claimStore(graph.newName("JOIN"));
        Node<K, Change<R>> result = new Node<>();
        boolean oldValues = left.oldValues && right.oldValues;
        BiFunction<V1, V2, R> join = (lv, rv) -> {
            boolean present = (lv != null && rv != null) || (lv != null && leftOuter) || (rv != null && rightOuter);
            return present ? joiner.apply(Optional.ofNullable(lv), Optional.ofNullable(rv)) : null;
        };
        Function<Task, Function<K, R>> lookup = task -> {
            Function<K, V1> l = left.lookup.apply(task);
            Function<K, V2> r = right.lookup.apply(task);
            return k -> join.apply(l.apply(k), r.apply(k));
        };
        Function<Task, Function<String, K>> textKey = task -> {
            Function<String, K> l = left.textKey.apply(task);
            Function<String, K> r = right.textKey.apply(task);
            return text -> {
                K k = l.apply(text);
                return k != null ? k : r.apply(text);
            };
        };
        Object registered = new Object();
        left.changes().attach(task -> {
            Processor<K, Change<R>> down = result.instantiate(task);
            register(task, registered, name, lookup, textKey);
            Function<K, V2> other = right.lookup.apply(task);
            return (k, c, ts) -> {
                V2 r = other.apply(k);
                emit(down, k, join.apply(c.newValue(), r), oldValues ? join.apply(c.oldValue(), r) : null, oldValues, ts);
            };
        });
        right.changes().attach(task -> {
            Processor<K, Change<R>> down = result.instantiate(task);
            register(task, registered, name, lookup, textKey);
            Function<K, V1> other = left.lookup.apply(task);
            return (k, c, ts) -> {
                V1 l = other.apply(k);
                emit(down, k, join.apply(l, c.newValue()), oldValues ? join.apply(l, c.oldValue()) : null, oldValues, ts);
            };
        });
        if (left.rekeyed || right.rekeyed) {
            graph.markStateAfterRekey();
        }
        return KTableImpl.derived(graph, result, oldValues, name, lookup, textKey, left.rekeyed || right.rekeyed);
    }

    private static <K, R> void emit(Processor<K, Change<R>> down, K k, R now, R before, boolean oldValues, long ts) {
        // No result before or after: nothing changed for the join (when the old result is unknown, a
        // missing result is sent on as a delete: the key may have had one).
        if (now == null && before == null && oldValues) {
            return;
        }
        down.process(k, new Change<>(now, before), ts);
    }

    private static <K, R> void register(Task task, Object key, String name, Function<Task, Function<K, R>> lookup,
                                        Function<Task, Function<String, K>> textKey) {
        task.instance(key, () -> {
            Function<K, R> f = lookup.apply(task);
            Function<String, K> keys = textKey.apply(task);
            task.registerQueryable(name, new Queryable() {
                @Override
                @SuppressWarnings("unchecked")
                public Optional<Object> query(Object k) {
                    return Optional.ofNullable(f.apply((K) k));
                }

                @Override
                public Optional<Object> queryByText(String keyText) {
                    K k = keys.apply(keyText);
                    return k == null ? Optional.empty() : Optional.ofNullable(f.apply(k));
                }
            });
            return Boolean.TRUE;
        });
    }
}
