package io.tributary.server.internal;

import io.tributary.server.ServedProcessor;
import io.tributary.streams.ProcessorStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The stream processors a server exposes, by name (in name order), with their JSON views for
 * {@code /processors}. Thread-safe: processors may be added while requests are served.
 */
public final class ProcessorRegistry implements AutoCloseable {
    private final ServedByName<ServedProcessor> served = new ServedByName<>("stream processor");
    private final ServerMetrics metrics;

    /** Creates an empty registry whose processors are reported through {@code metrics}. */
    public ProcessorRegistry(ServerMetrics metrics) {
        this.metrics = metrics;
    }

    /**
     * Adds a processor.
     *
     * @throws IllegalArgumentException when one of that name is already there
     */
    public void add(ServedProcessor processor) {
        served.add(processor.name(), processor);
        metrics.processor(processor);
    }

    Optional<ServedProcessor> find(String name) {
        return served.find(name);
    }

    ServedProcessor get(String name) {
        return find(name).orElseThrow(() -> new ApiException(404, "not_found",
                "no stream processor named '" + name + "'; GET /processors lists them", Map.of("processor", name)));
    }

    List<Map<String, Object>> views(long headPosition) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (ServedProcessor p : served.all()) {
            list.add(view(p, headPosition));
        }
        return list;
    }

    /**
     * A processor as {@code GET /processors} shows it: the contract's fields ({@code name},
     * {@code status}, {@code inputPosition}, {@code watermark} as an ISO-8601 instant or
     * {@code null} before the first event, {@code lateEvents}, {@code eventsPerSecond}) and, as
     * extensions, {@code watermarkMs}, {@code lag} (log positions behind the head),
     * {@code headPosition}, {@code stores} (the queryable state stores) and {@code error} when it failed.
     */
    static Map<String, Object> view(ServedProcessor p, long headPosition) {
        ProcessorStatus s = p.processor().status();
        Map<String, Object> view = HttpApi.obj("name", s.name(), "status", status(s.state()),
                "inputPosition", s.inputPosition(),
                "watermark", s.watermark().map(w -> Json.TIMESTAMP.format(w)).orElse(null),
                "lateEvents", s.lateEvents(), "eventsPerSecond", Math.round(s.eventsPerSecond() * 10) / 10.0);
        s.lastError().ifPresent(e -> view.put("error", e));
        view.put("watermarkMs", s.watermark().map(w -> w.toEpochMilli()).orElse(null));
        view.put("lag", lag(s, headPosition));
        view.put("headPosition", headPosition);
        view.put("stores", p.processor().storeNames());
        return view;
    }

    /** Log positions between what the processor has processed and the head (0 when caught up). */
    static long lag(ProcessorStatus s, long headPosition) {
        return Math.max(0, headPosition - Math.max(s.inputPosition(), -1));
    }

    /** {@code running}, {@code failed} or {@code stopped}. */
    static String status(ProcessorStatus.State state) {
        return state.name().toLowerCase(Locale.ROOT);
    }

    /** Closes every processor (each one's committed state stays on disk). */
    @Override
    public void close() {
        served.closeAll(p -> p.processor().close());
    }

}
