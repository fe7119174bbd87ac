package io.tributary.streams.internal;

import io.tributary.streams.Grouped;
import io.tributary.streams.KGroupedTable;
import io.tributary.streams.KStream;
import io.tributary.streams.KTable;
import io.tributary.streams.KeyValue;
import io.tributary.streams.Windowed;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;
import java.util.function.Function;

/**
 * The DSL's table: the node carrying its changes (new and old value of a key; a null new value is
 * a delete), optionally a faster node of its upserts alone ({@link #toStream()} reads it), and a
 * lookup of the current value by key in a task.
 */
public final class KTableImpl<K, V> implements KTable<K, V> {
    final Graph graph;
    final String storeName;
    final Function<Task, Function<K, V>> lookup;
    /** The key whose text form is given, or null (queries by text). */
    final Function<Task, Function<String, K>> textKey;
    final boolean rekeyed;
    /** Whether changes carry the old value (false: only the new one is known; deletes then carry no old value either). */
    final boolean oldValues;
    /** The upserts (new values only, no deletes), or null when they are read from {@link #changes}. */
    private final Node<K, V> upserts;
    /** The changes; built on demand from {@link #upserts} for tables that emit only upserts. */
    private Node<K, Change<V>> changes;
    /** Whether keys are {@code Windowed} and the store answers queries with a map of windows. */
    boolean windowed;

    /** A table that emits only upserts (windowed aggregations): its changes know no old value. */
    KTableImpl(Graph graph, Node<K, V> upserts, String storeName, boolean rekeyed, Function<Task, Function<K, V>> lookup) {
        this(graph, upserts, null, false, storeName, lookup, task -> text -> null, rekeyed);
        this.windowed = true;
    }

    KTableImpl(Graph graph, Node<K, V> upserts, Node<K, Change<V>> changes, boolean oldValues, String storeName,
               Function<Task, Function<K, V>> lookup, Function<Task, Function<String, K>> textKey, boolean rekeyed) {
        if (upserts == null && changes == null) {
            throw new IllegalArgumentException("a table needs a node of upserts or of changes");
        }
        this.graph = graph;
        this.upserts = upserts;
        this.changes = changes;
        this.oldValues = oldValues;
        this.storeName = storeName;
        this.lookup = lookup;
        this.textKey = textKey;
        this.rekeyed = rekeyed;
    }

    /** A table derived from others: only a node of changes. */
    static <K, V> KTableImpl<K, V> derived(Graph graph, Node<K, Change<V>> changes, boolean oldValues, String storeName,
                                           Function<Task, Function<K, V>> lookup, Function<Task, Function<String, K>> textKey,
                                           boolean rekeyed) {
        return new KTableImpl<>(graph, null, changes, oldValues, storeName, lookup, textKey, rekeyed);
    }

    /** The node of this table's changes. */
    Node<K, Change<V>> changes() {
        if (changes == null) {
            Node<K, Change<V>> node = new Node<>();
            upserts.attach(task -> {
                Processor<K, Change<V>> down = node.instantiate(task);
                return (k, v, ts) -> down.process(k, new Change<>(v, null), ts);
            });
            changes = node;
        }
        return changes;
    }

    @Override
    public String storeName() {
        return storeName;
    }

    @Override
    public KStream<K, V> toStream() {
        if (upserts != null) {
            return new KStreamImpl<>(graph, upserts, rekeyed);
        }
        Node<K, V> node = new Node<>();
        changes().attach(task -> {
            Processor<K, V> down = node.instantiate(task);
            return (k, c, ts) -> {
                if (c.newValue() != null) {
                    down.process(k, c.newValue(), ts);
                }
            };
        });
        return new KStreamImpl<>(graph, node, rekeyed);
    }

    @Override
    public KStream<K, Optional<V>> toChangelog() {
        Node<K, Optional<V>> node = new Node<>();
        changes().attach(task -> {
            Processor<K, Optional<V>> down = node.instantiate(task);
            return (k, c, ts) -> down.process(k, Optional.ofNullable(c.newValue()), ts);
        });
        return new KStreamImpl<>(graph, node, rekeyed);
    }

    @Override
    public <V2> KTable<K, V2> mapValues(Function<? super V, ? extends V2> mapper) {
        Objects.requireNonNull(mapper, "mapper");
        String name = graph.claimStore(graph.newName("MAPPED"));
        Function<V, V2> map = v -> v == null ? null : Objects.requireNonNull(mapper.apply(v), "KTable.mapValues returned null");
        Node<K, Change<V2>> child = new Node<>();
        Function<Task, Function<K, V2>> mappedLookup = task -> {
            Function<K, V> parent = lookup.apply(task);
            return k -> map.apply(parent.apply(k));
        };
        Object registered = new Object();
        changes().attach(task -> {
            Processor<K, Change<V2>> down = child.instantiate(task);
            task.instance(registered, () -> {
                registerView(task, name, (k, v) -> map.apply(v));
                return Boolean.TRUE;
            });
            return (k, c, ts) -> down.process(k, new Change<>(map.apply(c.newValue()), oldValues ? map.apply(c.oldValue()) : null), ts);
        });
        KTableImpl<K, V2> mapped = derived(graph, child, oldValues, name, mappedLookup, textKey, rekeyed);
        mapped.windowed = windowed;
        return mapped;
    }

    @Override
    public KTable<K, V> filter(BiPredicate<? super K, ? super V> predicate) {
        Objects.requireNonNull(predicate, "predicate");
        String name = graph.claimStore(graph.newName("FILTERED"));
        Node<K, Change<V>> child = new Node<>();
        Function<Task, Function<K, V>> filteredLookup = task -> {
            Function<K, V> parent = lookup.apply(task);
            return k -> {
                V v = parent.apply(k);
                return v != null && predicate.test(k, v) ? v : null;
            };
        };
        Object registered = new Object();
        changes().attach(task -> {
            Processor<K, Change<V>> down = child.instantiate(task);
            task.instance(registered, () -> {
                registerView(task, name, (k, v) -> {
                    @SuppressWarnings("unchecked")
                    K key = (K) k;
                    return predicate.test(key, v) ? v : null;
                });
                return Boolean.TRUE;
            });
            return (k, c, ts) -> {
                V n = c.newValue() != null && predicate.test(k, c.newValue()) ? c.newValue() : null;
                V o = c.oldValue() != null && predicate.test(k, c.oldValue()) ? c.oldValue() : null;
                // With old values known, a key that neither matched before nor matches now changes nothing
                // downstream; without them a non-match must be sent on as a delete (it may have matched).
                if (n == null && o == null && oldValues) {
                    return;
                }
                down.process(k, new Change<>(n, o), ts);
            };
        });
        KTableImpl<K, V> filtered = derived(graph, child, oldValues, name, filteredLookup, textKey, rekeyed);
        filtered.windowed = windowed;
        return filtered;
    }

    @Override
    public KTable<K, V> filterNot(BiPredicate<? super K, ? super V> predicate) {
        Objects.requireNonNull(predicate, "predicate");
        return filter((k, v) -> !predicate.test(k, v));
    }

    /**
     * Queries of a derived view read this table's store and apply {@code view(key, value)} (to each
     * window's value for windowed tables); a null result is no value.
     */
    private <V2> void registerView(Task task, String name, BiFunction<Object, V, V2> view) {
        Function<String, K> keys = textKey.apply(task);
        task.registerQueryable(name, new Queryable() {
            @Override
            public Optional<Object> query(Object key) {
                return task.query(storeName, key).flatMap(v -> map(key, v));
            }

            @Override
            public Optional<Object> queryByText(String keyText) {
                K key = keys.apply(keyText);
                if (key != null) {
                    return query(key);
                }
                // Windowed tables: the store answers by the record key's text form.
                return task.queryByText(storeName, keyText).flatMap(v -> windowed ? map(keyText, v) : Optional.empty());
            }

            @SuppressWarnings("unchecked")
            private Optional<Object> map(Object key, Object value) {
                if (windowed && value instanceof SortedMap<?, ?> windows) {
                    SortedMap<Object, Object> out = new TreeMap<>();
                    windows.forEach((w, v) -> {
                        V2 mapped = view.apply(new Windowed<>(key, (io.tributary.streams.Window) w), (V) v);
                        if (mapped != null) {
                            out.put(w, mapped);
                        }
                    });
                    return out.isEmpty() ? Optional.empty() : Optional.of(out);
                }
                return Optional.ofNullable(view.apply(key, (V) value));
            }
        });
    }

    @Override
    public <K2, V2> KGroupedTable<K2, V2> groupBy(BiFunction<? super K, ? super V, KeyValue<K2, V2>> selector) {
        return groupBy(selector, Grouped.defaults());
    }

    @Override
    public <K2, V2> KGroupedTable<K2, V2> groupBy(BiFunction<? super K, ? super V, KeyValue<K2, V2>> selector,
                                                  Grouped<K2, V2> grouped) {
        Objects.requireNonNull(selector, "selector");
        Objects.requireNonNull(grouped, "grouped");
        if (!oldValues) {
            throw new IllegalStateException("table '" + storeName + "' cannot be grouped: its changes do not carry the old"
                    + " value a regrouping must subtract (windowed aggregation results); group the stream before windowing instead");
        }
        return new KGroupedTableImpl<>(this, selector, grouped);
    }

    @Override
    public <V2, R> KTable<K, R> join(KTable<K, V2> other, BiFunction<? super V, ? super V2, ? extends R> joiner) {
        Objects.requireNonNull(joiner, "joiner");
        return TableJoin.build(this, (KTableImpl<K, V2>) other, false, false,
                (l, r) -> joiner.apply(l.orElseThrow(), r.orElseThrow()));
    }

    @Override
    public <V2, R> KTable<K, R> leftJoin(KTable<K, V2> other, BiFunction<? super V, Optional<V2>, ? extends R> joiner) {
        Objects.requireNonNull(joiner, "joiner");
        return TableJoin.build(this, (KTableImpl<K, V2>) other, true, false, (l, r) -> joiner.apply(l.orElseThrow(), r));
    }

    @Override
    public <V2, R> KTable<K, R> outerJoin(KTable<K, V2> other, BiFunction<Optional<V>, Optional<V2>, ? extends R> joiner) {
        Objects.requireNonNull(joiner, "joiner");
        return TableJoin.build(this, (KTableImpl<K, V2>) other, true, true, joiner);
    }
}
