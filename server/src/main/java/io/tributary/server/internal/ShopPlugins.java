package io.tributary.server.internal;

import io.tributary.cqrs.DocumentStore;
import io.tributary.cqrs.DocumentWriter;
import io.tributary.cqrs.Projection;
import io.tributary.cqrs.ProjectionRunner;
import io.tributary.examples.shop.ShopProjections;
import io.tributary.server.PluginContext;
import io.tributary.server.ProcessorPlugin;
import io.tributary.server.ProjectionPlugin;
import io.tributary.server.ServedProcessor;
import io.tributary.server.ServedProjection;
import io.tributary.streams.ProcessorConfig;
import io.tributary.streams.StateBackend;
import io.tributary.streams.StreamProcessor;
import io.tributary.streams.Topology;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The demo shop's projections and stream processors as plugins, so that {@code tributary serve
 * --config} can run them by name (registered in this module's {@code META-INF/services}); they
 * also show how a plugin of your own is written.
 */
public final class ShopPlugins {
    private static final String STORAGE = "storage";
    private static final Map<String, String> STORAGE_SETTING = Map.of(STORAGE,
            "rocksdb (default: kept in the plugin's directory under <data>/plugins) or memory (rebuilt at every start)");

    private ShopPlugins() {
    }

    private static DocumentStore documents(PluginContext context) {
        String storage = context.settings().text(STORAGE, "rocksdb");
        DocumentStore store = switch (storage) {
            case "rocksdb" -> DocumentStore.rocksDb(context.directory(), ShopProjections.ORDERS_BY_CUSTOMER);
            case "memory" -> DocumentStore.inMemory(ShopProjections.ORDERS_BY_CUSTOMER);
            default -> throw new IllegalArgumentException("settings." + STORAGE + " must be rocksdb or memory, got '" + storage + "'");
        };
        context.closeWhenStopped(store);
        return store;
    }

    /** A shop projection into a document store, served from one collection. */
    private abstract static class DocumentsPlugin implements ProjectionPlugin {
        private final String name;
        private final Supplier<Projection<DocumentWriter>> projection;
        private final String collection;

        DocumentsPlugin(String name, Supplier<Projection<DocumentWriter>> projection, String collection) {
            this.name = name;
            this.projection = projection;
            this.collection = collection;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Map<String, String> settings() {
            return STORAGE_SETTING;
        }

        @Override
        public ServedProjection start(PluginContext context) {
            DocumentStore documents = documents(context);
            return ServedProjection.documents(ProjectionRunner.start(context.store(), projection.get(), documents), documents,
                    collection);
        }
    }

    /** A shop stream processor with its state on RocksDB or the heap. */
    private abstract static class ShopProcessorPlugin implements ProcessorPlugin {
        private final String name;
        private final Supplier<Topology> topology;

        ShopProcessorPlugin(String name, Supplier<Topology> topology) {
            this.name = name;
            this.topology = topology;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Map<String, String> settings() {
            return STORAGE_SETTING;
        }

        @Override
        public ServedProcessor start(PluginContext context) {
            String storage = context.settings().text(STORAGE, "rocksdb");
            StateBackend state = switch (storage) {
                case "rocksdb" -> StateBackend.rocksDb(context.directory());
                case "memory" -> StateBackend.heap();
                default -> throw new IllegalArgumentException("settings." + STORAGE + " must be rocksdb or memory, got '" + storage + "'");
            };
            return ServedProcessor.of(StreamProcessor.start(context.store(), topology.get(), ProcessorConfig.of(name).withState(state)));
        }
    }

    /** {@code order-summary}: one document per order (key: order id), in collection {@code orders}. */
    public static final class OrderSummary extends DocumentsPlugin {
        /** The plugin. */
        public OrderSummary() {
            super("order-summary", ShopProjections::orderSummary, "orders");
        }
    }

    /** {@code customer-orders}: a customer's name and order history (key: customer id), in collection {@code history}. */
    public static final class CustomerOrders extends DocumentsPlugin {
        /** The plugin. */
        public CustomerOrders() {
            super("customer-orders", ShopProjections::customerOrders, "history");
        }
    }

    /** {@code sales-per-minute}: paid orders and revenue per minute of event time (store {@code sales}, key {@code shop}). */
    public static final class SalesPerMinute extends ShopProcessorPlugin {
        /** The plugin. */
        public SalesPerMinute() {
            super(ShopStreams.SALES, ShopStreams::salesPerMinute);
        }
    }

    /** {@code suspicious-activity}: three declined payments of a customer within a minute append an alert. */
    public static final class SuspiciousActivity extends ShopProcessorPlugin {
        /** The plugin. */
        public SuspiciousActivity() {
            super(ShopStreams.SUSPICIOUS, ShopStreams::suspiciousActivity);
        }
    }
}
