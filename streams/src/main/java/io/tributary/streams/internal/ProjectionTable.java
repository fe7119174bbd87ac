package io.tributary.streams.internal;

import io.tributary.streams.KTable;
import io.tributary.streams.Materialized;
import io.tributary.streams.TableProjection;
import io.tributary.streams.TableUpdates;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A table folded from a stream by a {@link TableProjection}: the projection's upserts and deletes
 * change the store and flow downstream (upserts to {@code toStream()}, every change with its old
 * value to the table operators). The projection chooses the keys, so the table counts as re-keyed
 * (a partitioned run refuses it: a key's updates may come from events of any partition).
 */
public final class ProjectionTable {
    private ProjectionTable() {
    }

    /** The table {@code projection} folds from {@code source}'s records. */
    public static <E, K, V> KTable<K, V> build(KStreamImpl<?, E> source, TableProjection<? super E, K, V> projection,
                                               Materialized<K, V> materialized) {
        return build(source, projection, materialized, null);
    }

    /**
     * As {@link #build(KStreamImpl, TableProjection, Materialized)} for a projection that changes only
     * the key of its event's record, except for the events {@code toEvery} matches, which may change any
     * key (a CDC table: a row's change event carries the row's key; a truncate deletes every row). Such
     * a table runs partitioned: behind a boundary, the event goes to the partition of its key, the
     * events {@code toEvery} matches to every partition (each changes the keys it holds).
     */
    public static <E, K, V> KTable<K, V> build(KStreamImpl<?, E> source, TableProjection<? super E, K, V> projection,
                                               Materialized<K, V> materialized, Predicate<? super E> toEvery) {
        Objects.requireNonNull(projection, "projection");
        Objects.requireNonNull(materialized, "materialized");
        Graph graph = source.graph;
        TableStore<K, V> store = new TableStore<>(graph.claimStore(materialized.storeName().orElseGet(() -> graph.newName("PROJECTION"))),
                materialized.keySerde(), materialized.valueSerde());
        boolean keyed = toEvery != null;
        if (!keyed) {
            graph.markStateAfterRekey("a table is folded from events by a projection (StreamsBuilder.table with a"
                    + " TableProjection): its keys are not the events' keys, and its updates are not repartitioned");
        }
        Node<K, V> upserts = new Node<>();
        Node<K, Change<V>> changes = new Node<>();
        attach(source, store, projection, upserts, changes, toEvery);
        return new KTableImpl<>(graph, upserts, changes, true, store.name(), task -> store.in(task)::get, store::textKeys, !keyed);
    }

    private static <KS, E, K, V> void attach(KStreamImpl<KS, E> source, TableStore<K, V> store,
                                             TableProjection<? super E, K, V> projection, Node<K, V> upserts, Node<K, Change<V>> changes,
                                             Predicate<? super E> toEvery) {
        Function<Task, Processor<KS, E>> factory = task -> {
            Updates<K, V> updates = new Updates<>(store.name(), store.in(task), upserts.instantiate(task),
                    changes.instantiate(task), !changes.isEmpty());
            return (k, e, ts) -> {
                updates.timestampMs = ts;
                projection.apply(e, updates);
            };
        };
        if (toEvery == null) {
            source.node.attach(factory);
        } else {
            source.graph.attachBehindBoundary(source.node, factory, toEvery);
        }
    }

    /** The updates of one task's table; {@link #timestampMs} is the current event's time. */
    private static final class Updates<K, V> implements TableUpdates<K, V> {
        private final String name;
        private final KvStore<K, V> store;
        private final Processor<K, V> upserts;
        private final Processor<K, Change<V>> changes;
        private final boolean withChanges;
        long timestampMs;

        Updates(String name, KvStore<K, V> store, Processor<K, V> upserts, Processor<K, Change<V>> changes, boolean withChanges) {
            this.name = name;
            this.store = store;
            this.upserts = upserts;
            this.changes = changes;
            this.withChanges = withChanges;
        }

        @Override
        public Optional<V> get(K key) {
            return key == null ? Optional.empty() : Optional.ofNullable(store.get(key));
        }

        @Override
        public void upsert(K key, V value) {
            if (key == null) {
                throw new IllegalArgumentException("table '" + name + "': upsert with a null key (value " + value
                        + "); every row of a table needs a key");
            }
            if (value == null) {
                throw new IllegalArgumentException("table '" + name + "': upsert of key '" + key
                        + "' with a null value; to remove a key call delete(key)");
            }
            V old = withChanges ? store.get(key) : null;
            store.put(key, value);
            upserts.process(key, value, timestampMs);
            if (withChanges) {
                changes.process(key, new Change<>(value, old), timestampMs);
            }
        }

        @Override
        public void delete(K key) {
            if (key == null) {
                throw new IllegalArgumentException("table '" + name + "': delete with a null key");
            }
            V old = store.get(key);
            if (old == null) {
                return;
            }
            store.delete(key);
            changes.process(key, new Change<>(null, old), timestampMs);
        }

        @Override
        public void deleteAll() {
            List<K> keys = new ArrayList<>();
            store.forEach((k, v) -> keys.add(k));
            keys.sort(KEY_ORDER);
            for (K k : keys) {
                delete(k);
            }
        }
    }

    /** Natural order for comparable keys (of one class), else by text form: the same on heap and RocksDB state. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static final Comparator<Object> KEY_ORDER = (a, b) -> {
        if (a instanceof Comparable ca && b != null && a.getClass() == b.getClass()) {
            return ca.compareTo(b);
        }
        return String.valueOf(a).compareTo(String.valueOf(b));
    };
}
