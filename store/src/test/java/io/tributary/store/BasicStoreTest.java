package io.tributary.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.core.AppendResult;
import io.tributary.core.Direction;
import io.tributary.core.EventData;
import io.tributary.core.ExpectedVersion;
import io.tributary.core.ReadFilter;
import io.tributary.core.ReadSlice;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StreamName;
import io.tributary.core.Subscription;
import io.tributary.core.WrongExpectedVersionException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BasicStoreTest {
    @TempDir
    Path dir;

    private StoreConfig small() {
        return StoreConfig.builder(dir).segmentSizeBytes(4 << 20).maxRequestBytes(1 << 20).maxEventBytes(64 << 10)
                .maxBatchBytes(256 << 10).build();
    }

    @Test
    void statsCountEveryAcknowledgedAppendAndTimeItsFsync() {
        try (EmbeddedEventStore store = Tributary.open(small())) {
            for (int i = 0; i < 5; i++) {
                store.append(StreamName.of("account-" + i), ExpectedVersion.any(),
                        List.of(EventData.json("Opened", "{}"), EventData.json("Deposited", "{}"))).join();
            }
            StoreStats stats = store.stats();
            assertThat(stats.headPosition()).isEqualTo(9);
            assertThat(stats.appendsCompleted()).isEqualTo(5);
            assertThat(stats.eventsAppended()).isEqualTo(10);
            assertThat(stats.fsyncs()).as("one per sequential fsync append").isEqualTo(5);
            assertThat(stats.fsyncNanos()).isPositive();
            assertThat(stats.maxFsyncNanos()).isPositive().isLessThanOrEqualTo(stats.fsyncNanos());
        }
    }

    @Test
    void appendsReadsAndSurvivesReopenAcrossSegments() throws Exception {
        StreamName a = StreamName.of("account-1");
        try (EmbeddedEventStore store = Tributary.open(small())) {
            AppendResult r = store.append(a, ExpectedVersion.noStream(), EventData.json("Opened", "{}")).join();
            assertThat(r.firstVersion()).isZero();
            assertThat(r.position()).isZero();
            assertThatThrownBy(() -> store.append(a, ExpectedVersion.noStream(), EventData.json("Opened", "{}")).join())
                    .isInstanceOf(CompletionException.class).hasCauseInstanceOf(WrongExpectedVersionException.class);
            byte[] payload = new byte[200];
            for (int i = 0; i < 200; i++) {
                List<EventData> batch = new ArrayList<>();
                for (int j = 0; j < 100; j++) {
                    batch.add(EventData.of("Deposited", payload));
                }
                store.append(StreamName.of("order-" + (i % 7)), ExpectedVersion.any(), batch).join();
            }
            assertThat(store.headPosition()).isEqualTo(20_000);
            assertThat(store.stats().segments()).isGreaterThan(1);
        }
        try (EmbeddedEventStore store = Tributary.open(small())) {
            assertThat(store.headPosition()).isEqualTo(20_000);
            ReadSlice s = store.readStream(a, 0, 10, Direction.FORWARD);
            assertThat(s.events()).hasSize(1);
            long expected = 0;
            long from = 0;
            while (true) {
                ReadSlice all = store.readAll(from, 1000, Direction.FORWARD, ReadFilter.all());
                for (RecordedEvent e : all.events()) {
                    assertThat(e.position()).isEqualTo(expected++);
                }
                if (all.isEnd()) {
                    break;
                }
                from = all.next().getAsLong();
            }
            assertThat(expected).isEqualTo(20_001);
            ReadSlice cat = store.readCategory("order", 0, 10_000, Direction.FORWARD);
            assertThat(cat.events()).hasSize(10_000);
            ReadSlice back = store.readStream(StreamName.of("order-3"), Long.MAX_VALUE, 5, Direction.BACKWARD);
            assertThat(back.events()).extracting(RecordedEvent::version).containsExactly(2899L, 2898L, 2897L, 2896L, 2895L);
            try (Subscription sub = store.subscribeToAll(19_990, ReadFilter.all())) {
                assertThat(sub.poll(100, Duration.ofSeconds(1))).hasSize(11);
                store.append(a, ExpectedVersion.exact(0), EventData.json("Deposited", "{}")).join();
                List<RecordedEvent> live = sub.poll(100, Duration.ofSeconds(5));
                assertThat(live).extracting(RecordedEvent::position).containsExactly(20_001L);
            }
        }
    }
}
