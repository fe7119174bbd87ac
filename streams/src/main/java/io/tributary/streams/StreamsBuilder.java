package io.tributary.streams;

import io.tributary.streams.internal.Graph;
import io.tributary.streams.internal.KStreamImpl;

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

    /** The topology built so far. */
    public Topology build() {
        if (graph.sources().isEmpty()) {
            throw new IllegalStateException("a topology needs at least one source: call stream(...) or table(...)");
        }
        return new Topology(graph);
    }
}
