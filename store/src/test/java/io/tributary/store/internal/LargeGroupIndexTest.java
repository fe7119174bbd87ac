package io.tributary.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.core.Direction;
import io.tributary.core.EventData;
import io.tributary.core.ExpectedVersion;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StreamAppend;
import io.tributary.core.StreamInfo;
import io.tributary.core.StreamName;
import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.StoreConfig;
import io.tributary.store.Tributary;
import io.tributary.store.VerificationReport;
import io.tributary.store.Verifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A group that changes many streams (a CDC transaction: a new stream per row, thousands of version runs
 * and stream records in one index batch): every stream readable at once, with its last version and
 * position, the same after a reopen (the index as written, not rebuilt) and in the verifier.
 */
class LargeGroupIndexTest {
    @TempDir
    Path dir;

    private StoreConfig config() {
        return StoreConfig.builder(dir).segmentSizeBytes(64 << 20).build();
    }

    @ParameterizedTest(name = "{0} streams")
    @ValueSource(ints = {1, 300, 12_000})
    void everyStreamOfOneLargeAppendIsIndexed(int streams) {
        List<StreamAppend> parts = new ArrayList<>();
        for (int s = 0; s < streams; s++) {
            // Every seventh stream gets two events: version runs longer than one event.
            int n = s % 7 == 0 ? 2 : 1;
            List<EventData> events = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                events.add(new EventData(new UUID(s, i), "Row", ("{\"s\":" + s + "}").getBytes(StandardCharsets.UTF_8),
                        new byte[0]));
            }
            parts.add(new StreamAppend(StreamName.of("row", s), ExpectedVersion.noStream(), events));
        }
        try (EmbeddedEventStore store = Tributary.open(config())) {
            store.append(StreamName.of("row", streams), ExpectedVersion.noStream(),
                    List.of(new EventData(new UUID(-1, 0), "Row", new byte[0], new byte[0]))).join();
            store.appendAll(parts).join();
            assertIndexed(store, streams);
            // The next append to those streams sees their versions (expected-version checks read the records).
            store.append(StreamName.of("row", streams - 1), ExpectedVersion.exact((streams - 1) % 7 == 0 ? 1 : 0),
                    List.of(new EventData(new UUID(-2, 0), "Row", new byte[0], new byte[0]))).join();
        }
        try (EmbeddedEventStore store = Tributary.open(config())) {
            assertThat(store.streamInfo(StreamName.of("row", streams - 1)).orElseThrow().lastVersion())
                    .isEqualTo((streams - 1) % 7 == 0 ? 2 : 1);
            assertIndexed(store, streams - 1);
        }
        VerificationReport report = Verifier.verify(dir);
        assertThat(report.ok()).as(report.summary()).isTrue();
    }

    /** Streams 0 to {@code upTo} - 1 of the large append: record, events by stream, both in log order. */
    private static void assertIndexed(EmbeddedEventStore store, int upTo) {
        long position = 1;
        for (int s = 0; s < upTo; s++) {
            int n = s % 7 == 0 ? 2 : 1;
            StreamName name = StreamName.of("row", s);
            Optional<StreamInfo> info = store.streamInfo(name);
            assertThat(info).as(name.value()).isPresent();
            assertThat(info.get().lastVersion()).as(name.value()).isEqualTo(n - 1);
            assertThat(info.get().lastPosition()).as(name.value()).isEqualTo(position + n - 1);
            List<RecordedEvent> events = store.readStream(name, 0, 10, Direction.FORWARD).events();
            assertThat(events).as(name.value()).extracting(RecordedEvent::position)
                    .containsExactlyElementsOf(n == 2 ? List.of(position, position + 1) : List.of(position));
            position += n;
        }
        // The category and type runs: the append's events from position 1 on, in log order, none missing (position 0 is
        // the extra stream's event, of the same category and type).
        int count = (int) (position - 1);
        if (count == 0) {
            return;
        }
        List<Long> expected = java.util.stream.LongStream.rangeClosed(1, count).boxed().toList();
        assertThat(positions(count, from -> store.readCategory("row", from, Math.min(count, 10_000), Direction.FORWARD)))
                .containsExactlyElementsOf(expected);
        assertThat(positions(count, from -> store.readAll(from, Math.min(count, 10_000), Direction.FORWARD,
                io.tributary.core.ReadFilter.eventTypes("Row")))).containsExactlyElementsOf(expected);
    }

    /** The positions of the first {@code count} events read page by page from position 1. */
    private static List<Long> positions(int count, java.util.function.LongFunction<io.tributary.core.ReadSlice> page) {
        List<Long> out = new ArrayList<>();
        long from = 1;
        while (out.size() < count) {
            List<RecordedEvent> events = page.apply(from).events();
            if (events.isEmpty()) {
                break;
            }
            for (RecordedEvent e : events) {
                if (out.size() < count) {
                    out.add(e.position());
                }
            }
            from = events.get(events.size() - 1).position() + 1;
        }
        return out;
    }
}
