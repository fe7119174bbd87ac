package io.tributary.store.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.core.AppendResult;
import io.tributary.core.DuplicateEventException;
import io.tributary.core.EventData;
import io.tributary.core.ExpectedVersion;
import io.tributary.core.StreamName;
import io.tributary.core.WrongExpectedVersionException;
import io.tributary.store.StoreConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyFilterTest {
    @TempDir
    Path dir;

    @Test
    void neverForgetsAnAddedIdAndRarelyClaimsAnUnknownOne() {
        KeyFilter.Bloom bloom = new KeyFilter.Bloom();
        SplittableRandom random = new SplittableRandom(42);
        long[] added = new long[2_000_000];
        for (int i = 0; i < added.length; i++) {
            added[i] = random.nextLong();
            bloom.add(added[i]);
        }
        for (long h : added) {
            assertThat(bloom.mightContain(h)).isTrue();
        }
        int falsePositives = 0;
        int queries = 1_000_000;
        for (int i = 0; i < queries; i++) {
            if (bloom.mightContain(random.nextLong())) {
                falsePositives++;
            }
        }
        assertThat(falsePositives / (double) queries).as("false positive rate").isLessThan(0.02);
    }

    @Test
    void idsAndStreamsRecordedBeforeTheStoreOpenedAreStillRecognisedOnceTheFiltersAreLoaded() throws Exception {
        StoreConfig config = StoreConfig.builder(dir).build();
        List<EventData> first = events(50);
        try (LogStore store = LogStore.open(config)) {
            store.append(StreamName.of("order", 1), ExpectedVersion.noStream(), first).join();
            store.append(StreamName.of("order", 2), ExpectedVersion.noStream(), events(50)).join();
        }
        try (LogStore store = LogStore.open(config)) {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!store.filtersLoaded() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(store.filtersLoaded()).isTrue();
            // An exact repeat of the first append: the original result, nothing written.
            AppendResult again = store.append(StreamName.of("order", 1), ExpectedVersion.noStream(), first).join();
            assertThat(again.firstVersion()).isZero();
            assertThat(again.lastVersion()).isEqualTo(49);
            assertThat(store.stats().headPosition()).isEqualTo(99);
            // One old id among new ones: refused, nothing written.
            List<EventData> mixed = new ArrayList<>(events(3));
            mixed.add(first.get(17));
            assertThatThrownBy(() -> store.append(StreamName.of("order", 1), ExpectedVersion.exact(49), mixed).join())
                    .hasCauseInstanceOf(DuplicateEventException.class);
            // A stream recorded before the store opened is known (the stream filter loaded it).
            assertThatThrownBy(() -> store.append(StreamName.of("order", 2), ExpectedVersion.noStream(), events(1)).join())
                    .hasCauseInstanceOf(WrongExpectedVersionException.class);
            // The same id in another stream is no conflict.
            store.append(StreamName.of("order", 3), ExpectedVersion.noStream(), List.of(first.get(17))).join();
            assertThat(store.stats().headPosition()).isEqualTo(100);
        }
    }

    private static List<EventData> events(int n) {
        List<EventData> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new EventData(UUID.randomUUID(), "Placed", ("{\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8),
                    new byte[0]));
        }
        return out;
    }
}
