package io.tributary.server.internal;

import io.tributary.server.ServerConfig;
import io.tributary.store.Durability;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tributary demo}: the server with a live shop (event-sourced orders, CQRS projections, stream processors,
 * an inventory database captured by CDC)
 * to watch in the web console, until Ctrl-C. A second run continues from the stored data.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run the server with a live shop to watch in the web console.",
                "Simulated customers place, pay, ship and cancel orders (event-sourced, validated by",
                "the Shop decider); the order-summary and customer-orders projections follow them;",
                "stream processors compute sales per minute and raise alerts on repeatedly declined payments.",
                "A separate inventory database (an embedded PostgreSQL) is changed by SQL (restocks, and",
                "a decrement per order) and captured by CDC; the stock-levels projection combines it with the orders.",
                "Ctrl-C stops it; a second run continues from the stored data. 'tributary tour' is",
                "the short tour of the embedded log without a server."})
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--data", paramLabel = "DIR", description = "the data directory (default: ./demo-data)")
    private Path data = Path.of("demo-data");

    @Option(names = "--port", paramLabel = "N", description = "the TCP port; 0 picks a free one (default: 7070)")
    private int port = 7070;

    @Option(names = "--bind", paramLabel = "ADDRESS", description = "the address to listen on (default: 127.0.0.1)")
    private String bind = "127.0.0.1";

    @Option(names = "--rate", paramLabel = "N", description = "orders per second, about (default: 2; 0 for none)")
    private double rate = 2;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /** Runs the demo until the JVM shuts down. */
    @Override
    public Integer call() throws InterruptedException {
        if (rate < 0 || rate > 1_000) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--rate must be between 0 and 1000, got " + rate);
        }
        ServerConfig config;
        try {
            config = ServerConfig.builder(data.resolve("log")).bindAddress(bind).port(port).durability(Durability.fsync()).build();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        // The inventory database's start-up chatter (binaries, initdb, postmaster) would bury the banner; its server log
        // goes to <data>/inventory-postgres.log.
        System.getProperties().putIfAbsent("org.slf4j.simpleLogger.log.io.zonky.test.db.postgres", "warn");
        ShopDemo demo = ShopDemo.start(config, data, rate, System.nanoTime());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                demo.close();
            } finally {
                stopped.countDown();
            }
        }, "tributary-demo-shutdown"));
        String url = "http://" + bind + ":" + demo.server().port();
        PrintWriter out = spec.commandLine().getOut();
        out.println("Tributary demo: a live shop on the embedded engine, data in " + data.toAbsolutePath()
                + " (a second run continues from it).");
        out.println();
        out.println("  Console      " + url + "/");
        out.println("  Overview     the append rate as customers place, pay, ship and cancel orders");
        out.println("  Streams      order-*, customer-* and product-* streams; open one and watch its events arrive");
        out.println("  Projections  order-summary, customer-orders and stock-levels following live; Rebuild replays one from the start");
        out.println("  Aggregates   the orders are event-sourced: open one, see its audit trail (each event with the state");
        out.println("               after it) and move the slider to see the order as it was at any version or time");
        out.println("  Processors   sales-per-minute (paid orders per minute, a SalesPerMinute event in stream sales-perminute");
        out.println("               when each minute closes) and suspicious-activity (3 declined payments of one customer");
        out.println("               within a minute append a SuspiciousActivity alert to alerts-<customer>); watch their");
        out.println("               input position and watermark move, and look up state: store sales, key shop");
        out.println("  Alerts       Streams page, category alerts (or: tributary tail --category alerts)");
        out.println("  CDC          the inventory database is changed by SQL; watch /cdc and the stock-<id> streams");
        out.println("               (" + demo.inventory().jdbcUrl() + ", user postgres: change the stock table yourself)");
        out.println("               and the stock-levels projection: units in stock (from CDC) and in open orders");
        out.println("  Try          curl " + url + "/projections/customer-orders/state/ada");
        out.println("               curl " + url + "/projections/stock-levels/state/kb");
        out.println("               curl " + url + "/processors/sales-per-minute/state/sales/shop");
        out.println("               curl " + url + "/aggregates/orders/<order id>/audit   (ids: curl '" + url + "/streams?category=order')");
        out.println("               curl " + url + "/processors/suspicious-activity/state/declined-payments/ada");
        out.println();
        out.println("listening on " + url);
        out.println("Ctrl-C stops it.");
        out.flush();
        stopped.await();
        return 0;
    }
}
