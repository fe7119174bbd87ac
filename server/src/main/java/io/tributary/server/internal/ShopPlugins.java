package io.tributary.server.internal;

import io.tributary.cqrs.DocumentStore;
import io.tributary.cqrs.DocumentWriter;
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

    private static ServedProcessor processor(PluginContext context, String name, Topology topology) {
        String storage = context.settings().text(STORAGE, "rocksdb");
        StateBackend state = switch (storage) {
            case "rocksdb" -> StateBackend.rocksDb(context.directory());
            case "memory" -> StateBackend.heap();
            default -> throw new IllegalArgumentException("settings." + STORAGE + " must be rocksdb or memory, got '" + storage + "'");
        };
        return ServedProcessor.of(StreamProcessor.start(context.store(), topology, ProcessorConfig.of(name).withState(state)));
    }

    /** {@code order-summary}: one document per order (key: order id), in collection {@code orders}. */
    public static final class OrderSummary implements ProjectionPlugin {
        @Override
        public String name() {
            return "order-summary";
        }

        @Override
        public Map<String, String> settings() {
            return STORAGE_SETTING;
        }

        @Override
        public ServedProjection start(PluginContext context) {
            DocumentStore documents = documents(context);
            ProjectionRunner<DocumentWriter> runner = ProjectionRunner.start(context.store(), ShopProjections.orderSummary(), documents);
            return ServedProjection.documents(runner, documents, "orders");
        }
    }

    /** {@code customer-orders}: a customer's name and order history (key: customer id), in collection {@code history}. */
    public static final class CustomerOrders implements ProjectionPlugin {
        @Override
        public String name() {
            return "customer-orders";
        }

        @Override
        public Map<String, String> settings() {
            return STORAGE_SETTING;
        }

        @Override
        public ServedProjection start(PluginContext context) {
            DocumentStore documents = documents(context);
            ProjectionRunner<DocumentWriter> runner = ProjectionRunner.start(context.store(), ShopProjections.customerOrders(), documents);
            return ServedProjection.documents(runner, documents, "history");
        }
    }

    /** {@code sales-per-minute}: paid orders and revenue per minute of event time (store {@code sales}, key {@code shop}). */
    public static final class SalesPerMinute implements ProcessorPlugin {
        @Override
        public String name() {
            return ShopStreams.SALES;
        }

        @Override
        public Map<String, String> settings() {
            return STORAGE_SETTING;
        }

        @Override
        public ServedProcessor start(PluginContext context) {
            return processor(context, ShopStreams.SALES, ShopStreams.salesPerMinute());
        }
    }

    /** {@code suspicious-activity}: three declined payments of a customer within a minute append an alert. */
    public static final class SuspiciousActivity implements ProcessorPlugin {
        @Override
        public String name() {
            return ShopStreams.SUSPICIOUS;
        }

        @Override
        public Map<String, String> settings() {
            return STORAGE_SETTING;
        }

        @Override
        public ServedProcessor start(PluginContext context) {
            return processor(context, ShopStreams.SUSPICIOUS, ShopStreams.suspiciousActivity());
        }
    }
}
