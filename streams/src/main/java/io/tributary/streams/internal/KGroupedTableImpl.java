package io.tributary.streams.internal;

import io.tributary.streams.Aggregator;
import io.tributary.streams.Grouped;
import io.tributary.streams.KGroupedTable;
import io.tributary.streams.KTable;
import io.tributary.streams.KeyValue;
import io.tributary.streams.Materialized;
import io.tributary.streams.Serde;
import io.tributary.streams.Serdes;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.BinaryOperator;
import java.util.function.Supplier;

/**
 * A regrouped table's aggregations. The store keeps per group the aggregate and the number of rows
 * in it; a change of a row subtracts its old value from the old group (deleting the group when it
 * was its last row) and then adds its new value to the new group — two changes downstream when
 * the group changes, as in Kafka Streams.
 */
final class KGroupedTableImpl<K0, V0, K, V> implements KGroupedTable<K, V> {
    /** A group's aggregate and the number of rows that contributed to it. */
    record Grouping<A>(long rows, A aggregate) {
        static <A> Serde<Grouping<A>> serde(Serde<A> aggregates) {
            return new Serde<>() {
                @Override
                public byte[] serialize(Grouping<A> g) {
                    byte[] a = aggregates.serialize(g.aggregate());
                    return ByteBuffer.allocate(8 + a.length).putLong(g.rows()).put(a).array();
                }

                @Override
                public Grouping<A> deserialize(byte[] bytes) {
                    return new Grouping<>(ByteBuffer.wrap(bytes).getLong(), aggregates.deserialize(Arrays.copyOfRange(bytes, 8, bytes.length)));
                }
            };
        }
    }

    /** A row's contribution to its group: added ({@code add}) or subtracted. */
    record Delta<V>(boolean add, V value) {
        static <V> Serde<Delta<V>> serde(Serde<V> values) {
            return new Serde<>() {
                @Override
                public byte[] serialize(Delta<V> d) {
                    byte[] v = values.serialize(d.value());
                    byte[] b = new byte[v.length + 1];
                    b[0] = (byte) (d.add() ? 1 : 0);
                    System.arraycopy(v, 0, b, 1, v.length);
                    return b;
                }

                @Override
                public Delta<V> deserialize(byte[] bytes) {
                    return new Delta<>(bytes[0] == 1, values.deserialize(Arrays.copyOfRange(bytes, 1, bytes.length)));
                }
            };
        }
    }

    private final KTableImpl<K0, V0> table;
    private final BiFunction<? super K0, ? super V0, KeyValue<K, V>> selector;
    private final Grouped<K, V> grouped;

    KGroupedTableImpl(KTableImpl<K0, V0> table, BiFunction<? super K0, ? super V0, KeyValue<K, V>> selector, Grouped<K, V> grouped) {
        this.table = table;
        this.selector = selector;
        this.grouped = grouped;
    }

    @Override
    public KTable<K, Long> count(Materialized<K, Long> m) {
        Objects.requireNonNull(m, "materialized");
        return aggregation("COUNT", m, Optional.of(m.valueSerde().orElse(Serdes.longs())), (k, v) -> 1L,
                (k, v, a) -> a + 1, (k, v, a) -> a - 1);
    }

    @Override
    public KTable<K, V> reduce(BinaryOperator<V> adder, BinaryOperator<V> subtractor, Materialized<K, V> m) {
        Objects.requireNonNull(adder, "adder");
        Objects.requireNonNull(subtractor, "subtractor");
        Objects.requireNonNull(m, "materialized");
        return aggregation("REDUCE", m, m.valueSerde().or(grouped::valueSerde), (k, v) -> v,
                (k, v, a) -> adder.apply(a, v), (k, v, a) -> subtractor.apply(a, v));
    }

    @Override
    public <A> KTable<K, A> aggregate(Supplier<A> initializer, Aggregator<? super K, ? super V, A> adder,
                                      Aggregator<? super K, ? super V, A> subtractor, Materialized<K, A> m) {
        Objects.requireNonNull(initializer, "initializer");
        Objects.requireNonNull(adder, "adder");
        Objects.requireNonNull(subtractor, "subtractor");
        Objects.requireNonNull(m, "materialized");
        return aggregation("AGGREGATE", m, m.valueSerde(), (k, v) -> adder.apply(k, v, initializer.get()), adder, subtractor);
    }

    /** {@code first}: the aggregate of a group's first row. */
    private <A> KTable<K, A> aggregation(String kind, Materialized<K, A> m, Optional<Serde<A>> aggregateSerde,
                                         BiFunction<K, V, A> first, Aggregator<? super K, ? super V, A> adder,
                                         Aggregator<? super K, ? super V, A> subtractor) {
        Graph graph = table.graph;
        TableStore<K, Grouping<A>> store = new TableStore<>(graph.claimStore(m.storeName().orElseGet(() -> graph.newName("TABLE-" + kind))),
                m.keySerde().or(grouped::keySerde), aggregateSerde.map(Grouping::serde), Grouping::aggregate);
        String name = store.name();
        // A row's change becomes a subtraction of its old value from its old group and an addition of
        // its new value to its new group, each keyed by its group. With the grouping serdes they cross
        // a repartition boundary: in a partitioned run each reaches the partition of its group through
        // the log (see Graph#attachRepartition); in one task the boundary is nothing and the order is
        // the same (the subtraction, then the addition).
        Node<K, Delta<V>> deltas = new Node<>();
        table.changes().attach(task -> {
            Processor<K, Delta<V>> down = deltas.instantiate(task);
            return (k0, c, ts) -> {
                if (c.oldValue() != null) {
                    KeyValue<K, V> old = select(k0, c.oldValue());
                    down.process(old.key(), new Delta<>(false, old.value()), ts);
                }
                if (c.newValue() != null) {
                    KeyValue<K, V> now = select(k0, c.newValue());
                    down.process(now.key(), new Delta<>(true, now.value()), ts);
                }
            };
        });
        Node<K, Delta<V>> byGroup;
        if (grouped.keySerde().isPresent() && grouped.valueSerde().isPresent()) {
            byGroup = graph.attachRepartition(deltas, grouped.keySerde().get(), Delta.serde(grouped.valueSerde().get()));
        } else {
            byGroup = deltas;
            graph.markStateAfterRekey("a table is regrouped (KTable.groupBy) without the serdes to repartition its rows"
                    + " through the log: give groupBy(selector, Grouped.with(keySerde, valueSerde))");
        }
        Node<K, Change<A>> result = new Node<>();
        byGroup.attach(task -> {
            KvStore<K, Grouping<A>> s = store.in(task);
            Processor<K, Change<A>> down = result.instantiate(task);
            return (k, d, ts) -> {
                Grouping<A> g = s.get(k);
                if (!d.add()) {
                    if (g == null) {
                        throw new IllegalStateException("store '" + name + "' has no group '" + k + "' to subtract a row from:"
                                + " the groupBy selector or the table's functions are not deterministic");
                    }
                    A after = null;
                    if (g.rows() <= 1) {
                        s.delete(k);
                    } else {
                        after = Objects.requireNonNull(subtractor.apply(k, d.value(), g.aggregate()),
                                "the subtractor of store '" + name + "' returned null");
                        s.put(k, new Grouping<>(g.rows() - 1, after));
                    }
                    down.process(k, new Change<>(after, g.aggregate()), ts);
                } else {
                    A after = g == null ? first.apply(k, d.value()) : adder.apply(k, d.value(), g.aggregate());
                    Objects.requireNonNull(after, () -> "the adder of store '" + name + "' returned null");
                    s.put(k, new Grouping<>(g == null ? 1 : g.rows() + 1, after));
                    down.process(k, new Change<>(after, g == null ? null : g.aggregate()), ts);
                }
            };
        });
        return KTableImpl.derived(graph, result, true, name, task -> {
            KvStore<K, Grouping<A>> s = store.in(task);
            return k -> {
                Grouping<A> g = s.get(k);
                return g == null ? null : g.aggregate();
            };
        }, store::textKeys, true);
    }

    private KeyValue<K, V> select(K0 key, V0 value) {
        KeyValue<K, V> kv = selector.apply(key, value);
        if (kv == null) {
            throw new IllegalArgumentException("the groupBy selector of table '" + table.storeName + "' returned null for key '"
                    + key + "'; it must return a KeyValue (whose key and value are never null)");
        }
        return kv;
    }
}
