package io.tributary.server.internal;

import io.tributary.cqrs.CommandOutcome;
import io.tributary.cqrs.DocumentStore;
import io.tributary.cqrs.DocumentWriter;
import io.tributary.cqrs.ProjectionRunner;
import io.tributary.examples.shop.OrderLine;
import io.tributary.examples.shop.ShopCommand.AddProduct;
import io.tributary.examples.shop.ShopCommand.CancelOrder;
import io.tributary.examples.shop.ShopCommand.PayOrder;
import io.tributary.examples.shop.ShopCommand.PlaceOrder;
import io.tributary.examples.shop.ShopCommand.RegisterCustomer;
import io.tributary.examples.shop.ShopCommand.ShipOrder;
import io.tributary.examples.shop.ShopProjections;
import io.tributary.examples.shop.ShopService;
import io.tributary.core.ExpectedVersion;
import io.tributary.core.StreamName;
import io.tributary.eventsourcing.AggregateRepository;
import io.tributary.examples.shop.Shop;
import io.tributary.server.ServedAggregate;
import io.tributary.server.ServedProcessor;
import io.tributary.server.ServedProjection;
import io.tributary.server.ServerConfig;
import io.tributary.server.TributaryServer;
import io.tributary.streams.ProcessorConfig;
import io.tributary.streams.StateBackend;
import io.tributary.streams.StreamProcessor;
import io.tributary.streams.Topology;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live shop behind {@code tributary demo}: a server on the embedded store, the shop's
 * order-summary (RocksDB documents) and customer-orders (in memory) projections served under
 * {@code /projections}, the stream processors of {@link ShopStreams} (sales per minute, suspicious
 * activity; RocksDB state) served under {@code /processors}, an inventory database (an embedded
 * PostgreSQL, see {@link ShopInventory}) whose {@code stock} table is changed by SQL and captured by
 * CDC (served under {@code /cdc}) into the {@code stock-levels} projection, the event-sourced orders
 * served under {@code /aggregates/orders} (audit trail, state at a version or as of an instant), and simulated customers placing,
 * paying, shipping and cancelling orders at a steady rate — now and then a payment is declined,
 * and now and then someone tries a card several times in a row — so the console has something
 * to show. A second start on the same directories continues from the stored data.
 */
public final class ShopDemo implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ShopDemo.class);
    private static final String[][] CUSTOMERS = {{"ada", "Ada Lovelace"}, {"alan", "Alan Turing"},
            {"grace", "Grace Hopper"}, {"edsger", "Edsger Dijkstra"}, {"barbara", "Barbara Liskov"}, {"ken", "Ken Thompson"}};
    private static final String[][] PRODUCTS = {{"kb", "Mechanical keyboard", "89.90"}, {"mouse", "Wireless mouse", "24.50"},
            {"desk", "Standing desk", "499.00"}, {"lamp", "Desk lamp", "39.00"}, {"monitor", "27-inch monitor", "279.00"},
            {"chair", "Office chair", "229.00"}, {"cable", "USB-C cable", "9.90"}};
    /** The name the shop's orders are served under in {@code /aggregates}: their audit trail and time travel. */
    public static final String ORDERS = "orders";
    private static final int MAX_OPEN_ORDERS = 40;
    private static final long RESTOCK_MILLIS = 2_000;
    private final TributaryServer server;
    private final DocumentStore documents;
    private final DocumentStore memory;
    private final DocumentStore stock;
    private final ShopInventory inventory;
    private final ShopService shop;
    private final ScheduledExecutorService customers;
    private final Random random;
    private final String run;
    private final Deque<Open> placed = new ArrayDeque<>();
    private final Deque<String> paid = new ArrayDeque<>();
    private long orders;

    private ShopDemo(TributaryServer server, DocumentStore documents, DocumentStore memory, DocumentStore stock,
                     ShopInventory inventory, long seed) {
        this.server = server;
        this.documents = documents;
        this.memory = memory;
        this.stock = stock;
        this.inventory = inventory;
        this.shop = new ShopService(server.store());
        this.random = new Random(seed);
        this.run = Long.toString(seed & 0xFFFFF, 36);
        this.customers = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "demo-customers");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts the server with {@code config} (its data directory holds the log), the shop's
     * projections with their RocksDB read models in {@code dataDirectory/read-models}, the stream
     * processors with their RocksDB state in {@code dataDirectory/streams/<name>}, and customers doing about
     * {@code ordersPerSecond} orders per second (0 for none), chosen by a {@link Random} seeded with {@code seed}.
     */
    public static ShopDemo start(ServerConfig config, Path dataDirectory, double ordersPerSecond, long seed) {
        ShopInventory inventory = ShopInventory.start(dataDirectory.resolve("inventory"),
                java.util.Arrays.asList(PRODUCTS), RESTOCK_MILLIS, seed);
        TributaryServer server;
        try {
            server = TributaryServer.start(config);
        } catch (RuntimeException e) {
            inventory.close();
            throw e;
        }
        DocumentStore documents = null;
        DocumentStore memory = null;
        DocumentStore stock = null;
        try {
            serve(server, ShopStreams.SALES, ShopStreams.salesPerMinute(), dataDirectory);
            serve(server, ShopStreams.SUSPICIOUS, ShopStreams.suspiciousActivity(), dataDirectory);
            documents = DocumentStore.rocksDb(dataDirectory.resolve("read-models"), ShopProjections.ORDERS_BY_CUSTOMER);
            memory = DocumentStore.inMemory();
            ProjectionRunner<DocumentWriter> summaries = ProjectionRunner.start(server.store(), ShopProjections.orderSummary(), documents);
            server.serve(ServedProjection.documents(summaries, documents, "orders"));
            ProjectionRunner<DocumentWriter> histories = ProjectionRunner.start(server.store(), ShopProjections.customerOrders(), memory);
            server.serve(ServedProjection.documents(histories, memory, "history"));
            server.serve(inventory.capture(server.store()));
            stock = DocumentStore.inMemory();
            ProjectionRunner<DocumentWriter> levels = ProjectionRunner.start(server.store(), ShopInventory.stockLevels(), stock);
            server.serve(ServedProjection.documents(levels, stock, ShopInventory.COLLECTION));
            server.serve(ServedAggregate.of(ORDERS, "order",
                    AggregateRepository.builder(server.store(), new Shop(), Shop.codec()).build(), Shop.codec()));
            ShopDemo demo = new ShopDemo(server, documents, memory, stock, inventory, seed);
            demo.open();
            if (ordersPerSecond > 0) {
                // Each tick is one customer action; about half of them place an order.
                long periodMicros = Math.max(1_000, (long) (500_000 / ordersPerSecond));
                demo.customers.scheduleAtFixedRate(demo::tick, periodMicros, periodMicros, TimeUnit.MICROSECONDS);
            }
            return demo;
        } catch (RuntimeException e) {
            server.close();
            if (documents != null) {
                documents.close();
            }
            if (memory != null) {
                memory.close();
            }
            if (stock != null) {
                stock.close();
            }
            inventory.close();
            throw e;
        }
    }

    private static void serve(TributaryServer server, String name, Topology topology, Path dataDirectory) {
        server.serve(ServedProcessor.of(StreamProcessor.start(server.store(), topology, ProcessorConfig.of(name)
                .withState(StateBackend.rocksDb(dataDirectory.resolve("streams").resolve(name))))));
    }

    /** The inventory database (embedded PostgreSQL, captured by CDC). */
    public ShopInventory inventory() {
        return inventory;
    }

    /** The running server. */
    public TributaryServer server() {
        return server;
    }

    /** Registers the customers and products (rejected, harmlessly, when a previous run already did). */
    private void open() {
        for (String[] c : CUSTOMERS) {
            shop.handle(new RegisterCustomer(c[0], c[1]));
        }
        for (String[] p : PRODUCTS) {
            shop.handle(new AddProduct(p[0], p[1], new BigDecimal(p[2]), 1_000_000));
        }
    }

    private void tick() {
        try {
            int dice = random.nextInt(1_000);
            if (dice < 6) {
                tryStolenCard();
            } else if (dice < 500 || (placed.isEmpty() && paid.isEmpty())) {
                place();
            } else if (dice < 800 && !placed.isEmpty()) {
                Open order = placed.poll();
                if (random.nextInt(10) == 0) {
                    shop.handle(new CancelOrder(order.orderId(), "changed my mind"));
                } else if (random.nextInt(12) == 0) {
                    decline(order, "insufficient funds");
                    placed.add(order);
                } else if (shop.handle(new PayOrder(order.orderId(), order.total())) instanceof CommandOutcome.Accepted) {
                    paid.add(order.orderId());
                    while (paid.size() > MAX_OPEN_ORDERS) {
                        paid.poll();
                    }
                }
            } else if (!paid.isEmpty()) {
                shop.handle(new ShipOrder(paid.poll()));
            } else {
                place();
            }
        } catch (RuntimeException e) {
            // A failed action (the store closing, say) must not stop the schedule: log it and go on.
            LOG.warn("demo customer action failed: {}", e.getMessage());
        }
    }

    /** A customer's card declined several times within seconds: the suspicious-activity processor raises an alert. */
    private void tryStolenCard() {
        if (placed.isEmpty()) {
            return;
        }
        Open order = placed.peek();
        for (int i = 0; i < ShopStreams.ALERT_THRESHOLD; i++) {
            decline(order, "card declined: do not honour");
        }
    }

    private void decline(Open order, String reason) {
        server.store().append(StreamName.of("payments", order.customerId()), ExpectedVersion.any(),
                List.of(ShopStreams.declined(order.orderId(), order.customerId(), order.total(), reason))).join();
    }

    private void place() {
        String orderId = "o-" + run + "-" + (++orders);
        String customer = CUSTOMERS[random.nextInt(CUSTOMERS.length)][0];
        List<OrderLine> lines = new ArrayList<>();
        int count = 1 + random.nextInt(3);
        for (int i = 0; i < count; i++) {
            String[] p = PRODUCTS[random.nextInt(PRODUCTS.length)];
            if (lines.stream().noneMatch(l -> l.productId().equals(p[0]))) {
                lines.add(new OrderLine(p[0], 1 + random.nextInt(3), new BigDecimal(p[2])));
            }
        }
        if (shop.handle(new PlaceOrder(orderId, customer, lines)) instanceof CommandOutcome.Accepted) {
            inventory.ordered(lines);
            placed.add(new Open(orderId, customer, lines.stream().map(OrderLine::amount).reduce(BigDecimal.ZERO, BigDecimal::add)));
            while (placed.size() > MAX_OPEN_ORDERS) {
                placed.poll();
            }
        }
    }

    /** An order placed by this run and not yet paid or cancelled. */
    private record Open(String orderId, String customerId, BigDecimal total) {
    }

    /**
     * Stops the customers, then the server (CDC capture, projections, processors, store), the
     * read-model stores and the inventory database.
     */
    @Override
    public void close() {
        // shutdown, not shutdownNow: interrupting a customer in the middle of a read would close the log's file channel.
        customers.shutdown();
        try {
            customers.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            server.close();
        } finally {
            try {
                documents.close();
                memory.close();
                stock.close();
            } finally {
                inventory.close();
            }
        }
    }
}
