package io.tributary.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.cdc.PostgresCapture;
import io.tributary.cdc.PostgresSource;
import io.tributary.core.ReadFilter;
import io.tributary.core.RecordedEvent;
import io.tributary.cqrs.DocumentWriter;
import io.tributary.cqrs.Projection;
import io.tributary.eventsourcing.EventCodec;
import io.tributary.examples.shop.OrderLine;
import io.tributary.examples.shop.Shop;
import io.tributary.examples.shop.ShopEvent;
import io.tributary.examples.shop.ShopEvent.OrderCancelled;
import io.tributary.examples.shop.ShopEvent.OrderPlaced;
import io.tributary.core.EventStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's inventory database: an embedded PostgreSQL (data in {@code <demo data>/inventory}, so
 * a second run continues) with a {@code stock} table (product id, name, quantity) that is changed
 * by plain SQL — a restocker thread, and a decrement for each order line the shop accepts — and
 * captured by CDC into the streams {@code stock-<product>} (category {@code stock}). The
 * {@link #stockLevels()} projection combines those change events with the shop's orders.
 */
public final class ShopInventory implements AutoCloseable {
    /** The CDC source's name. */
    public static final String SOURCE = "inventory";
    /** The stock-levels projection's name. */
    public static final String STOCK_LEVELS = "stock-levels";
    /** The collection of the stock-levels documents, by product id. */
    public static final String COLLECTION = "stock";
    private static final Logger LOG = LoggerFactory.getLogger(ShopInventory.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final EventCodec<ShopEvent> CODEC = Shop.codec();
    private static final int LOW = 40;
    private static final int RESTOCK = 120;

    private final EmbeddedPostgres postgres;
    private final Connection connection;
    private final ScheduledExecutorService restocker;
    private final Random random;

    private ShopInventory(EmbeddedPostgres postgres, Connection connection, long seed) {
        this.postgres = postgres;
        this.connection = connection;
        this.random = new Random(seed);
        this.restocker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "demo-restocker");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts (or, on a second run, restarts) the PostgreSQL in {@code directory}, creates and fills
     * the {@code stock} table with {@code products} ({id, name}) if missing, and restocks every
     * {@code restockMillis} (0 for never).
     */
    static ShopInventory start(Path directory, List<String[]> products, long restockMillis, long seed) {
        EmbeddedPostgres postgres;
        try {
            Files.createDirectories(directory);
            ProcessBuilder.Redirect log = ProcessBuilder.Redirect.appendTo(directory.resolveSibling("inventory-postgres.log").toFile());
            postgres = EmbeddedPostgres.builder()
                    .setPGStartupWait(java.time.Duration.ofSeconds(60)) // the default 10 s is tight on a loaded machine
                    .setDataDirectory(directory)
                    .setCleanDataDirectory(false)
                    .setServerConfig("wal_level", "logical")
                    .setServerConfig("max_replication_slots", "4")
                    .setServerConfig("max_wal_senders", "4")
                    .setOutputRedirector(log)
                    .setErrorRedirector(log)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the inventory database in " + directory + ": " + e.getMessage(), e);
        }
        Connection connection = null;
        try {
            connection = postgres.getPostgresDatabase().getConnection();
            try (Statement s = connection.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS stock (product_id TEXT PRIMARY KEY, name TEXT NOT NULL, quantity INT NOT NULL)");
            }
            try (PreparedStatement p = connection.prepareStatement(
                    "INSERT INTO stock (product_id, name, quantity) VALUES (?, ?, ?) ON CONFLICT (product_id) DO NOTHING")) {
                for (String[] product : products) {
                    p.setString(1, product[0]);
                    p.setString(2, product[1]);
                    p.setInt(3, 100);
                    p.executeUpdate();
                }
            }
            ShopInventory inventory = new ShopInventory(postgres, connection, seed);
            if (restockMillis > 0) {
                inventory.restocker.scheduleWithFixedDelay(inventory::restock, restockMillis, restockMillis, TimeUnit.MILLISECONDS);
            }
            return inventory;
        } catch (SQLException | RuntimeException e) {
            try {
                if (connection != null) {
                    connection.close();
                }
                postgres.close();
            } catch (SQLException | IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new IllegalStateException("cannot set up the inventory database: " + e.getMessage(), e);
        }
    }

    /** The CDC source capturing the {@code stock} table of this database. */
    PostgresSource source() {
        return PostgresSource.builder(SOURCE, jdbcUrl()).tables("stock").heartbeatIntervalMs(5_000).build();
    }

    /** Starts capturing the {@code stock} table into {@code store}. */
    PostgresCapture capture(EventStore store) {
        return PostgresCapture.start(store, source());
    }

    /** {@code jdbc:postgresql://localhost:<port>/postgres}, user {@code postgres}, no password. */
    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres";
    }

    /** Takes the ordered units out of stock (never below zero), by SQL. */
    synchronized void ordered(List<OrderLine> lines) {
        try (PreparedStatement p = connection.prepareStatement(
                "UPDATE stock SET quantity = GREATEST(quantity - ?, 0) WHERE product_id = ?")) {
            for (OrderLine l : lines) {
                p.setInt(1, l.quantity());
                p.setString(2, l.productId());
                p.executeUpdate();
            }
        } catch (SQLException e) {
            LOG.warn("demo stock decrement failed: {}", e.getMessage());
        }
    }

    /** Restocks the products that run low, and now and then one at random. */
    private synchronized void restock() {
        try (Statement s = connection.createStatement();
             PreparedStatement p = connection.prepareStatement("UPDATE stock SET quantity = quantity + ? WHERE product_id = ?")) {
            try (ResultSet low = s.executeQuery("SELECT product_id FROM stock WHERE quantity < " + LOW)) {
                while (low.next()) {
                    p.setInt(1, RESTOCK);
                    p.setString(2, low.getString(1));
                    p.addBatch();
                }
            }
            if (random.nextInt(4) == 0) {
                try (ResultSet any = s.executeQuery("SELECT product_id FROM stock ORDER BY random() LIMIT 1")) {
                    if (any.next()) {
                        p.setInt(1, 10 + random.nextInt(30));
                        p.setString(2, any.getString(1));
                        p.addBatch();
                    }
                }
            }
            p.executeBatch();
        } catch (SQLException | RuntimeException e) {
            LOG.warn("demo restock failed: {}", e.getMessage());
        }
    }

    /**
     * The stock-levels projection: one document per product in collection {@code stock} with the
     * quantity in stock (from the captured {@code stock} rows' {@code after}) and the units in open
     * orders (placed minus cancelled, from the shop's order events).
     */
    public static Projection<DocumentWriter> stockLevels() {
        ReadFilter filter = ReadFilter.categories("stock", "order")
                .withEventTypes("cdc.read", "cdc.create", "cdc.update", "cdc.delete", "OrderPlaced", "OrderCancelled");
        return Projection.of(STOCK_LEVELS, filter, (recorded, w) -> {
            if (recorded.type().startsWith("cdc.")) {
                change(recorded, w);
            } else {
                ShopEvent event = CODEC.decode(recorded);
                if (event instanceof OrderPlaced o) {
                    for (OrderLine l : o.lines()) {
                        addOrdered(w, l.productId(), l.quantity());
                    }
                } else if (event instanceof OrderCancelled c) {
                    for (OrderLine l : c.lines()) {
                        addOrdered(w, l.productId(), -l.quantity());
                    }
                }
            }
        });
    }

    private static void change(RecordedEvent recorded, DocumentWriter w) {
        JsonNode envelope;
        try {
            envelope = JSON.readTree(recorded.dataAsString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        JsonNode after = envelope.path("after");
        if (recorded.type().equals("cdc.delete") || !after.isObject()) {
            String product = envelope.path("before").path("product_id").asText(null);
            if (product != null) {
                w.delete(COLLECTION, product);
            }
            return;
        }
        String product = after.path("product_id").asText();
        ObjectNode doc = document(w, product);
        doc.put("name", after.path("name").asText());
        doc.put("inStock", after.path("quantity").asLong());
        doc.put("sourcePosition", envelope.path("source").path("lsn").asLong());
        w.put(COLLECTION, product, doc);
    }

    private static void addOrdered(DocumentWriter w, String product, long units) {
        ObjectNode doc = document(w, product);
        doc.put("unitsOrdered", doc.path("unitsOrdered").asLong() + units);
        w.put(COLLECTION, product, doc);
    }

    private static ObjectNode document(DocumentWriter w, String product) {
        return w.get(COLLECTION, product).orElseGet(() -> {
            ObjectNode doc = JsonNodeFactory.instance.objectNode().put("productId", product);
            doc.put("inStock", 0L);
            doc.put("unitsOrdered", 0L);
            return doc;
        });
    }

    /** Stops the restocker, then PostgreSQL (stop the capture first); the data directory stays. */
    @Override
    public void close() {
        restocker.shutdown();
        try {
            restocker.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.warn("closing the inventory connection failed: {}", e.getMessage());
            }
        }
        try {
            postgres.close();
        } catch (IOException e) {
            LOG.warn("stopping the inventory database failed: {}", e.getMessage());
        }
    }
}
