package io.tributary.server.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.tributary.cdc.CdcStatus;
import io.tributary.cdc.CdcCapture;
import io.tributary.cqrs.ProjectionStatus;
import io.tributary.server.ServedProcessor;
import io.tributary.server.ServedProjection;
import io.tributary.streams.ProcessorStatus;
import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.StoreStats;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The server's Micrometer registry, scraped in Prometheus text format at {@code /metrics}:
 * the store's counters and fsync latency, HTTP append latency and size, SSE subscriptions and their lag, served
 * projections (position, lag in events and milliseconds, rate), served stream processors (input
 * position, lag, watermark, late events, rate), CDC sources (lag, snapshot), JVM.
 */
public final class ServerMetrics implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final Timer appendLatency;
    private final Counter appendRejected;
    private final Counter appendBytes;
    private final Set<SseStream> subscriptions = ConcurrentHashMap.newKeySet();
    private final EmbeddedEventStore store;

    /** Registers the meters of {@code store}. */
    public ServerMetrics(EmbeddedEventStore store) {
        this.store = store;
        storeCounter(store, "tributary.store.appends", "append requests acknowledged", StoreStats::appendsCompleted);
        storeCounter(store, "tributary.store.events", "events acknowledged", StoreStats::eventsAppended);
        storeCounter(store, "tributary.store.written", "log bytes written", StoreStats::bytesWritten);
        storeCounter(store, "tributary.store.fsyncs", "fsync calls", StoreStats::fsyncs);
        FunctionTimer.builder("tributary.store.fsync", store, s -> s.stats().fsyncs(), s -> s.stats().fsyncNanos(),
                        TimeUnit.NANOSECONDS)
                .description("time appends spent in fsync (count and total: rate(sum)/rate(count) is the mean latency)")
                .register(registry);
        Gauge.builder("tributary.store.fsync.max", store, s -> s.stats().maxFsyncNanos() / 1e9).baseUnit("seconds")
                .description("the longest append fsync since the store was opened").register(registry);
        storeCounter(store, "tributary.store.group.commits", "group-commit write calls", StoreStats::groupCommits);
        Gauge.builder("tributary.store.head.position", store, s -> s.headPosition())
                .description("position of the newest readable event").register(registry);
        Gauge.builder("tributary.store.segments", store, s -> s.stats().segments())
                .description("segment files in the data directory").register(registry);
        Gauge.builder("tributary.store.queued.appends", store, s -> s.stats().queuedAppends())
                .description("append requests waiting for the writer").register(registry);
        appendLatency = Timer.builder("tributary.http.append.latency")
                .description("time from receiving an append request to its durable acknowledgement")
                .publishPercentileHistogram().register(registry);
        appendRejected = Counter.builder("tributary.http.append.rejected")
                .description("append requests refused (4xx/5xx)").register(registry);
        appendBytes = Counter.builder("tributary.http.append.body").baseUnit("bytes")
                .description("bytes of append request bodies received").register(registry);
        Gauge.builder("tributary.subscriptions", subscriptions, Set::size)
                .description("open Server-Sent-Events subscriptions").register(registry);
        Gauge.builder("tributary.subscriptions.lag", this, m -> m.maxLag(store.headPosition()))
                .description("largest number of positions an SSE subscriber is behind the head").register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    private void storeCounter(EmbeddedEventStore store, String name, String description,
                              ToDoubleFunction<StoreStats> value) {
        FunctionCounter.builder(name, store, s -> value.applyAsDouble(s.stats()))
                .description(description).register(registry);
    }

    private double maxLag(long head) {
        long max = 0;
        for (SseStream s : subscriptions) {
            max = Math.max(max, s.lag(head));
        }
        return max;
    }

    /** Registers the gauges of a served projection, tagged {@code projection=<name>}. */
    void projection(ServedProjection projection) {
        Tags tags = Tags.of("projection", projection.name());
        projectionGauge(projection, "tributary.projection.position", "last log position the projection has processed",
                tags, ProjectionStatus::position);
        projectionGauge(projection, "tributary.projection.lag", "log positions the projection still has to process",
                tags, ProjectionStatus::lagEvents);
        projectionGauge(projection, "tributary.projection.lag.ms",
                "age of the oldest event the projection has not processed, in milliseconds", tags, ProjectionStatus::lagMs);
        projectionGauge(projection, "tributary.projection.events.per.second", "events the projection applied per second",
                tags, ProjectionStatus::eventsPerSecond);
        projectionGauge(projection, "tributary.projection.events.applied", "events the projection applied since it started",
                tags, ProjectionStatus::eventsApplied);
    }

    private void projectionGauge(ServedProjection projection, String name, String description, Tags tags,
                                 ToDoubleFunction<ProjectionStatus> value) {
        Gauge.builder(name, projection, p -> value.applyAsDouble(p.runner().status()))
                .description(description).tags(tags).strongReference(true).register(registry);
    }

    void cdc(CdcCapture capture) {
        Tags tags = Tags.of("source", capture.status().name());
        Gauge.builder("tributary.cdc.lag.ms", capture, c -> c.status().lagMs())
                .description("time from a source transaction's commit to its append, of the newest appended transaction")
                .tags(tags).strongReference(true).register(registry);
        Gauge.builder("tributary.cdc.snapshot.rows", capture, c -> c.status().snapshot().rowsDone())
                .description("rows copied by the initial snapshot").tags(tags).strongReference(true).register(registry);
        Gauge.builder("tributary.cdc.streaming", capture, c -> c.status().status() == CdcStatus.State.STREAMING ? 1 : 0)
                .description("1 while the capture streams changes, 0 otherwise").tags(tags).strongReference(true)
                .register(registry);
    }

    /** Registers the gauges of a served stream processor, tagged {@code processor=<name>}. */
    void processor(ServedProcessor processor) {
        Tags tags = Tags.of("processor", processor.name());
        processorGauge(processor, "tributary.processor.input.position", "last log position the processor has processed and committed",
                tags, s -> s.inputPosition());
        processorGauge(processor, "tributary.processor.lag", "log positions the processor still has to process",
                tags, s -> ProcessorRegistry.lag(s, store.headPosition()));
        processorGauge(processor, "tributary.processor.watermark.seconds",
                "the processor's event-time watermark as epoch seconds (NaN before the first event)", tags,
                s -> s.watermark().map(w -> w.toEpochMilli() / 1e3).orElse(Double.NaN));
        processorGauge(processor, "tributary.processor.late.events", "events that arrived after all their windows had closed",
                tags, s -> s.lateEvents());
        processorGauge(processor, "tributary.processor.events.per.second", "input events the processor processed per second",
                tags, ProcessorStatus::eventsPerSecond);
        processorGauge(processor, "tributary.processor.failed", "1 when the processor stopped after an error, else 0",
                tags, s -> s.state() == ProcessorStatus.State.FAILED ? 1 : 0);
    }

    private void processorGauge(ServedProcessor processor, String name, String description, Tags tags,
                                ToDoubleFunction<ProcessorStatus> value) {
        Gauge.builder(name, processor, p -> value.applyAsDouble(p.processor().status()))
                .description(description).tags(tags).strongReference(true).register(registry);
    }

    void appendAccepted(long startNanos, int bodyBytes) {
        appendLatency.record(System.nanoTime() - startNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        appendBytes.increment(bodyBytes);
    }

    void appendRejected() {
        appendRejected.increment();
    }

    void opened(SseStream stream) {
        subscriptions.add(stream);
    }

    void closed(SseStream stream) {
        subscriptions.remove(stream);
    }

    Set<SseStream> subscriptions() {
        return subscriptions;
    }

    /** The Prometheus text exposition of every meter. */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
