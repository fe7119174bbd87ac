package io.tributary.streams.internal;

import io.tributary.core.ReadFilter;
import io.tributary.streams.Consumed;
import io.tributary.streams.Serde;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The blueprint a {@code StreamsBuilder} records: the sources and, through their nodes, every
 * operator. Names of generated stores are numbered in build order, so the same program gives
 * the same names (which RocksDB state and queries rely on).
 */
public final class Graph {
    /** A source: what it reads and where its records go. */
    public record Source<K, V>(Consumed<K, V> consumed, Node<K, V> node) {
    }

    private final List<Source<?, ?>> sources = new ArrayList<>();
    private final List<Node<?, ?>> boundaries = new ArrayList<>();
    /** By boundary number: the serdes of a repartition boundary, null for the others. */
    private final List<Repartition.Spec> repartitions = new ArrayList<>();
    /** By boundary number: which records a partitioned run sends to every partition (null: none). */
    private final List<Predicate<Object>> broadcasts = new ArrayList<>();
    private final Set<String> storeNames = new HashSet<>();
    private int counter;
    /** Why the topology cannot run partitioned (empty when it can), in the order found. */
    private final Set<String> singlePartitionReasons = new java.util.LinkedHashSet<>();

    /** Adds a source and returns the node its records leave from. */
    public <K, V> Node<K, V> addSource(Consumed<K, V> consumed) {
        Node<K, V> node = new Node<>();
        sources.add(new Source<>(consumed, node));
        return node;
    }

    /** The sources in the order they were added. */
    public List<Source<?, ?>> sources() {
        return List.copyOf(sources);
    }

    /**
     * Attaches a stateful operator or a sink to {@code node} behind a <em>boundary</em>: the point
     * where a partitioned run routes records to the partition of their key. In one task the boundary
     * is nothing (its entry's processor is attached directly); a partitioned run's router stops there
     * and collects the records, and its partitions start there (see {@link Task}). Boundaries are
     * numbered in build order, so an operator's boundary comes before those of operators after it.
     */
    public <K, V> void attachBehindBoundary(Node<K, V> node, Function<Task, Processor<K, V>> factory) {
        attachBehindBoundary(node, factory, null);
    }

    /**
     * As {@link #attachBehindBoundary(Node, Function)}; a partitioned run sends the records whose value
     * matches {@code toEvery} (null: none) to every partition instead of the partition of their key
     * (a CDC truncate, which deletes the rows of every partition).
     */
    @SuppressWarnings("unchecked")
    public <K, V> void attachBehindBoundary(Node<K, V> node, Function<Task, Processor<K, V>> factory,
                                            Predicate<? super V> toEvery) {
        int id = boundaries.size();
        Node<K, V> entry = new Node<>();
        entry.attach(factory);
        boundaries.add(entry);
        repartitions.add(null);
        broadcasts.add((Predicate<Object>) toEvery);
        node.attach(task -> task.boundary(id, entry));
    }

    /** By boundary number: which records go to every partition (null: none). */
    List<Predicate<Object>> broadcasts() {
        return Collections.unmodifiableList(broadcasts);
    }

    /**
     * Attaches a <em>repartition boundary</em> to {@code node}, a stream re-keyed after a stateful
     * operator, and returns the node after it. In one task it is nothing; in a partitioned run the
     * partition a record comes out of state in writes it (with these serdes) to its repartition
     * stream in the log, and the dispatcher reads it back and sends it to the partition of its key,
     * where the operators after the returned node run (see {@link Repartition}).
     */
    @SuppressWarnings("unchecked")
    public <K, V> Node<K, V> attachRepartition(Node<K, V> node, Serde<K> keys, Serde<V> values) {
        int id = boundaries.size();
        Node<K, V> entry = new Node<>();
        boundaries.add(entry);
        repartitions.add(new Repartition.Spec((Serde<Object>) keys, (Serde<Object>) values));
        broadcasts.add(null);
        node.attach(task -> task.boundary(id, entry));
        return entry;
    }

    /** By boundary number: the serdes of each repartition boundary, null for the others. */
    List<Repartition.Spec> repartitions() {
        return Collections.unmodifiableList(repartitions);
    }

    /** Whether some records are repartitioned through the log in a partitioned run. */
    boolean hasRepartitions() {
        return repartitions.stream().anyMatch(Objects::nonNull);
    }

    /** The entry nodes of the boundaries, by number. */
    List<Node<?, ?>> boundaries() {
        return List.copyOf(boundaries);
    }

    /**
     * Notes that a stateful operator reads a stream re-keyed after another stateful operator: its
     * records are processed in the partition of their old key, so the topology cannot run partitioned.
     */
    public void markStateAfterRekey() {
        markStateAfterRekey("a stateful operator reads a stream re-keyed (selectKey, map, flatMap or groupBy) after"
                + " another stateful operator without the serdes to repartition it through the log: group it with"
                + " groupByKey(Grouped.with(keySerde, valueSerde)) or groupBy(selector, Grouped.with(keySerde, valueSerde))"
                + " (joins and toTable of such a stream are not repartitioned yet)");
    }

    /** Notes that the topology cannot run partitioned, and why (for the refusal message). */
    public void markStateAfterRekey(String reason) {
        singlePartitionReasons.add(reason);
    }

    /** Why the topology cannot run partitioned; empty when it can. */
    public List<String> singlePartitionReasons() {
        return List.copyOf(singlePartitionReasons);
    }

    /**
     * Whether a stateful operator reads a stream re-keyed after another stateful operator (such as
     * {@code aggregate → toStream → selectKey → count}): a partitioned run would need to repartition
     * records that come out of state, which is not built, so such a topology runs in one partition only.
     * A re-key before any state is fine: the router of a partitioned run routes by the new key.
     */
    public boolean stateAfterRekey() {
        return !singlePartitionReasons.isEmpty();
    }

    /** A new unique name {@code prefix-NNNN}. */
    public String newName(String prefix) {
        return String.format("%s-%04d", prefix, ++counter);
    }

    /**
     * Claims a store name.
     *
     * @throws IllegalArgumentException when the name is taken
     */
    public String claimStore(String name) {
        if (!storeNames.add(name)) {
            throw new IllegalArgumentException("the topology already has a store named '" + name + "'");
        }
        return name;
    }

    /**
     * The narrowest log filter that covers every source: the union of their categories when all
     * sources select by category only, otherwise the whole log (each source filters again).
     */
    public ReadFilter subscriptionFilter() {
        if (sources.size() == 1) {
            return sources.get(0).consumed().filter();
        }
        Set<String> categories = new HashSet<>();
        for (Source<?, ?> s : sources) {
            ReadFilter f = s.consumed().filter();
            if (f.categories().isEmpty() || !f.streamPrefixes().isEmpty()) {
                return ReadFilter.all();
            }
            categories.addAll(f.categories());
        }
        return new ReadFilter(categories, List.of(), Set.of());
    }
}
