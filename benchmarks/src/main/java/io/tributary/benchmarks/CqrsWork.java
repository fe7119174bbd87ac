package io.tributary.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.core.AppendResult;
import io.tributary.core.EventData;
import io.tributary.core.ExpectedVersion;
import io.tributary.core.ReadFilter;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StreamName;
import io.tributary.core.Subscription;
import io.tributary.cqrs.DocumentStore;
import io.tributary.cqrs.DocumentWriter;
import io.tributary.cqrs.JdbcReadModelStore;
import io.tributary.cqrs.Projection;
import io.tributary.cqrs.ProjectionRunner;
import io.tributary.cqrs.ProjectionStatus;
import io.tributary.cqrs.ReadModelStore;
import io.tributary.cqrs.SqlWriter;
import io.tributary.store.Durability;
import io.tributary.store.EmbeddedEventStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.HdrHistogram.Histogram;

/**
 * The child-JVM side of {@link CqrsBenchmarks}: builds the order-line log, runs the sales-per-product
 * projection over it into one read-model store (catch-up), reads the same log raw, and measures
 * append-to-visibility latency of a live projection under a paced appender.
 *
 * <p>The log: events of type {@value #TYPE} in streams {@code order-<n>}, 200 bytes each like the
 * other benchmarks (type 14 B + metadata 36 B + data 150 B), data
 * {@code {"productId":"p-00042","quantity":3,"priceCents":1999,"pad":"…"}} with a product drawn
 * from a seeded random among {@code products}. The projection parses the data (Jackson) and adds
 * quantity, revenue and one line to the product's document (document stores: collection
 * {@code sales}, key = product id) or row (PostgreSQL: an upsert into {@code product_sales}).
 */
final class CqrsWork {
    /** The event type of the order-line log. */
    static final String TYPE = "ProductOrdered";
    /** The projection's name. */
    static final String PROJECTION = "product-sales";
    private static final byte[] METADATA = "{\"correlationId\":\"4f1c2a9e7b3d5a60\"}".getBytes(StandardCharsets.UTF_8);
    private static final int DATA_BYTES = 150;
    private static final int ORDER_STREAMS = 10_000;
    private static final int IN_FLIGHT = 8;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String UPSERT = "INSERT INTO product_sales (product_id, units, revenue_cents, lines) VALUES (?, ?, ?, 1) "
            + "ON CONFLICT (product_id) DO UPDATE SET units = product_sales.units + EXCLUDED.units, "
            + "revenue_cents = product_sales.revenue_cents + EXCLUDED.revenue_cents, lines = product_sales.lines + 1";

    private CqrsWork() {
    }

    // ---------------------------------------------------------------- the log

    /** Makes order-line events; not thread-safe. */
    static final class Lines {
        private final Events ids;
        private final SplittableRandom random;
        private final int products;
        private long units;

        Lines(long seed, int products) {
            this.ids = new Events(seed, 200);
            this.random = new SplittableRandom(seed ^ 0x5DEECE66DL);
            this.products = products;
        }

        EventData next() {
            int quantity = 1 + random.nextInt(5);
            units += quantity;
            String json = String.format("{\"productId\":\"p-%05d\",\"quantity\":%d,\"priceCents\":%d,\"pad\":\"",
                    random.nextInt(products), quantity, 100 + random.nextInt(9_900));
            byte[] data = new byte[DATA_BYTES];
            Arrays.fill(data, (byte) 'x');
            byte[] head = json.getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(head, 0, data, 0, head.length);
            data[DATA_BYTES - 2] = '"';
            data[DATA_BYTES - 1] = '}';
            return new EventData(ids.nextId(), TYPE, data, METADATA);
        }

        long units() {
            return units;
        }
    }

    /** Builds a log of {@code events} order lines in {@code dir}, batches of 1,000 (8 in flight), no fsync until close. */
    static Map<String, Object> buildLog(Path dir, long events, int products, long segmentBytes, long seed)
            throws InterruptedException {
        Lines lines = new Lines(seed, products);
        Semaphore inFlight = new Semaphore(IN_FLIGHT);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Map<String, Object> result = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        long written = 0;
        try (EmbeddedEventStore store = StoreSide.open(dir, Durability.none(), segmentBytes)) {
            for (long b = 0; written < events && failure.get() == null; b++) {
                int n = (int) Math.min(1_000, events - written);
                List<EventData> batch = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    batch.add(lines.next());
                }
                written += n;
                inFlight.acquire();
                store.append(StreamName.of("order", b % ORDER_STREAMS), ExpectedVersion.any(), batch).whenComplete((r, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                    inFlight.release();
                });
            }
            if (!inFlight.tryAcquire(IN_FLIGHT, 10, TimeUnit.MINUTES)) {
                throw new IllegalStateException("appends did not complete within 10 minutes");
            }
            if (failure.get() != null) {
                throw new IllegalStateException("building the log failed: " + failure.get(), failure.get());
            }
            StoreSide.addStats(result, store);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        result.put("events", written);
        result.put("units", lines.units());
        result.put("seconds", seconds);
        result.put("eventsPerSec", written / seconds);
        return result;
    }

    // ---------------------------------------------------------------- the projection

    /** Reads one order line's fields. */
    private record Line(String productId, long quantity, long revenueCents) {
        static Line of(RecordedEvent event) {
            try {
                JsonNode node = JSON.readTree(event.data());
                long quantity = node.get("quantity").asLong();
                return new Line(node.get("productId").asText(), quantity, quantity * node.get("priceCents").asLong());
            } catch (IOException e) {
                throw new UncheckedIOException("event at " + event.position() + " is not an order line", e);
            }
        }
    }

    /** Sales per product as documents: {@code sales/<productId> = {units, revenueCents, lines}}. */
    static Projection<DocumentWriter> documentProjection() {
        return Projection.of(PROJECTION, ReadFilter.categories("order"), (event, w) -> {
            Line line = Line.of(event);
            ObjectNode doc = w.get("sales", line.productId()).orElseGet(JsonNodeFactory.instance::objectNode);
            doc.put("units", doc.path("units").asLong() + line.quantity());
            doc.put("revenueCents", doc.path("revenueCents").asLong() + line.revenueCents());
            doc.put("lines", doc.path("lines").asLong() + 1);
            w.put("sales", line.productId(), doc);
        });
    }

    /** A product's sales as an immutable record: kept as it is by the document stores, no JSON tree, no copy. */
    record Sales(long units, long revenueCents, long lines) {
        static final Sales NONE = new Sales(0, 0, 0);

        Sales plus(Line line) {
            return new Sales(units + line.quantity(), revenueCents + line.revenueCents(), lines + 1);
        }
    }

    /** The same sales per product as {@link #documentProjection()}, written as {@link Sales} records. */
    static Projection<DocumentWriter> recordProjection() {
        return Projection.of(PROJECTION, ReadFilter.categories("order"), (event, w) -> {
            Line line = Line.of(event);
            w.put("sales", line.productId(), w.get("sales", line.productId(), Sales.class).orElse(Sales.NONE).plus(line));
        });
    }

    /** Parses every event like the real projection but writes nothing: the runner's and the parse's share of the cost. */
    static Projection<DocumentWriter> parseOnlyProjection(long[] units) {
        return Projection.of(PROJECTION, ReadFilter.categories("order"), (event, w) -> units[0] += Line.of(event).quantity());
    }

    /** Sales per product as rows of {@code product_sales}, one upsert per event (batched by the store). */
    static Projection<SqlWriter> sqlProjection() {
        return Projection.of(PROJECTION, ReadFilter.categories("order"), (event, w) -> {
            Line line = Line.of(event);
            w.execute(UPSERT, line.productId(), line.quantity(), line.revenueCents());
        }, w -> w.execute("DELETE FROM product_sales"));
    }

    // ---------------------------------------------------------------- catch-up

    /**
     * Runs the projection from position 0 to the head of the log in {@code logDir} into a fresh
     * read-model store of kind {@code kind} ({@code memory}, {@code rocksdb}, {@code postgres}) in
     * {@code dir} ({@code parse-only}: the in-memory store with a projection that parses each event and
 * writes nothing); times start of the runner → {@code awaitPosition(head)}; checks that the read
     * model's total units equal {@code expectedUnits}.
     */
    static Map<String, Object> catchUp(String kind, Path logDir, Path dir, long segmentBytes, int batchEvents, long expectedUnits)
            throws IOException, SQLException {
        Files.createDirectories(dir);
        Map<String, Object> result = new LinkedHashMap<>();
        try (EmbeddedEventStore store = StoreSide.open(logDir, Durability.fsync(), segmentBytes)) {
            long head = store.headPosition();
            if (kind.equals("postgres")) {
                try (EmbeddedPostgres postgres = startPostgres(dir, result)) {
                    DataSource source = postgres.getPostgresDatabase();
                    try (Connection c = source.getConnection(); Statement s = c.createStatement()) {
                        s.execute("CREATE TABLE product_sales (product_id text PRIMARY KEY, units bigint NOT NULL, "
                                + "revenue_cents bigint NOT NULL, lines bigint NOT NULL)");
                    }
                    try (ReadModelStore<SqlWriter> sql = JdbcReadModelStore.postgres(source)) {
                        runToHead(store, sqlProjection(), sql, head, batchEvents, result);
                    }
                    try (Connection c = source.getConnection(); Statement s = c.createStatement();
                         ResultSet rs = s.executeQuery("SELECT coalesce(sum(units), 0), count(*) FROM product_sales")) {
                        rs.next();
                        check(rs.getLong(1), expectedUnits, rs.getLong(2), result);
                    }
                    result.put("pg.serverRssBytes", PostgresClients.serverRss(dir.resolve("pgdata")));
                }
            } else if (kind.equals("parse-only")) {
                long[] units = new long[1];
                try (DocumentStore docs = DocumentStore.inMemory()) {
                    runToHead(store, parseOnlyProjection(units), docs, head, batchEvents, result);
                }
                check(units[0], expectedUnits, 0, result);
            } else {
                try (DocumentStore docs = kind.equals("rocksdb") ? DocumentStore.rocksDb(dir.resolve("rocksdb"))
                        : DocumentStore.inMemory()) {
                    runToHead(store, kind.equals("memory-records") ? recordProjection() : documentProjection(), docs, head,
                            batchEvents, result);
                    long units = 0;
                    List<ObjectNode> all = docs.all(PROJECTION, "sales");
                    for (ObjectNode d : all) {
                        units += d.get("units").asLong();
                    }
                    check(units, expectedUnits, all.size(), result);
                }
                if (kind.equals("rocksdb")) {
                    result.put("rocksdbBytes", Files2.sizeOf(dir.resolve("rocksdb")));
                }
            }
        }
        return result;
    }

    private static <W> void runToHead(EmbeddedEventStore store, Projection<W> projection, ReadModelStore<W> readModels,
                                      long head, int batchEvents, Map<String, Object> result) {
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        try (ProjectionRunner<W> runner = ProjectionRunner.start(store, projection, readModels,
                io.tributary.cqrs.ProjectionOptions.defaults().withMaxBatchEvents(batchEvents))) {
            runner.awaitPosition(head, Duration.ofHours(2));
            double seconds = (System.nanoTime() - t0) / 1e9;
            ProjectionStatus status = runner.status();
            result.put("events", head + 1);
            result.put("applied", status.eventsApplied());
            result.put("seconds", seconds);
            result.put("eventsPerSec", (head + 1) / seconds);
            // CPU of the whole JVM (runner, log reads, GC) per event: steadier than the wall time on a busy machine.
            result.put("cpuNanosPerEvent", (os.getProcessCpuTime() - cpu0) / (double) (head + 1));
        }
    }

    private static void check(long units, long expectedUnits, long documents, Map<String, Object> result) {
        if (units != expectedUnits) {
            throw new IllegalStateException("the read model has " + units + " units in total, the log has " + expectedUnits);
        }
        result.put("documents", documents);
    }

    /** Starts PostgreSQL in {@code dir} with fsync and synchronous_commit on, checked with SHOW. */
    private static EmbeddedPostgres startPostgres(Path dir, Map<String, Object> result) throws IOException, SQLException {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(dir.resolve("pgdata"))
                .setCleanDataDirectory(true)
                .setPGStartupWait(Duration.ofSeconds(120))
                .setOutputRedirector(ProcessBuilder.Redirect.appendTo(dir.resolve("postgres.log").toFile()))
                .setErrorRedirector(ProcessBuilder.Redirect.appendTo(dir.resolve("postgres.log").toFile()));
        PostgresClients.DURABLE.forEach(builder::setServerConfig);
        EmbeddedPostgres postgres = builder.start();
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            for (Map.Entry<String, String> setting : PostgresClients.DURABLE.entrySet()) {
                String actual = PostgresClients.show(s, setting.getKey());
                if (!setting.getValue().equals(actual)) {
                    postgres.close();
                    throw new IllegalStateException("PostgreSQL " + setting.getKey() + " is " + actual + ", the benchmark needs "
                            + setting.getValue());
                }
            }
            result.put("pg.version", PostgresClients.show(s, "server_version").replace(' ', '_'));
        }
        return postgres;
    }

    // ---------------------------------------------------------------- the limit: raw reads

    /**
     * Reads the whole log raw: {@code readAll} in pages of {@code pageSize} (the harness's {@code $all}
     * read), then through a {@code subscribeToAll} with the projection's filter, polled
     * {@code batchEvents} at a time (the runner's own read path, without a projection).
     */
    static Map<String, Object> rawReads(Path logDir, int pageSize, int batchEvents, long segmentBytes) throws InterruptedException {
        Map<String, Object> result = new LinkedHashMap<>(LogReads.readAll(logDir, pageSize, segmentBytes));
        try (EmbeddedEventStore store = StoreSide.open(logDir, Durability.fsync(), segmentBytes)) {
            long head = store.headPosition();
            long t0 = System.nanoTime();
            long events = 0;
            long bytes = 0;
            try (Subscription sub = store.subscribeToAll(0, ReadFilter.categories("order"))) {
                while (sub.nextCursor() <= head) {
                    for (RecordedEvent e : sub.poll(batchEvents, Duration.ofSeconds(10))) {
                        bytes += e.data().length;
                        events++;
                    }
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (events != head + 1) {
                throw new IllegalStateException("the subscription delivered " + events + " events, the log has " + (head + 1));
            }
            result.put("subscription.eventsPerSec", events / seconds);
            result.put("subscription.dataBytes", bytes);
        }
        return result;
    }

    // ---------------------------------------------------------------- latency

    /** One paced append on its way to the read model. */
    private static final class Pending {
        final long startNanos;
        final CompletableFuture<AppendResult> result;
        volatile long ackNanos;

        Pending(long startNanos, CompletableFuture<AppendResult> result) {
            this.startNanos = startNanos;
            this.result = result;
            result.whenComplete((r, e) -> ackNanos = System.nanoTime());
        }
    }

    /**
     * Append-to-visibility latency: one thread appends single events with fsync durability at
     * {@code rate} per second (open loop: each append starts at its scheduled time, without
     * waiting for the previous one); a live projection runs into a fresh {@code kind} store; a
     * waiter takes the appends in order and calls {@code awaitPosition(position)}; latency =
     * append start → {@code awaitPosition} returned (the batch with the event and its checkpoint
     * is committed and visible to queries). The first {@code warmupSeconds} are not recorded.
     */
    static Map<String, Object> latency(String kind, Path dir, long segmentBytes, int rate, double warmupSeconds,
                                       double measureSeconds, int products, long seed) throws Exception {
        Files.createDirectories(dir);
        Map<String, Object> result = new LinkedHashMap<>();
        long total = (long) ((warmupSeconds + measureSeconds) * rate);
        long warmup = (long) (warmupSeconds * rate);
        Lines lines = new Lines(seed, products);
        Histogram visible = new Histogram(3_600_000_000L, 3);
        Histogram acked = new Histogram(3_600_000_000L, 3);
        try (EmbeddedEventStore store = StoreSide.open(dir.resolve("log"), Durability.fsync(), segmentBytes);
             DocumentStore docs = kind.equals("rocksdb") ? DocumentStore.rocksDb(dir.resolve("rocksdb")) : DocumentStore.inMemory();
             ProjectionRunner<DocumentWriter> runner = ProjectionRunner.start(store, documentProjection(), docs)) {
            BlockingQueue<Pending> queue = new ArrayBlockingQueue<>(1_000_000);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread waiter = new Thread(() -> {
                try {
                    for (long i = 0; i < total; i++) {
                        Pending p = queue.take();
                        long position = p.result.join().position();
                        runner.awaitPosition(position, Duration.ofSeconds(30));
                        long now = System.nanoTime();
                        if (i >= warmup) {
                            visible.recordValue(Math.max(1, (now - p.startNanos) / 1_000));
                            long ack = p.ackNanos == 0 ? now : p.ackNanos;
                            acked.recordValue(Math.max(1, (ack - p.startNanos) / 1_000));
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "visibility-waiter");
            waiter.start();
            long period = 1_000_000_000L / rate;
            long t0 = System.nanoTime();
            long lateStarts = 0;
            for (long i = 0; i < total && failure.get() == null; i++) {
                long due = t0 + i * period;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                } else if (wait < -1_000_000) {
                    lateStarts++;
                }
                EventData event = lines.next();
                long start = System.nanoTime();
                queue.put(new Pending(start, store.append(StreamName.of("order", i % ORDER_STREAMS), ExpectedVersion.any(), event)));
            }
            double appendSeconds = (System.nanoTime() - t0) / 1e9;
            waiter.join(TimeUnit.MINUTES.toMillis(2));
            if (failure.get() != null) {
                throw new IllegalStateException("latency run failed: " + failure.get(), failure.get());
            }
            if (waiter.isAlive()) {
                throw new IllegalStateException("the read model did not see every append within 2 minutes");
            }
            result.put("appends", total - warmup);
            result.put("ratePerSec", total / appendSeconds);
            result.put("lateStarts", lateStarts);
            result.put("p50Micros", visible.getValueAtPercentile(50));
            result.put("p99Micros", visible.getValueAtPercentile(99));
            result.put("p999Micros", visible.getValueAtPercentile(99.9));
            result.put("maxMicros", visible.getMaxValue());
            result.put("ackP50Micros", acked.getValueAtPercentile(50));
            result.put("ackP99Micros", acked.getValueAtPercentile(99));
            result.put("documents", docs.all(PROJECTION, "sales").size());
            StoreSide.addStats(result, store);
        }
        return result;
    }
}
