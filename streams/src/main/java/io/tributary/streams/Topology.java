package io.tributary.streams;

import io.tributary.core.ReadFilter;
import io.tributary.streams.internal.Graph;

/**
 * A built processing topology: a blueprint that {@link StreamProcessor} runs over a store and
 * {@link TopologyTestDriver} runs in tests. It holds no state; each run instantiates its own.
 */
public final class Topology {
    private final Graph graph;

    Topology(Graph graph) {
        this.graph = graph;
    }

    Graph graph() {
        return graph;
    }

    /** The filter of the log the topology's sources read together. */
    public ReadFilter inputFilter() {
        return graph.subscriptionFilter();
    }

    /** The number of sources. */
    public int sourceCount() {
        return graph.sources().size();
    }
}
