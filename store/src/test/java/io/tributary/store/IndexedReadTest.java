package io.tributary.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.core.Direction;
import io.tributary.core.EventData;
import io.tributary.core.ExpectedVersion;
import io.tributary.core.ReadFilter;
import io.tributary.core.ReadSlice;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StreamName;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Category and event-type reads forward answer exactly what a filter over {@code $all} answers,
 * whether the matching events are dense (read by scanning the log) or sparse (read frame by
 * frame through the index), across page sizes, from any start, with small and batched frames.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IndexedReadTest {
    @TempDir
    static Path dir;
    private EmbeddedEventStore store;
    private List<RecordedEvent> all;

    @BeforeAll
    void writeLog() {
        // Recent events are served from memory; write more than that window so reads hit the log.
        store = Tributary.open(StoreConfig.builder(dir).build());
        SplittableRandom random = new SplittableRandom(3);
        List<CompletableFuture<?>> pending = new ArrayList<>();
        for (int i = 0; i < 90_000; i++) {
            // order ~50%, cart ~30%, user ~19.5%, rare 0.5% — single-event appends (one frame each),
            // and every 5,000 events a batch of 500 into one stream (one big frame).
            int r = random.nextInt(1000);
            String category = r < 500 ? "order" : r < 800 ? "cart" : r < 995 ? "user" : "rare";
            String type = random.nextInt(4) == 0 ? "Special" : "Plain";
            if (i % 5000 == 0) {
                List<EventData> batch = new ArrayList<>();
                for (int k = 0; k < 500; k++) {
                    batch.add(event(k % 3 == 0 ? "Special" : "Plain"));
                }
                pending.add(store.append(StreamName.of(category, "b" + i), ExpectedVersion.any(), batch));
            } else {
                pending.add(store.append(StreamName.of(category, random.nextInt(2000)), ExpectedVersion.any(),
                        List.of(event(type))));
            }
            if (pending.size() >= 1000) {
                pending.forEach(CompletableFuture::join);
                pending.clear();
            }
        }
        pending.forEach(CompletableFuture::join);
        all = readAll(ReadFilter.all(), 0, 4096);
    }

    @org.junit.jupiter.api.AfterAll
    void close() {
        store.close();
    }

    @Test
    void categoryAndTypeReadsEqualAFilteredScanOfTheLog() {
        List<ReadFilter> filters = List.of(ReadFilter.categories("order"), ReadFilter.categories("cart", "user"),
                ReadFilter.categories("rare"), ReadFilter.eventTypes("Special"),
                ReadFilter.categories("order").withEventTypes("Special"));
        for (ReadFilter f : filters) {
            for (long from : new long[] {0, 777, 41_234, all.get(all.size() - 70_000).position()}) {
                for (int page : new int[] {1, 100, 4096}) {
                    List<RecordedEvent> expected = all.stream().filter(e -> e.position() >= from && f.matches(e)).toList();
                    List<RecordedEvent> got = readAll(f, from, page);
                    assertThat(got).as("%s from %d in pages of %d", f, from, page).hasSize(expected.size());
                    for (int i = 0; i < got.size(); i++) {
                        assertThat(got.get(i).position()).isEqualTo(expected.get(i).position());
                        assertThat(got.get(i).eventId()).isEqualTo(expected.get(i).eventId());
                    }
                }
            }
        }
    }

    private List<RecordedEvent> readAll(ReadFilter filter, long from, int page) {
        List<RecordedEvent> out = new ArrayList<>();
        long next = from;
        int reads = 0;
        while (true) {
            ReadSlice s = store.readAll(next, page, Direction.FORWARD, filter);
            out.addAll(s.events());
            if (s.next().isEmpty()) {
                return out;
            }
            assertThat(s.next().getAsLong()).isGreaterThan(next);
            next = s.next().getAsLong();
            if (page == 1 && ++reads > 200) {
                // pages of one: check the first 200 pages, then go on in big pages
                page = 4096;
            }
        }
    }

    private static EventData event(String type) {
        return new EventData(UUID.randomUUID(), type, "{\"x\":1}".getBytes(StandardCharsets.UTF_8), new byte[0]);
    }
}
