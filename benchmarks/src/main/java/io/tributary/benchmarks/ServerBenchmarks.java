package io.tributary.benchmarks;

import io.tributary.core.EventData;
import io.tributary.core.EventStore;
import io.tributary.core.ExpectedVersion;
import io.tributary.core.ReadFilter;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StoreClosedException;
import io.tributary.core.StreamName;
import io.tributary.core.Subscription;
import io.tributary.server.ServerConfig;
import io.tributary.server.TributaryServer;
import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.StoreConfig;
import io.tributary.store.Tributary;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.HdrHistogram.Histogram;

/**
 * Server benchmarks (issue 7): the HTTP API against the embedded API on the same workload, so
 * the difference is the server's overhead.
 *
 * <ul>
 *   <li><b>Append</b>: {@code C} client threads (16 and 64 by default), each appending one small
 *       event at a time to its own stream, for {@code --seconds}: over HTTP
 *       ({@code POST /streams/{s}}, one {@code java.net.http.HttpClient} per thread, HTTP/1.1,
 *       waiting for each 201) and through {@code EventStore.append(...).join()} on an embedded
 *       store. Throughput and latency p50/p99 (HdrHistogram), durability {@code fsync}.</li>
 *   <li><b>SSE fan-out</b>: {@code --subscribers} (100) clients on {@code GET /subscribe/all} while
 *       one writer appends {@code --sse-events} events in appends of {@code --sse-batch}; each event
 *       carries the {@code System.nanoTime()} at which its append started. Delivered events/s per
 *       subscriber and append→delivery latency; beside it the same with {@code Subscription.poll}
 *       consumers on an embedded store.</li>
 * </ul>
 * The server runs in this JVM (started with port 0), so clients and server share the machine's
 * cores, as do the embedded threads and the store. Every measurement runs {@code --runs} times
 * (3) on a fresh data directory; the report shows medians and the per-run values.
 *
 * <p>Flags: {@code --clients 16,64}, {@code --seconds 5}, {@code --warmup-seconds 1},
 * {@code --subscribers 100}, {@code --sse-events 20000}, {@code --sse-batch 10}, {@code --runs 3},
 * {@code --only append,sse}, {@code --work-dir DIR}. SSE streams hold no server thread (non-blocking
 * I/O), but each subscriber here has a reader thread of its own on the client side (as each embedded
 * consumer has a polling thread).
 * Prints a Markdown report to stdout; progress goes to stderr.
 */
public final class ServerBenchmarks {
    private static final String PAD = "x".repeat(60);
    private static final long HISTOGRAM_MAX_NS = TimeUnit.SECONDS.toNanos(60);

    private ServerBenchmarks() {
    }

    /** One measurement of one run. */
    record Result(double perSecond, double p50Us, double p99Us, double extra) {
    }

    /** Entry point; see the class description for flags. */
    public static void main(String[] args) throws Exception {
        if (Arrays.asList(args).contains("--help")) {
            System.out.println(String.join("\n",
                    "Usage: benchmarks/run-server.sh [--no-build] [flags]",
                    "  --only LIST            append,sse (default: both)",
                    "  --clients LIST         client threads for the append load (default 16,64)",
                    "  --seconds S            measured seconds per load (default 5)",
                    "  --warmup-seconds S     warm-up seconds per load (default 1)",
                    "  --subscribers N        SSE subscribers, 1 to 5000 (default 100)",
                    "  --sse-events N         events appended during the fan-out (default 20000)",
                    "  --sse-batch N          events per append during the fan-out (default 10)",
                    "  --runs N               runs per measurement, medians reported (default 3)",
                    "  --work-dir DIR         data directories (default benchmarks/target/server-bench-work)"));
            return;
        }
        int[] clients = Arrays.stream(flag(args, "--clients", "16,64").split(",")).mapToInt(Integer::parseInt).toArray();
        int seconds = Integer.parseInt(flag(args, "--seconds", "5"));
        int warmup = Integer.parseInt(flag(args, "--warmup-seconds", "1"));
        int subscribers = Integer.parseInt(flag(args, "--subscribers", "100"));
        int sseEvents = Integer.parseInt(flag(args, "--sse-events", "20000"));
        int sseBatch = Integer.parseInt(flag(args, "--sse-batch", "10"));
        int runs = Integer.parseInt(flag(args, "--runs", "3"));
        String only = flag(args, "--only", "append,sse");
        Path work = Path.of(flag(args, "--work-dir", "benchmarks/target/server-bench-work"));
        Files.createDirectories(work);
        if (subscribers < 1 || subscribers > 5_000) {
            throw new IllegalArgumentException("--subscribers must be between 1 and 5000, got " + subscribers);
        }

        StringBuilder report = new StringBuilder(Machine.describe(work)).append("\n\n");
        if (only.contains("append")) {
            report.append("### HTTP append vs embedded append (single-event appends, fsync)\n\n")
                    .append("| clients | API | appends/s | p50 | p99 | runs (appends/s) |\n|---|---|---|---|---|---|\n");
            for (int c : clients) {
                List<Result> embedded = new ArrayList<>();
                List<Result> http = new ArrayList<>();
                List<Result> raw = new ArrayList<>();
                for (int r = 0; r < runs; r++) {
                    embedded.add(appendEmbedded(work.resolve("emb-" + c + "-" + r + "-" + System.nanoTime()), c, warmup, seconds));
                    http.add(appendHttp(work.resolve("http-" + c + "-" + r + "-" + System.nanoTime()), c, warmup, seconds, false));
                    raw.add(appendHttp(work.resolve("raw-" + c + "-" + r + "-" + System.nanoTime()), c, warmup, seconds, true));
                    progress("append %d clients run %d: embedded %s, java.net.http %s, raw %s", c, r + 1, embedded.get(r),
                            http.get(r), raw.get(r));
                }
                row(report, c, "embedded `EventStore.append`", embedded);
                row(report, c, "HTTP, `java.net.http.HttpClient`", http);
                row(report, c, "HTTP, minimal keep-alive client", raw);
                ratio(report, c + " | **server / embedded**, java.net.http", http, embedded);
                ratio(report, c + " | **server / embedded**, minimal client", raw, embedded);
            }
            report.append('\n');
        }
        if (only.contains("sse")) {
            List<Result> embedded = new ArrayList<>();
            List<Result> sse = new ArrayList<>();
            List<Result> raw = new ArrayList<>();
            for (int r = 0; r < runs; r++) {
                embedded.add(fanOutEmbedded(work.resolve("emb-sub-" + r + "-" + System.nanoTime()), subscribers, sseEvents, sseBatch));
                sse.add(fanOutSse(work.resolve("sse-" + r + "-" + System.nanoTime()), subscribers, sseEvents, sseBatch, false));
                raw.add(fanOutSse(work.resolve("raw-sse-" + r + "-" + System.nanoTime()), subscribers, sseEvents, sseBatch, true));
                progress("fan-out run %d: embedded %s, java.net.http sse %s, raw sse %s", r + 1, embedded.get(r), sse.get(r), raw.get(r));
            }
            report.append("### Fan-out: ").append(subscribers).append(" subscribers, one writer appending ")
                    .append(Stats.count(sseEvents)).append(" events in appends of ").append(sseBatch).append(" (fsync)\n\n")
                    .append("| API | events/s per subscriber (median subscriber) | total deliveries/s | append→delivery p50 | p99 | runs (events/s per subscriber) |\n")
                    .append("|---|---|---|---|---|---|\n");
            fanOutRow(report, "embedded `Subscription.poll`", embedded, subscribers);
            fanOutRow(report, "SSE `GET /subscribe/all`, `java.net.http.HttpClient`", sse, subscribers);
            fanOutRow(report, "SSE `GET /subscribe/all`, minimal client", raw, subscribers);
            ratio(report, "**server / embedded**, java.net.http", sse, embedded);
            ratio(report, "**server / embedded**, minimal client", raw, embedded);
            report.append('\n');
        }
        System.out.println(report);
    }

    // ---- append ------------------------------------------------------------------------------

    /** The body of one small event (~100 bytes of JSON data). */
    private static String eventJson(int client, long n) {
        return "{\"client\":" + client + ",\"n\":" + n + ",\"pad\":\"" + PAD + "\"}";
    }

    private static Result appendEmbedded(Path dir, int clients, int warmup, int seconds) throws Exception {
        try (EmbeddedEventStore store = Tributary.open(StoreConfig.builder(dir).build())) {
            return load(clients, warmup, seconds, c -> {
                StreamName stream = StreamName.of("bench-" + c);
                long[] n = {0};
                return () -> store.append(stream, ExpectedVersion.any(), EventData.json("Tick", eventJson(c, n[0]++))).join();
            });
        } finally {
            Files2.deleteRecursively(dir);
        }
    }

    private static Result appendHttp(Path dir, int clients, int warmup, int seconds, boolean rawClient) throws Exception {
        try (TributaryServer server = TributaryServer.start(ServerConfig.builder(dir).port(0).build())) {
            URI base = server.uri();
            if (rawClient) {
                return load(clients, warmup, seconds, c -> {
                    RawHttp http = new RawHttp("127.0.0.1", server.port());
                    String path = "/streams/bench-" + c;
                    long[] n = {0};
                    return () -> {
                        byte[] body = ("[{\"type\":\"Tick\",\"data\":" + eventJson(c, n[0]++) + "}]").getBytes(StandardCharsets.UTF_8);
                        int status = http.post(path, body);
                        if (status != 201) {
                            throw new IllegalStateException("append answered " + status);
                        }
                    };
                });
            }
            return load(clients, warmup, seconds, c -> {
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                URI uri = URI.create(base + "/streams/bench-" + c);
                long[] n = {0};
                return () -> {
                    HttpRequest request = HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("[{\"type\":\"Tick\",\"data\":" + eventJson(c, n[0]++) + "}]"))
                            .build();
                    HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() != 201) {
                        throw new IllegalStateException("append answered " + r.statusCode() + ": " + r.body());
                    }
                };
            });
        } finally {
            Files2.deleteRecursively(dir);
        }
    }

    /** One operation of a client thread. */
    interface Op {
        void run() throws Exception;
    }

    /** Makes client {@code c}'s operation (called on that client's thread). */
    interface OpFactory {
        Op create(int client) throws IOException;
    }

    /** Runs {@code clients} threads in a closed loop: warm-up, then {@code seconds} measured. */
    private static Result load(int clients, int warmup, int seconds, OpFactory ops) throws Exception {
        AtomicBoolean measuring = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        Histogram[] histograms = new Histogram[clients];
        long[] counts = new long[clients];
        Throwable[] failure = new Throwable[1];
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            histograms[c] = new Histogram(HISTOGRAM_MAX_NS, 3);
            Thread t = new Thread(() -> {
                try {
                    Op op = ops.create(client);
                    while (!stop.get()) {
                        long t0 = System.nanoTime();
                        op.run();
                        long ns = System.nanoTime() - t0;
                        if (measuring.get()) {
                            histograms[client].recordValue(Math.min(ns, HISTOGRAM_MAX_NS));
                            counts[client]++;
                        }
                    }
                } catch (Throwable e) {
                    synchronized (failure) {
                        failure[0] = e;
                    }
                    stop.set(true);
                }
            }, "bench-client-" + c);
            threads.add(t);
            t.start();
        }
        TimeUnit.SECONDS.sleep(warmup);   // the load runs for a fixed time: no event to wait for
        measuring.set(true);
        long start = System.nanoTime();
        TimeUnit.SECONDS.sleep(seconds);
        measuring.set(false);
        long elapsed = System.nanoTime() - start;
        stop.set(true);
        for (Thread t : threads) {
            t.join();
        }
        synchronized (failure) {
            if (failure[0] != null) {
                throw new IllegalStateException("a client failed", failure[0]);
            }
        }
        Histogram all = new Histogram(HISTOGRAM_MAX_NS, 3);
        long total = 0;
        for (int c = 0; c < clients; c++) {
            all.add(histograms[c]);
            total += counts[c];
        }
        return new Result(total * 1e9 / elapsed, all.getValueAtPercentile(50) / 1e3, all.getValueAtPercentile(99) / 1e3, 0);
    }

    // ---- fan-out -----------------------------------------------------------------------------

    /** Data of a fan-out event: the nanoTime its append started, first, so a reader finds it cheaply. */
    private static String stampedJson(long nanos, int i) {
        return "{\"t\":" + nanos + ",\"i\":" + i + ",\"pad\":\"" + PAD + "\"}";
    }

    /** The {@code t} of a stamped event's data, read from {@code text} starting at {@code from}. */
    private static long stamp(CharSequence text, int from) {
        int i = from;
        long v = 0;
        while (i < text.length() && Character.isDigit(text.charAt(i))) {
            v = v * 10 + (text.charAt(i++) - '0');
        }
        return v;
    }

    /** Appends {@code events} stamped events in batches; returns the nanoTime of the first append. */
    private static long write(EventStore store, int events, int batch) {
        StreamName stream = StreamName.of("fanout-1");
        long start = System.nanoTime();
        for (int i = 0; i < events; i += batch) {
            long now = System.nanoTime();
            List<EventData> list = new ArrayList<>(batch);
            for (int j = i; j < Math.min(events, i + batch); j++) {
                list.add(EventData.json("Stamped", stampedJson(now, j)));
            }
            store.append(stream, ExpectedVersion.any(), list).join();
        }
        return start;
    }

    /** What each subscriber measured: latencies and when it received the last event. */
    private static final class Receiver {
        final Histogram latency = new Histogram(HISTOGRAM_MAX_NS, 3);
        long received;
        long lastAt;

        void onEvent(long stampNanos) {
            long now = System.nanoTime();
            latency.recordValue(Math.min(HISTOGRAM_MAX_NS, Math.max(0, now - stampNanos)));
            received++;
            lastAt = now;
        }
    }

    private static Result fanOutEmbedded(Path dir, int subscribers, int events, int batch) throws Exception {
        try (EmbeddedEventStore store = Tributary.open(StoreConfig.builder(dir).build())) {
            Receiver[] receivers = new Receiver[subscribers];
            CountDownLatch done = new CountDownLatch(subscribers);
            List<Subscription> subs = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (int s = 0; s < subscribers; s++) {
                Receiver rec = receivers[s] = new Receiver();
                Subscription sub = store.subscribeToAll(store.headPosition() + 1, ReadFilter.all());
                subs.add(sub);
                Thread t = new Thread(() -> {
                    try {
                        while (rec.received < events) {
                            for (RecordedEvent e : sub.poll(500, Duration.ofSeconds(1))) {
                                String data = e.dataAsString();
                                rec.onEvent(stamp(data, 5));
                            }
                        }
                    } catch (InterruptedException | StoreClosedException e) {
                        return;
                    } finally {
                        done.countDown();
                    }
                }, "bench-sub-" + s);
                threads.add(t);
                t.start();
            }
            long start = write(store, events, batch);
            if (!done.await(10, TimeUnit.MINUTES)) {
                throw new IllegalStateException("embedded subscribers did not receive all events");
            }
            subs.forEach(Subscription::close);
            for (Thread t : threads) {
                t.join();
            }
            return fanOutResult(receivers, events, start);
        } finally {
            Files2.deleteRecursively(dir);
        }
    }

    private static Result fanOutSse(Path dir, int subscribers, int events, int batch, boolean rawClient) throws Exception {
        if (rawClient) {
            return fanOutRawSse(dir, subscribers, events, batch);
        }
        try (TributaryServer server = TributaryServer.start(ServerConfig.builder(dir).port(0).build())) {
            Receiver[] receivers = new Receiver[subscribers];
            CountDownLatch subscribed = new CountDownLatch(subscribers);
            CountDownLatch done = new CountDownLatch(subscribers);
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            List<InputStream> bodies = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (int s = 0; s < subscribers; s++) {
                Receiver rec = receivers[s] = new Receiver();
                HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(URI.create(server.uri() + "/subscribe/all"))
                        .header("Accept", "text/event-stream").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
                if (response.statusCode() != 200) {
                    throw new IllegalStateException("subscribe answered " + response.statusCode());
                }
                bodies.add(response.body());
                Thread t = new Thread(() -> {
                    try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                        String first = in.readLine();   // ": subscribed": the subscription's start is fixed
                        subscribed.countDown();
                        if (first == null) {
                            return;
                        }
                        for (String line = in.readLine(); line != null && rec.received < events; line = in.readLine()) {
                            if (line.startsWith("data: ")) {
                                int at = line.indexOf("\"t\":");
                                rec.onEvent(stamp(line, at + 4));
                            }
                        }
                    } catch (IOException e) {
                        // closed at the end of the measurement
                    } finally {
                        done.countDown();
                    }
                }, "bench-sse-" + s);
                threads.add(t);
                t.start();
            }
            if (!subscribed.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("not every SSE subscriber connected");
            }
            long start = write(server.store(), events, batch);
            if (!done.await(10, TimeUnit.MINUTES)) {
                throw new IllegalStateException("SSE subscribers did not receive all events");
            }
            for (InputStream body : bodies) {
                body.close();
            }
            for (Thread t : threads) {
                t.join();
            }
            for (Receiver rec : receivers) {
                if (rec.received < events) {
                    throw new IllegalStateException("an SSE subscriber got " + rec.received + " of " + events + " events");
                }
            }
            return fanOutResult(receivers, events, start);
        } finally {
            Files2.deleteRecursively(dir);
        }
    }

    private static Result fanOutRawSse(Path dir, int subscribers, int events, int batch) throws Exception {
        try (TributaryServer server = TributaryServer.start(ServerConfig.builder(dir).port(0).build())) {
            Receiver[] receivers = new Receiver[subscribers];
            CountDownLatch subscribed = new CountDownLatch(subscribers);
            CountDownLatch done = new CountDownLatch(subscribers);
            List<RawHttp> connections = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (int s = 0; s < subscribers; s++) {
                Receiver rec = receivers[s] = new Receiver();
                RawHttp http = new RawHttp("127.0.0.1", server.port());
                connections.add(http);
                Thread t = new Thread(() -> {
                    try {
                        int status = http.openStream("/subscribe/all");
                        String first = status == 200 ? http.readBodyLine() : null;   // ": subscribed"
                        subscribed.countDown();
                        if (first == null) {
                            return;
                        }
                        for (String line = http.readBodyLine(); line != null && rec.received < events; line = http.readBodyLine()) {
                            if (line.startsWith("data: ")) {
                                rec.onEvent(stamp(line, line.indexOf("\"t\":") + 4));
                            }
                        }
                    } catch (IOException e) {
                        // closed at the end of the measurement
                    } finally {
                        done.countDown();
                    }
                }, "bench-raw-sse-" + s);
                threads.add(t);
                t.start();
            }
            if (!subscribed.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("not every SSE subscriber connected");
            }
            long start = write(server.store(), events, batch);
            if (!done.await(10, TimeUnit.MINUTES)) {
                throw new IllegalStateException("SSE subscribers did not receive all events");
            }
            for (RawHttp c : connections) {
                c.close();
            }
            for (Thread t : threads) {
                t.join();
            }
            for (Receiver rec : receivers) {
                if (rec.received < events) {
                    throw new IllegalStateException("an SSE subscriber got " + rec.received + " of " + events + " events");
                }
            }
            return fanOutResult(receivers, events, start);
        } finally {
            Files2.deleteRecursively(dir);
        }
    }

    /** Median subscriber's events/s (events over first append → its last delivery), merged latency; extra = slowest subscriber's events/s. */
    private static Result fanOutResult(Receiver[] receivers, int events, long start) {
        Histogram all = new Histogram(HISTOGRAM_MAX_NS, 3);
        List<Double> rates = new ArrayList<>();
        for (Receiver rec : receivers) {
            all.add(rec.latency);
            rates.add(events * 1e9 / (rec.lastAt - start));
        }
        double slowest = rates.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
        return new Result(Stats.median(rates), all.getValueAtPercentile(50) / 1e3, all.getValueAtPercentile(99) / 1e3, slowest);
    }

    // ---- report ------------------------------------------------------------------------------

    interface Metric {
        double of(Result r);
    }

    private static double median(List<Result> results, Metric metric) {
        List<Double> values = new ArrayList<>();
        results.forEach(r -> values.add(metric.of(r)));
        return Stats.median(values);
    }

    private static String micros(double us) {
        return us >= 1000 ? Stats.fixed(us / 1000, 2) + " ms" : Stats.fixed(us, 0) + " µs";
    }

    private static void ratio(StringBuilder report, String label, List<Result> server, List<Result> embedded) {
        report.append("| ").append(label).append(" | ")
                .append(Stats.fixed(median(server, Result::perSecond) / median(embedded, Result::perSecond), 2)).append("× | ")
                .append(label.contains("|") ? "" : " | ")
                .append(Stats.fixed(median(server, Result::p50Us) / median(embedded, Result::p50Us), 1)).append("× | ")
                .append(Stats.fixed(median(server, Result::p99Us) / median(embedded, Result::p99Us), 1)).append("× | |\n");
    }

    private static void row(StringBuilder report, int clients, String api, List<Result> results) {
        List<Double> rates = new ArrayList<>();
        results.forEach(r -> rates.add(r.perSecond()));
        report.append("| ").append(clients).append(" | ").append(api).append(" | ").append(Stats.count(median(results, Result::perSecond)))
                .append(" | ").append(micros(median(results, Result::p50Us))).append(" | ").append(micros(median(results, Result::p99Us)))
                .append(" | ").append(Stats.runs(rates, 0)).append(" |\n");
    }

    private static void fanOutRow(StringBuilder report, String api, List<Result> results, int subscribers) {
        List<Double> rates = new ArrayList<>();
        results.forEach(r -> rates.add(r.perSecond()));
        report.append("| ").append(api).append(" | ").append(Stats.count(median(results, Result::perSecond)))
                .append(" (slowest ").append(Stats.count(median(results, Result::extra))).append(") | ")
                .append(Stats.count(median(results, Result::perSecond) * subscribers)).append(" | ")
                .append(micros(median(results, Result::p50Us))).append(" | ").append(micros(median(results, Result::p99Us)))
                .append(" | ").append(Stats.runs(rates, 0)).append(" |\n");
    }

    private static void progress(String format, Object... args) {
        System.err.println(String.format(Locale.ROOT, format, args));
    }

    private static String flag(String[] args, String name, String defaultValue) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return defaultValue;
    }
}
