package io.tributary.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.core.AppendResult;
import io.tributary.core.Direction;
import io.tributary.core.EventData;
import io.tributary.core.ExpectedVersion;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StreamName;
import io.tributary.store.Durability;
import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.StoreConfig;
import io.tributary.store.Tributary;
import io.tributary.store.VerificationReport;
import io.tributary.store.Verifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A power loss drops every byte written since the file's last successful fsync
 * ({@link FaultyFileIO#loseUnsyncedWrites()}). With fsync durability no acknowledged event may be
 * lost; with no durability the log falls back to a prefix of whole requests and the store stays
 * consistent.
 */
class PowerLossTest {
    @TempDir
    Path dir;

    private StoreConfig config(Durability durability) {
        return config(durability, 5);
    }

    private StoreConfig config(Durability durability, long checkpointIntervalMs) {
        return StoreConfig.builder(dir).segmentSizeBytes(16 << 10).maxRequestBytes(4 << 10).maxEventBytes(1 << 10)
                .maxBatchBytes(4 << 10).checkpointIntervalMs(checkpointIntervalMs).durability(durability).build();
    }

    private static EventData event(int n) {
        return new EventData(new UUID(9, n), "Happened", ("{\"n\":" + n + ",\"pad\":\"" + "x".repeat(80) + "\"}")
                .getBytes(StandardCharsets.UTF_8), new byte[0]);
    }

    /** Submits appends without waiting (so they share group commits) to streams s-0 ... s-4. */
    private static List<CompletableFuture<AppendResult>> submit(EmbeddedEventStore store, int from, int to) {
        List<CompletableFuture<AppendResult>> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(store.append(StreamName.of("s-" + i % 5), ExpectedVersion.any(), event(i)));
        }
        return out;
    }

    private static Set<UUID> acknowledged(List<CompletableFuture<AppendResult>> futures, int from) {
        Set<UUID> out = new HashSet<>();
        for (int i = 0; i < futures.size(); i++) {
            if (!futures.get(i).isCompletedExceptionally()) {
                futures.get(i).join();
                out.add(event(from + i).eventId());
            }
        }
        return out;
    }

    @Test
    void withFsyncDurabilityEveryAcknowledgedEventSurvives() throws Exception {
        FaultyFileIO io = new FaultyFileIO().trackUnsyncedWrites();
        Set<UUID> acknowledged = new HashSet<>();
        List<CompletableFuture<AppendResult>> inFlight;
        try (LogStore store = LogStore.open(config(Durability.fsync()), io)) {
            List<CompletableFuture<AppendResult>> first = submit(store, 0, 300);
            CompletableFuture.allOf(first.toArray(CompletableFuture[]::new)).join();
            acknowledged.addAll(acknowledged(first, 0));
            assertThat(store.stats().segments()).as("the log rolled").isGreaterThan(1);
            // The power fails while these are being written.
            inFlight = submit(store, 300, 400);
            io.crash();
        }
        CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).exceptionally(t -> null).join();
        acknowledged.addAll(acknowledged(inFlight, 300));
        io.loseUnsyncedWrites();

        try (EmbeddedEventStore store = Tributary.open(config(Durability.fsync()))) {
            List<RecordedEvent> all = LogFiles.readAll(store);
            Set<UUID> present = new HashSet<>();
            for (int i = 0; i < all.size(); i++) {
                assertThat(all.get(i).position()).as("positions are gap-free").isEqualTo(i);
                present.add(all.get(i).eventId());
            }
            assertThat(present).containsAll(acknowledged);
            AppendResult next = store.append(StreamName.of("s-0"), ExpectedVersion.any(), event(1000)).join();
            assertThat(next.position()).isEqualTo(all.size());
        }
        VerificationReport report = Verifier.verify(dir);
        assertThat(report.ok()).as(report.summary()).isTrue();
    }

    /**
     * Event-id chunk files are written without fsync while the store runs: a power failure empties
     * them. The open drops them and rebuilds the ids from the log — every acknowledged append sent
     * again is still recognised as a repeat.
     */
    @Test
    void idChunksLostToAPowerFailureAreRebuiltAndRepeatsStillRecognised() throws Exception {
        IdIndex.chunkEventsForNewStores = 16;
        try {
            FaultyFileIO io = new FaultyFileIO().trackUnsyncedWrites();
            List<CompletableFuture<AppendResult>> written;
            try (LogStore store = LogStore.open(config(Durability.fsync()), io)) {
                written = submit(store, 0, 300);
                CompletableFuture.allOf(written.toArray(CompletableFuture[]::new)).join();
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (countChunks() < 10 && System.nanoTime() < deadline) {
                    Thread.sleep(5); // the background thread writes them
                }
                io.crash();
            }
            assertThat(io.loseUnsyncedWrites()).as("writes lost, chunk files among them").isPositive();
            try (EmbeddedEventStore store = Tributary.open(config(Durability.fsync()))) {
                long head = store.stats().headPosition();
                assertThat(head).isEqualTo(299);
                for (int i = 0; i < 300; i += 7) {
                    AppendResult again = store.append(StreamName.of("s-" + i % 5), ExpectedVersion.any(), event(i)).join();
                    assertThat(again.position()).as("event %d, sent again", i).isEqualTo(written.get(i).join().position());
                }
                assertThat(store.stats().headPosition()).as("nothing appended twice").isEqualTo(head);
            }
            VerificationReport report = Verifier.verify(dir);
            assertThat(report.ok()).as(report.summary()).isTrue();
        } finally {
            IdIndex.chunkEventsForNewStores = IdIndex.CHUNK_EVENTS;
        }
    }

    private long countChunks() throws java.io.IOException {
        Path ids = dir.resolve("index").resolve(Index.ID_DIR);
        if (!java.nio.file.Files.isDirectory(ids)) {
            return 0;
        }
        try (java.util.stream.Stream<Path> s = java.nio.file.Files.list(ids)) {
            return s.filter(p -> p.toString().endsWith(IdChunk.SUFFIX)).count();
        }
    }

    @Test
    void withoutDurabilityTheLogFallsBackToAPrefixOfWholeRequests() throws Exception {
        FaultyFileIO io = new FaultyFileIO().trackUnsyncedWrites();
        List<UUID> written = new ArrayList<>();
        // No periodic checkpoint: the only fsyncs are at open and at segment rolls.
        try (LogStore store = LogStore.open(config(Durability.none(), 3_600_000), io)) {
            for (int i = 0; i < 60; i++) {
                // Two events per request: a request must survive whole or not at all.
                EventData a = event(2 * i);
                EventData b = event(2 * i + 1);
                store.append(StreamName.of("s-" + i % 3), ExpectedVersion.any(), a, b).join();
                written.add(a.eventId());
                written.add(b.eventId());
            }
            io.crash();
        }
        io.loseUnsyncedWrites();

        try (EmbeddedEventStore store = Tributary.open(config(Durability.none()))) {
            List<UUID> ids = LogFiles.readAll(store).stream().map(RecordedEvent::eventId).toList();
            assertThat(ids.size()).as("the power loss lost the appends after the last fsync")
                    .isLessThan(written.size());
            assertThat(ids.size() % 2).as("whole requests only").isZero();
            assertThat(ids).isEqualTo(written.subList(0, ids.size()));
            for (int s = 0; s < 3; s++) {
                int stream = s;
                // Event n is in request n / 2, which went to stream (n / 2) % 3.
                List<UUID> expected = ids.stream().filter(id -> (id.getLeastSignificantBits() / 2) % 3 == stream).toList();
                if (expected.isEmpty()) {
                    assertThat(store.streamInfo(StreamName.of("s-" + s))).isEmpty();
                    continue;
                }
                List<RecordedEvent> events = store.readStream(StreamName.of("s-" + s), 0, 1000, Direction.FORWARD).events();
                assertThat(events).extracting(RecordedEvent::eventId).isEqualTo(expected);
                assertThat(events).extracting(RecordedEvent::version)
                        .isEqualTo(LongStream.range(0, expected.size()).boxed().toList());
            }
            AppendResult next = store.append(StreamName.of("s-0"), ExpectedVersion.any(), event(1000)).join();
            assertThat(next.position()).isEqualTo(ids.size());
        }
        VerificationReport report = Verifier.verify(dir);
        assertThat(report.ok()).as(report.summary()).isTrue();
    }
}
