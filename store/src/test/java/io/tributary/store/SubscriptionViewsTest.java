package io.tributary.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.core.EventData;
import io.tributary.core.EventView;
import io.tributary.core.ExpectedVersion;
import io.tributary.core.ReadFilter;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StreamName;
import io.tributary.core.Subscription;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A subscription's {@code pollViews} hands over exactly the events {@code poll} returns, in the
 * same batches — over the whole log, a category and an event type (read by scanning the log and
 * frame by frame through the index) — reading the log's segments as transient views (no
 * {@link RecordedEvent} per event), and a handler's failure leaves the cursor where the poll began.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SubscriptionViewsTest {
    @TempDir
    static Path dir;
    private EmbeddedEventStore store;

    @BeforeAll
    void writeLogAndReopen() {
        try (EmbeddedEventStore s = Tributary.open(StoreConfig.builder(dir).build())) {
            SplittableRandom random = new SplittableRandom(7);
            List<CompletableFuture<?>> pending = new ArrayList<>();
            for (int i = 0; i < 3_000; i++) {
                int r = random.nextInt(100);
                String category = r < 60 ? "bid" : r < 95 ? "auction" : "person";
                List<EventData> batch = new ArrayList<>();
                int n = random.nextInt(10) == 0 ? 1 + random.nextInt(40) : 1;
                for (int k = 0; k < n; k++) {
                    byte[] data = random.nextInt(20) == 0 ? new byte[0] : ("é€" + i + "/" + k).getBytes(StandardCharsets.UTF_8);
                    byte[] meta = random.nextInt(3) == 0 ? ("m" + k).getBytes(StandardCharsets.UTF_8) : new byte[0];
                    batch.add(new EventData(UUID.randomUUID(), random.nextInt(5) == 0 ? "Spécial✓" : "Plain", data, meta));
                }
                pending.add(s.append(StreamName.of(category, random.nextInt(300)), ExpectedVersion.any(), batch));
                if (pending.size() >= 500) {
                    pending.forEach(CompletableFuture::join);
                    pending.clear();
                }
            }
            pending.forEach(CompletableFuture::join);
        }
        // Reopened: nothing in memory, every read goes to the segments.
        store = Tributary.open(StoreConfig.builder(dir).build());
    }

    @AfterAll
    void close() {
        store.close();
    }

    @Test
    void viewsAreTheEventsPollReturnsReadInPlace() throws Exception {
        for (ReadFilter filter : List.of(ReadFilter.all(), ReadFilter.categories("bid"), ReadFilter.categories("person"),
                ReadFilter.eventTypes("Spécial✓"))) {
            for (int max : new int[] {1, 7, 500}) {
                List<RecordedEvent> polled = new ArrayList<>();
                List<Integer> polledBatches = new ArrayList<>();
                try (Subscription s = store.subscribeToAll(0, filter)) {
                    while (true) {
                        List<RecordedEvent> batch = s.poll(max, Duration.ZERO);
                        if (batch.isEmpty()) {
                            break;
                        }
                        polled.addAll(batch);
                        polledBatches.add(batch.size());
                    }
                }
                List<RecordedEvent> viewed = new ArrayList<>();
                List<Integer> viewedBatches = new ArrayList<>();
                int[] transientViews = {0};
                try (Subscription s = store.subscribeToAll(0, filter)) {
                    while (true) {
                        int n = s.pollViews(max, Duration.ZERO, v -> {
                            if (!(v instanceof RecordedEvent)) {
                                transientViews[0]++;
                            }
                            viewed.add(v.toRecordedEvent());
                        });
                        if (n == 0) {
                            break;
                        }
                        viewedBatches.add(n);
                    }
                    assertThat(s.nextCursor()).isEqualTo(store.headPosition() + 1);
                }
                assertThat(viewed).as("filter %s, max %d", filter, max).isEqualTo(polled);
                assertThat(viewedBatches).as("filter %s, max %d", filter, max).isEqualTo(polledBatches);
                assertThat(polled).isNotEmpty();
                // Scans of the log hand views; a sparse filter's events are read one by one through the
                // index (a person in twenty events; any filter in polls too small to be worth a scan) as records.
                boolean scanned = filter.matchesAll() || max == 500 && !filter.categories().contains("person");
                if (scanned) {
                    assertThat(transientViews[0]).as("events handed as views over the read buffer, filter %s, max %d", filter, max)
                            .isPositive();
                }
            }
        }
    }

    @Test
    void aHandlerThatFailsLeavesTheCursorWhereThePollBegan() throws Exception {
        try (Subscription s = store.subscribeToAll(0, ReadFilter.categories("bid"))) {
            List<RecordedEvent> first = new ArrayList<>();
            s.pollViews(10, Duration.ZERO, v -> first.add(v.toRecordedEvent()));
            long cursor = s.nextCursor();
            int[] seen = {0};
            assertThatThrownBy(() -> s.pollViews(10, Duration.ZERO, v -> {
                if (++seen[0] == 3) {
                    throw new IllegalStateException("handler failed");
                }
            })).hasMessage("handler failed");
            assertThat(s.nextCursor()).isEqualTo(cursor);
            List<RecordedEvent> again = new ArrayList<>();
            s.pollViews(10, Duration.ZERO, v -> again.add(v.toRecordedEvent()));
            assertThat(again.get(0).position()).isGreaterThan(first.get(first.size() - 1).position());
            assertThat(again).hasSize(10);
        }
    }

    @Test
    void aViewKeptAfterItsCallbackThrowsAClearError() throws Exception {
        List<EventView> kept = new ArrayList<>();
        List<RecordedEvent> copies = new ArrayList<>();
        try (Subscription s = store.subscribeToAll(0, ReadFilter.all())) {
            s.pollViews(5, Duration.ZERO, v -> {
                kept.add(v);
                copies.add(v.toRecordedEvent());
            });
        }
        assertThat(kept).hasSize(5);
        for (EventView v : kept) {
            assertThatThrownBy(v::data).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("valid only during the callback");
        }
        assertThat(copies).isEqualTo(store.readAll(0, 5, io.tributary.core.Direction.FORWARD, ReadFilter.all()).events());
    }
}
