package io.tributary.examples.shop;

import io.tributary.cqrs.CommandOutcome;
import io.tributary.cqrs.DocumentStore;
import io.tributary.cqrs.DocumentWriter;
import io.tributary.cqrs.JdbcReadModelStore;
import io.tributary.cqrs.ProjectionRunner;
import io.tributary.cqrs.ReadModelStore;
import io.tributary.cqrs.RebuildReport;
import io.tributary.cqrs.SqlWriter;
import io.tributary.examples.shop.ShopCommand.AddProduct;
import io.tributary.examples.shop.ShopCommand.CancelOrder;
import io.tributary.examples.shop.ShopCommand.PayOrder;
import io.tributary.examples.shop.ShopCommand.PlaceOrder;
import io.tributary.examples.shop.ShopCommand.RegisterCustomer;
import io.tributary.examples.shop.ShopCommand.ShipOrder;
import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.Tributary;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * The seed's e-commerce order, CQRS style: a normalised write side (customer, product and order
 * streams, validated by the {@link Shop} decider) and three read models fed by projections — the
 * denormalised order summary (RocksDB documents), a customer's order history (in memory) and the
 * sales per product (PostgreSQL, started embedded). Shows read-your-writes with the consistency
 * token, rejected commands, a shadow rebuild with its diff and a reset of the SQL read model.
 *
 * <p>Run: {@code java io.tributary.examples.shop.ShopExample [data-dir]}.
 */
public final class ShopExample {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private ShopExample() {
    }

    /** Runs the example in {@code args[0]} (default: a temporary directory). */
    public static void main(String[] args) throws IOException, SQLException {
        Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("tributary-shop");
        System.out.println("Shop data (log and RocksDB read models) in " + dir + "; PostgreSQL is started embedded.");
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setPGStartupWait(java.time.Duration.ofSeconds(60)).start()) {
            run(dir, postgres.getPostgresDatabase(), System.out);
        }
    }

    /**
     * Runs the whole tour against a store in {@code dir} and PostgreSQL behind {@code dataSource}.
     *
     * @return the sales per product at the end ({@code product -> units/revenue})
     */
    public static Map<String, String> run(Path dir, DataSource dataSource, PrintStream out) throws SQLException {
        try (EmbeddedEventStore store = Tributary.open(dir.resolve("log"));
             DocumentStore documents = DocumentStore.rocksDb(dir.resolve("read-models"), ShopProjections.ORDERS_BY_CUSTOMER);
             DocumentStore memory = DocumentStore.inMemory();
             ReadModelStore<SqlWriter> sql = JdbcReadModelStore.postgresSchemaPerProjection(dataSource);
             ProjectionRunner<DocumentWriter> summaries = ProjectionRunner.start(store, ShopProjections.orderSummary(), documents);
             ProjectionRunner<DocumentWriter> histories = ProjectionRunner.start(store, ShopProjections.customerOrders(), memory);
             ProjectionRunner<SqlWriter> sales = ProjectionRunner.start(store, ShopProjections.productSales(), sql)) {
            ShopService shop = new ShopService(store);

            out.println("== Write side: commands validated by the Shop decider");
            show(out, shop.handle(new RegisterCustomer("ada", "Ada Lovelace")));
            show(out, shop.handle(new RegisterCustomer("alan", "Alan Turing")));
            show(out, shop.handle(new AddProduct("kb", "Mechanical keyboard", new BigDecimal("89.90"), 10)));
            show(out, shop.handle(new AddProduct("mouse", "Wireless mouse", new BigDecimal("24.50"), 3)));
            show(out, shop.handle(new AddProduct("desk", "Standing desk", new BigDecimal("499.00"), 1)));

            CommandOutcome placed = shop.handle(new PlaceOrder("o-1", "ada", List.of(
                    new OrderLine("kb", 1, new BigDecimal("89.90")), new OrderLine("mouse", 2, new BigDecimal("24.50")))));
            show(out, placed);
            out.println("-- read-your-writes: wait for the order's consistency token, then read the summary");
            long token = ((CommandOutcome.Accepted) placed).position();
            OrderSummary summary = summaries.query(token, WAIT,
                    () -> documents.get(ShopProjections.ORDER_SUMMARY, "orders", "o-1", OrderSummary.class)).orElseThrow();
            out.println("   " + summary);

            out.println("-- rejections are values with a reason; nothing is written");
            show(out, shop.handle(new PlaceOrder("o-2", "alan", List.of(new OrderLine("mouse", 2, new BigDecimal("24.50"))))));
            show(out, shop.handle(new PlaceOrder("o-3", "alan", List.of(new OrderLine("desk", 1, new BigDecimal("450.00"))))));
            show(out, shop.handle(new PayOrder("o-1", new BigDecimal("100.00"))));
            show(out, shop.handle(new ShipOrder("o-1")));

            out.println("-- the order's life: paid, shipped; another one placed and cancelled (stock goes back)");
            show(out, shop.handle(new PayOrder("o-1", new BigDecimal("138.90"))));
            show(out, shop.handle(new ShipOrder("o-1")));
            show(out, shop.handle(new PlaceOrder("o-4", "alan", List.of(new OrderLine("desk", 1, new BigDecimal("499.00"))))));
            show(out, shop.handle(new PlaceOrder("o-5", "ada", List.of(new OrderLine("kb", 2, new BigDecimal("89.90"))))));
            CommandOutcome last = shop.handle(new CancelOrder("o-4", "changed my mind"));
            show(out, last);
            long head = ((CommandOutcome.Accepted) last).position();

            out.println("== Read side: three projections of the same events");
            summaries.awaitPosition(head, WAIT);
            histories.awaitPosition(head, WAIT);
            sales.awaitPosition(head, WAIT);
            out.println("-- order summaries of ada (RocksDB, secondary index on customerId)");
            documents.findBy(ShopProjections.ORDER_SUMMARY, "orders", "customerId", "ada").forEach(d -> out.println("   " + d));
            out.println("-- alan's order history (in memory)");
            out.println("   " + memory.get(ShopProjections.CUSTOMER_ORDERS, "history", "alan").orElseThrow());
            out.println("-- sales per product (PostgreSQL)");
            Map<String, String> salesBefore = salesTable(dataSource);
            salesBefore.forEach((k, v) -> out.println("   " + k + ": " + v));

            out.println("== Rebuilds");
            RebuildReport report = summaries.rebuildInShadow(WAIT);
            out.println("-- order summary rebuilt beside the live one and swapped in: slot " + report.oldSlot() + " -> "
                    + report.newSlot() + ", " + report.eventsApplied() + " events, identical=" + report.identical()
                    + " (added " + report.addedCount() + ", removed " + report.removedCount() + ", changed " + report.changedCount() + ")");
            sales.reset();
            sales.awaitPosition(head, WAIT);
            Map<String, String> salesAfter = salesTable(dataSource);
            out.println("-- sales reset and replayed in PostgreSQL: same as before = " + salesAfter.equals(salesBefore));
            RebuildReport sqlReport = sales.rebuildInShadow(WAIT);
            out.println("-- sales rebuilt in a second PostgreSQL schema and swapped in by renaming: slot " + sqlReport.oldSlot()
                    + " -> " + sqlReport.newSlot() + ", identical=" + sqlReport.identical() + ", "
                    + sqlReport.unchanged() + " rows compared; same table as before = " + salesTable(dataSource).equals(salesBefore));

            out.println("== Status");
            for (ProjectionRunner<?> r : List.of(summaries, histories, sales)) {
                var s = r.status();
                out.printf("   %-16s %-8s position %d, lag %d events / %d ms, %d events applied, last error %s%n",
                        s.name(), s.state(), s.position(), s.lagEvents(), s.lagMs(), s.eventsApplied(), s.lastError().orElse("none"));
            }
            return salesAfter;
        }
    }

    private static void show(PrintStream out, CommandOutcome outcome) {
        if (outcome instanceof CommandOutcome.Accepted a) {
            List<String> types = new ArrayList<>();
            a.events().forEach(e -> types.add(e.getClass().getSimpleName()));
            out.println("   accepted  " + a.stream() + " " + types + " -> position " + a.position());
        } else {
            CommandOutcome.Rejected r = (CommandOutcome.Rejected) outcome;
            out.println("   rejected  " + r.stream() + ": " + r.reason());
        }
    }

    /** The sales table as {@code product -> units/revenue}. */
    static Map<String, String> salesTable(DataSource dataSource) throws SQLException {
        Map<String, String> out = new TreeMap<>();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT product_id, units, revenue FROM \"product-sales\".product_sales")) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getLong(2) + "/" + rs.getBigDecimal(3).toPlainString());
            }
        }
        return out;
    }
}
