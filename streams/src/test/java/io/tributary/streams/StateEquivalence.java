package io.tributary.streams;

import io.tributary.core.RecordedEvent;
import io.tributary.core.StreamName;
import io.tributary.streams.internal.RocksState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Runs a topology over the same recorded events on heap state in one go, and on RocksDB state with
 * restarts: each restart drops what was not committed (as a crash does), reopens the state, and
 * pipes again every event after the committed position. The outputs of all RocksDB runs, with
 * repeats removed by event id (as the log removes them), must equal the heap run's.
 */
final class StateEquivalence {
    private StateEquivalence() {
    }

    /** A log of events: {@code stream}, UTF-8 {@code data} and {@code timestamp}, at positions 0, 1, 2... */
    static final class Log {
        private final List<RecordedEvent> events = new ArrayList<>();
        private final Map<String, Long> versions = new LinkedHashMap<>();

        void add(String stream, String type, String data, Instant timestamp) {
            long version = versions.merge(stream, 1L, Long::sum) - 1;
            events.add(new RecordedEvent(StreamName.of(stream), version, events.size(), UUID.nameUUIDFromBytes(
                    (stream + version).getBytes(StandardCharsets.UTF_8)), type, data.getBytes(StandardCharsets.UTF_8),
                    new byte[0], timestamp));
        }

        List<RecordedEvent> events() {
            return List.copyOf(events);
        }
    }

    /** The outputs ({@code stream id type data}) of one run on heap state, then a final watermark. */
    static List<String> onHeap(Supplier<Topology> topology, List<RecordedEvent> events, Instant end) {
        try (TopologyTestDriver d = new TopologyTestDriver(topology.get(), "eq")) {
            events.forEach(d::pipe);
            d.advanceWatermark(end);
            return format(d.outputs());
        }
    }

    /**
     * The outputs of runs on RocksDB state in {@code dir}, committed every {@code commitEvery}
     * events, stopped without committing after each of {@code stops} events and restarted from the
     * committed position; repeats (same id) removed.
     */
    static List<String> onRocksDb(Supplier<Topology> topology, List<RecordedEvent> events, Instant end, Path dir,
                                  int commitEvery, List<Integer> stops) {
        Map<String, String> byId = new LinkedHashMap<>();
        long from = 0;
        List<Integer> bounds = new ArrayList<>(stops);
        bounds.add(Integer.MAX_VALUE);
        for (int stop : bounds) {
            try (TopologyTestDriver d = new TopologyTestDriver(topology.get(), "eq", StateBackend.rocksDb(dir), commitEvery)) {
                for (RecordedEvent e : events) {
                    if (e.position() >= from && e.position() < stop) {
                        d.pipe(e);
                    }
                }
                if (stop == Integer.MAX_VALUE) {
                    d.advanceWatermark(end);
                }
                for (String o : format(d.outputs())) {
                    byId.putIfAbsent(o.split(" ")[1], o);
                }
            }
            // Closing flushed the last commit, not what came after it: a restart replays that.
            try (RocksState state = new RocksState(dir)) {
                from = state.load().position() + 1;
            }
        }
        return List.copyOf(byId.values());
    }

    static List<String> format(List<OutputEvent> outputs) {
        List<String> out = new ArrayList<>();
        for (OutputEvent o : outputs) {
            out.add(o.stream() + " " + o.event().eventId() + " " + o.event().type() + " " + o.dataAsString());
        }
        return out;
    }
}
