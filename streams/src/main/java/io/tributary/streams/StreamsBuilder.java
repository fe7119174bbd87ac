package io.tributary.streams;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.core.RecordedEvent;
import io.tributary.streams.internal.CdcTableProjection;
import io.tributary.streams.internal.Graph;
import io.tributary.streams.internal.KStreamImpl;
import io.tributary.streams.internal.ProjectionTable;
import java.util.Objects;
import java.util.Optional;

/**
 * Builds a {@link Topology}: start with {@link #stream} or {@link #table}, chain operations, then
 * {@link #build()}. Not thread-safe; build a topology on one thread.
 *
 * <pre>{@code
 * StreamsBuilder b = new StreamsBuilder();
 * b.stream(Consumed.category("click", e -> e.dataAsString()))
 *  .groupByKey()
 *  .windowedBy(Windows.tumbling(Duration.ofMinutes(1)))
 *  .emit(Emit.ON_WINDOW_CLOSE)
 *  .count()
 *  .toStream()
 *  .to(Produced.with((w, n) -> "clicks-" + w.key(), "ClicksPerMinute", (w, n) -> ...));
 * Topology topology = b.build();
 * }</pre>
 */
public final class StreamsBuilder {
    private final Graph graph = new Graph();

    /** A builder of an empty topology. */
    public StreamsBuilder() {
    }

    /** A stream of the log's events selected and decoded by {@code consumed}. */
    public <K, V> KStream<K, V> stream(Consumed<K, V> consumed) {
        return new KStreamImpl<>(graph, graph.addSource(consumed));
    }

    /**
     * A table of the latest decoded value per key of the events selected by {@code consumed}. A
     * table is reference data: its events do not move the watermark (see {@link Consumed#withoutWatermark()}).
     */
    public <K, V> KTable<K, V> table(Consumed<K, V> consumed, Materialized<K, V> materialized) {
        return stream(consumed.withoutWatermark()).toTable(materialized);
    }

    /**
     * A table folded from the events selected by {@code consumed} by {@code projection}, which
     * upserts and deletes keys of its choosing (a CQRS-style projection into a table). Like every
     * table source its events do not move the watermark. The projection chooses the keys, so a
     * processor with such a table runs in one partition.
     *
     * <pre>{@code
     * KTable<String, Customer> customers = b.table(Consumed.category("customer", Customer::decode),
     *         (event, table) -> {
     *             switch (event) {
     *                 case Registered r -> table.upsert(r.id(), new Customer(r.name(), r.email()));
     *                 case EmailChanged c -> table.get(c.id()).ifPresent(cu -> table.upsert(c.id(), cu.withEmail(c.email())));
     *                 case Closed c -> table.delete(c.id());
     *                 default -> { }
     *             }
     *         }, Materialized.as("customers"));
     * }</pre>
     */
    public <E, K, V> KTable<K, V> table(Consumed<?, E> consumed, TableProjection<? super E, K, V> projection,
                                        Materialized<K, V> materialized) {
        Objects.requireNonNull(consumed, "consumed");
        return ProjectionTable.build((KStreamImpl<?, E>) stream(consumed.withoutWatermark()), projection, materialized);
    }

    /**
     * The rows of a table captured by Tributary's CDC (PostgreSQL or MySQL/MariaDB), as a table of the
     * {@code after} row objects keyed by the row stream's id: the key columns' text forms as the
     * capture writes them ({@code 123}; a composite key {@code 7,2}; {@code %}, {@code ,} and control
     * characters percent-encoded). Creates, snapshot reads and updates upsert the row, deletes
     * delete it, a truncate deletes every row; an unchanged TOASTed column keeps the row's previous
     * value. {@code table} is the captured table's name ({@code users}; {@code schema.table} outside
     * PostgreSQL's {@code public}). Serdes default to strings and JSON, so RocksDB state needs none.
     * The rows are JSON trees shared with queries: do not modify them. Runs partitioned by row key
     * (a truncate reaches every partition).
     */
    public KTable<String, JsonNode> cdcTable(String table, Materialized<String, JsonNode> materialized) {
        Objects.requireNonNull(materialized, "materialized");
        String category = CdcTableProjection.category(table);
        Consumed<String, RecordedEvent> changes = Consumed.category(category, e -> e).withEventTypes(CdcTableProjection.EVENT_TYPES);
        Materialized<String, JsonNode> m = new Materialized<>(materialized.storeName(),
                Optional.of(materialized.keySerde().orElseGet(Serdes::string)),
                Optional.of(materialized.valueSerde().orElse(CdcTableProjection.ROW_SERDE)));
        // Each change event changes the row of its stream's id, the source key; a truncate every row:
        // so a partitioned run sends an event to the partition of its key, a truncate to every partition.
        return ProjectionTable.build((KStreamImpl<String, RecordedEvent>) stream(changes.withoutWatermark()),
                new CdcTableProjection(table), m, CdcTableProjection::isTruncate);
    }

    /** {@link #cdcTable(String, Materialized)} in a store named after the table ({@code cdc-<table>}). */
    public KTable<String, JsonNode> cdcTable(String table) {
        return cdcTable(table, Materialized.as("cdc-" + CdcTableProjection.category(table).replace('/', '_')));
    }

    /** The topology built so far. */
    public Topology build() {
        if (graph.sources().isEmpty()) {
            throw new IllegalStateException("a topology needs at least one source: call stream(...) or table(...)");
        }
        return new Topology(graph);
    }
}
