package io.tributary.store.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.tributary.core.AppendResult;
import io.tributary.core.Direction;
import io.tributary.core.EventData;
import io.tributary.core.ExpectedVersion;
import io.tributary.core.ReadFilter;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StorageException;
import io.tributary.core.StoreClosedException;
import io.tributary.core.StoreFailedException;
import io.tributary.core.StreamAppend;
import io.tributary.core.StreamInfo;
import io.tributary.core.StreamMetadata;
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
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * After a failed fsync the kernel may have dropped the unsynced pages, so nothing written since
 * the last good fsync can be trusted: the store stops accepting writes (every later request fails
 * with {@link StoreFailedException}), never acknowledges what it could not sync, keeps serving
 * what it had acknowledged, and a reopen recovers every acknowledged event.
 */
class FsyncFailureTest {
    private static final StreamName ACCT = StreamName.of("acct-1");

    @TempDir
    Path dir;

    private StoreConfig config(Durability durability) {
        return StoreConfig.builder(dir).segmentSizeBytes(16 << 10).maxRequestBytes(4 << 10).maxEventBytes(1 << 10)
                .maxBatchBytes(4 << 10).checkpointIntervalMs(1).durability(durability).build();
    }

    private static EventData event(int n) {
        return new EventData(new UUID(42, n), "Deposited", ("{\"n\":" + n + "}").getBytes(StandardCharsets.UTF_8), new byte[0]);
    }

    private static Throwable failureOf(CompletableFuture<?> f) {
        Throwable t = catchThrowable(f::join);
        assertThat(t).as("the future must fail").isInstanceOf(CompletionException.class);
        return t.getCause();
    }

    /** Appends {@code n} events one by one, each acknowledged before the next. */
    private static void appendAcknowledged(EmbeddedEventStore store, int n) {
        for (int i = 0; i < n; i++) {
            store.append(ACCT, i == 0 ? ExpectedVersion.noStream() : ExpectedVersion.exact(i - 1), event(i)).join();
        }
    }

    @Nested
    class WithFsyncDurability {

        @Test
        void thePendingAppendIsNotAcknowledgedAndEveryLaterRequestFails() {
            FaultyFileIO io = new FaultyFileIO();
            List<RecordedEvent> acknowledged;
            try (LogStore store = LogStore.open(config(Durability.fsync()), io)) {
                appendAcknowledged(store, 3);
                acknowledged = LogFiles.readAll(store);

                io.failNextForce(FaultyFileIO.segmentFiles());
                Throwable pending = failureOf(store.append(ACCT, ExpectedVersion.exact(2), event(3)));
                assertThat(pending).isInstanceOf(StoreFailedException.class).hasMessageContaining("fsync");
                assertThat(store.failure()).isPresent();

                assertThat(failureOf(store.append(ACCT, ExpectedVersion.any(), event(4))))
                        .isInstanceOf(StoreFailedException.class);
                assertThat(failureOf(store.appendAll(List.of(StreamAppend.of(StreamName.of("other-1"),
                        ExpectedVersion.any(), event(5)))))).isInstanceOf(StoreFailedException.class);
                assertThat(failureOf(store.setStreamMetadata(ACCT, StreamMetadata.none().withMaxCount(1))))
                        .isInstanceOf(StoreFailedException.class);
                assertThat(failureOf(store.deleteStream(ACCT, ExpectedVersion.any(), false)))
                        .isInstanceOf(StoreFailedException.class);

                // Reads of what was acknowledged go on, and show nothing of what was not.
                assertThat(LogFiles.readAll(store)).isEqualTo(acknowledged);
                assertThat(store.readStream(ACCT, 0, 100, Direction.FORWARD).events()).isEqualTo(acknowledged);
                assertThat(store.readStream(ACCT, Long.MAX_VALUE, 1, Direction.BACKWARD).events())
                        .containsExactly(acknowledged.get(2));
                assertThat(store.streamInfo(ACCT)).isEqualTo(Optional.of(new StreamInfo(ACCT, 2, 2)));
                assertThat(store.headPosition()).isEqualTo(2);
            }

            try (EmbeddedEventStore store = Tributary.open(config(Durability.fsync()))) {
                List<RecordedEvent> all = LogFiles.readAll(store);
                assertThat(all.subList(0, acknowledged.size())).isEqualTo(acknowledged);
                // The write of the unacknowledged append reached the file before its fsync failed, so
                // it may come back; it comes back whole or not at all, and nothing after it.
                assertThat(all.size() - acknowledged.size()).isIn(0, 1);
                AppendResult next = store.append(ACCT, ExpectedVersion.any(), event(10)).join();
                assertThat(next.position()).isEqualTo(all.size());
            }
            VerificationReport report = Verifier.verify(dir);
            assertThat(report.ok()).as(report.summary()).isTrue();
        }

        @Test
        void aLargeAppendWhoseIndexBatchIsBuiltDuringTheFailedFsyncIsNotAcknowledgedNorIndexed() {
            // Large enough that its index batch is built while it is written and synced (Indexer.prebuild): the
            // failed fsync must leave no stream of it readable.
            StoreConfig large = StoreConfig.builder(dir).segmentSizeBytes(16 << 20).durability(Durability.fsync()).build();
            List<StreamAppend> parts = new java.util.ArrayList<>();
            for (int s = 0; s < Indexer.PREBUILD_MIN_EVENTS + 10; s++) {
                parts.add(StreamAppend.of(StreamName.of("row", s), ExpectedVersion.noStream(), event(s)));
            }
            FaultyFileIO io = new FaultyFileIO();
            try (LogStore store = LogStore.open(large, io)) {
                store.append(ACCT, ExpectedVersion.noStream(), event(-1)).join();
                io.failNextForce(FaultyFileIO.segmentFiles());
                assertThat(failureOf(store.appendAll(parts))).isInstanceOf(StoreFailedException.class)
                        .hasMessageContaining("fsync");
                assertThat(store.failure()).isPresent();
                assertThat(store.headPosition()).isZero();
                assertThat(store.streamInfo(StreamName.of("row", 0))).isEmpty();
            }
            VerificationReport report = Verifier.verify(dir);
            assertThat(report.ok()).as(report.summary()).isTrue();
        }

        @Test
        void aPowerLossAfterTheFailedFsyncLosesNothingAcknowledged() throws Exception {
            FaultyFileIO io = new FaultyFileIO().trackUnsyncedWrites();
            List<RecordedEvent> acknowledged;
            try (LogStore store = LogStore.open(config(Durability.fsync()), io)) {
                appendAcknowledged(store, 5);
                acknowledged = LogFiles.readAll(store);
                io.failNextForce(FaultyFileIO.segmentFiles());
                assertThat(failureOf(store.append(ACCT, ExpectedVersion.exact(4), event(5))))
                        .isInstanceOf(StoreFailedException.class);
                io.crash();
            }
            assertThat(io.loseUnsyncedWrites()).as("the write whose fsync failed is lost").isPositive();

            try (EmbeddedEventStore store = Tributary.open(config(Durability.fsync()))) {
                assertThat(LogFiles.readAll(store)).isEqualTo(acknowledged);
                assertThat(store.append(ACCT, ExpectedVersion.exact(4), event(6)).join().position()).isEqualTo(5);
            }
            VerificationReport report = Verifier.verify(dir);
            assertThat(report.ok()).as(report.summary()).isTrue();
        }

        @Test
        void aFailedFsyncOfASegmentBeingPreallocatedIsNotFatal() {
            try (EmbeddedEventStore store = Tributary.open(config(Durability.fsync()))) {
                appendAcknowledged(store, 1);
            }
            // Segment 1 cannot be preallocated (its fsync fails), in the background nor at the roll.
            FaultyFileIO io = new FaultyFileIO().failAllForces(FaultyFileIO.preallocatedSegments());
            List<EventData> acknowledged = new ArrayList<>(List.of(event(0)));
            try (LogStore store = LogStore.open(config(Durability.fsync()), io)) {
                byte[] big = new byte[900];
                Throwable failure = null;
                for (int i = 1; i < 40 && failure == null; i++) {
                    EventData e = new EventData(new UUID(43, i), "Deposited", big, new byte[0]);
                    failure = catchThrowable(store.append(ACCT, ExpectedVersion.any(), e)::join);
                    if (failure == null) {
                        acknowledged.add(e);
                    }
                }
                assertThat(failure).as("the append that needed segment 1").isNotNull();
                assertThat(failure.getCause()).isInstanceOf(StorageException.class)
                        .isNotInstanceOf(StoreFailedException.class);
                assertThat(store.failure()).as("no acknowledged data was at stake").isEmpty();

                io.healForces();
                EventData e = new EventData(new UUID(44, 0), "Deposited", big, new byte[0]);
                store.append(ACCT, ExpectedVersion.any(), e).join();
                acknowledged.add(e);
                assertThat(store.stats().segments()).isEqualTo(2);
            }
            try (EmbeddedEventStore store = Tributary.open(config(Durability.fsync()))) {
                assertThat(LogFiles.readAll(store)).extracting(RecordedEvent::eventId)
                        .containsExactlyElementsOf(acknowledged.stream().map(EventData::eventId).toList());
            }
        }
    }

    @Nested
    class WithIntervalDurability {

        @Test
        void aFailedPeriodicFsyncStopsTheStoreAndAReopenKeepsEveryAcknowledgedEvent() {
            FaultyFileIO io = new FaultyFileIO();
            List<UUID> acknowledged = new ArrayList<>();
            List<UUID> failed = new ArrayList<>();
            try (LogStore store = LogStore.open(config(Durability.interval(1)), io)) {
                appendAcknowledged(store, 2);
                acknowledged.addAll(List.of(event(0).eventId(), event(1).eventId()));
                io.failAllForces(FaultyFileIO.segmentFiles());
                // Acknowledged after the write; the periodic fsync that follows fails.
                for (int i = 2; i < 50 && store.failure().isEmpty(); i++) {
                    Throwable t = catchThrowable(store.append(ACCT, ExpectedVersion.any(), event(i))::join);
                    if (t == null) {
                        acknowledged.add(event(i).eventId());
                    } else {
                        assertThat(t.getCause()).isInstanceOf(StoreFailedException.class);
                        failed.add(event(i).eventId());
                    }
                    sleepMs(2);
                }
                assertThat(store.failure()).as("the periodic fsync failed").isPresent();
                assertThat(failureOf(store.append(ACCT, ExpectedVersion.any(), event(100))))
                        .isInstanceOf(StoreFailedException.class);
                assertThat(LogFiles.readAll(store)).extracting(RecordedEvent::eventId)
                        .containsExactlyElementsOf(acknowledged);
            }
            // The process did not crash: everything acknowledged was written and is there. An append
            // whose group was written but failed with the store may be there too.
            try (EmbeddedEventStore store = Tributary.open(config(Durability.fsync()))) {
                List<UUID> ids = LogFiles.readAll(store).stream().map(RecordedEvent::eventId).toList();
                assertThat(ids.subList(0, acknowledged.size())).isEqualTo(acknowledged);
                assertThat(failed).containsAll(ids.subList(acknowledged.size(), ids.size()));
            }
        }
    }

    @Test
    void closingAFailedStoreDoesNotThrowAndReleasesTheDirectory() {
        FaultyFileIO io = new FaultyFileIO();
        LogStore store = LogStore.open(config(Durability.fsync()), io);
        appendAcknowledged(store, 1);
        io.failNextForce(FaultyFileIO.segmentFiles());
        assertThat(failureOf(store.append(ACCT, ExpectedVersion.exact(0), event(1))))
                .isInstanceOf(StoreFailedException.class);
        store.close();
        assertThatThrownBy(() -> store.readAll(0, 10, Direction.FORWARD, ReadFilter.all()))
                .isInstanceOf(StoreClosedException.class);
        try (EmbeddedEventStore reopened = Tributary.open(config(Durability.fsync()))) {
            assertThat(reopened.readStream(ACCT, 0, 10, Direction.FORWARD).events()).isNotEmpty();
        }
    }

    private static void sleepMs(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
