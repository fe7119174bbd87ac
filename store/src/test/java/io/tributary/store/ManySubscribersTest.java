package io.tributary.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.core.EventData;
import io.tributary.core.ExpectedVersion;
import io.tributary.core.ReadFilter;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StreamName;
import io.tributary.core.Subscription;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManySubscribersTest {
    @TempDir
    Path dir;

    @Test
    void fiveHundredSubscribersEachSeeEveryEventOnceInOrderWhileAStalledOneBlocksNothing() throws Exception {
        int subscribers = 500;
        int events = 3_000;
        try (EmbeddedEventStore store = Tributary.open(StoreConfig.builder(dir).segmentSizeBytes(64 << 20)
                .durability(Durability.none()).build())) {
            // Half start before anything is written (pure live), half after some history (catch-up then live).
            List<Subscription> subs = new ArrayList<>();
            for (int i = 0; i < subscribers / 2; i++) {
                subs.add(store.subscribeToAll(0, ReadFilter.all()));
            }
            List<CompletableFuture<?>> appends = new ArrayList<>();
            for (int i = 0; i < events / 2; i++) {
                appends.add(store.append(StreamName.of("load-" + (i % 50)), ExpectedVersion.any(),
                        EventData.json("Tick", "{\"i\":" + i + "}")));
            }
            for (int i = subscribers / 2; i < subscribers; i++) {
                subs.add(store.subscribeToAll(0, ReadFilter.all()));
            }
            Subscription stalled = store.subscribeToAll(0, ReadFilter.all());

            ExecutorService pollers = Executors.newFixedThreadPool(4);
            List<Future<List<Long>>> seen = new ArrayList<>();
            for (int p = 0; p < 4; p++) {
                int first = p;
                seen.add(pollers.submit(() -> pollRoundRobin(subs, first, 4, events)));
            }
            for (int i = events / 2; i < events; i++) {
                appends.add(store.append(StreamName.of("load-" + (i % 50)), ExpectedVersion.any(),
                        EventData.json("Tick", "{\"i\":" + i + "}")));
            }
            // The stalled subscriber never polls: every append still completes.
            CompletableFuture.allOf(appends.toArray(new CompletableFuture<?>[0])).get(30, TimeUnit.SECONDS);

            for (Future<List<Long>> f : seen) {
                List<Long> missing = f.get(60, TimeUnit.SECONDS);
                assertThat(missing).as("subscribers that did not see exactly positions 0..%d", events - 1).isEmpty();
            }
            pollers.shutdown();
            assertThat(stalled.poll(10, Duration.ZERO)).extracting(RecordedEvent::position).startsWith(0L);
            for (Subscription s : subs) {
                s.close();
            }
        }
    }

    /** Polls subscriptions first, first+step, ... without blocking; returns indexes of those that went wrong. */
    private static List<Long> pollRoundRobin(List<Subscription> subs, int first, int step, int events) throws Exception {
        List<Integer> mine = new ArrayList<>();
        for (int i = first; i < subs.size(); i += step) {
            mine.add(i);
        }
        long[] next = new long[subs.size()];
        List<Long> wrong = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int done = 0;
        while (done < mine.size() && System.nanoTime() < deadline) {
            done = 0;
            for (int i : mine) {
                if (next[i] >= events) {
                    done++;
                    continue;
                }
                for (RecordedEvent e : subs.get(i).poll(500, Duration.ZERO)) {
                    if (e.position() != next[i]) {
                        wrong.add((long) i);
                        next[i] = events;
                        break;
                    }
                    next[i]++;
                }
            }
        }
        for (int i : mine) {
            if (next[i] != events && !wrong.contains((long) i)) {
                wrong.add((long) i);
            }
        }
        return wrong;
    }
}
