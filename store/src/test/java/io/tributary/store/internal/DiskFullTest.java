package io.tributary.store.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.tributary.core.AppendResult;
import io.tributary.core.Direction;
import io.tributary.core.EventData;
import io.tributary.core.ExpectedVersion;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StorageException;
import io.tributary.core.StoreFailedException;
import io.tributary.core.StreamInfo;
import io.tributary.core.StreamName;
import io.tributary.store.Durability;
import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.StoreConfig;
import io.tributary.store.Tributary;
import io.tributary.store.VerificationReport;
import io.tributary.store.Verifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk (ENOSPC) is an ordinary, recoverable storage error: the appends it hits fail with a
 * {@link StorageException} that says the disk is full, nothing of them is written, nothing
 * acknowledged is lost, reads go on, and once space is freed appends work again without a reopen.
 */
class DiskFullTest {
    private static final long SEGMENT_BYTES = 16 << 10;
    private static final StreamName ACCT = StreamName.of("acct-1");

    @TempDir
    Path dir;

    private StoreConfig config() {
        return config(3_600_000);
    }

    /** Small segments (a roll every dozen appends); fsync on every append. */
    private StoreConfig config(long checkpointIntervalMs) {
        return StoreConfig.builder(dir).segmentSizeBytes(SEGMENT_BYTES).maxRequestBytes(4 << 10).maxEventBytes(1 << 10)
                .maxBatchBytes(4 << 10).checkpointIntervalMs(checkpointIntervalMs).durability(Durability.fsync()).build();
    }

    /** An event of about 1 KiB, so that a segment holds 15 of them. */
    private static EventData bigEvent(int n) {
        byte[] data = new byte[900];
        Arrays.fill(data, (byte) ('a' + n % 26));
        return new EventData(new java.util.UUID(7, n), "Deposited", data, new byte[0]);
    }

    /** exact(v), or noStream for -1. */
    private static ExpectedVersion expected(long version) {
        return version < 0 ? ExpectedVersion.noStream() : ExpectedVersion.exact(version);
    }

    /** The failure of a future that must fail, unwrapped. */
    private static Throwable failureOf(CompletableFuture<?> f) {
        Throwable t = catchThrowable(f::join);
        assertThat(t).as("the future must fail").isInstanceOf(CompletionException.class);
        return t.getCause();
    }

    /** A plain storage error that says the disk is full, not one that stopped the store. */
    private static void assertDiskFull(Throwable t) {
        assertThat(t).as("the failure of an append on a full disk")
                .isInstanceOf(StorageException.class).isNotInstanceOf(StoreFailedException.class);
        assertThat(t.getMessage()).contains("disk is full");
    }

    /** Reopens with healthy storage: exactly {@code acknowledged} is there, and the verifier is happy. */
    private void assertReopenHasExactly(List<RecordedEvent> acknowledged) {
        try (EmbeddedEventStore store = Tributary.open(config())) {
            assertThat(LogFiles.readAll(store)).isEqualTo(acknowledged);
            assertThat(store.readStream(ACCT, 0, 1000, Direction.FORWARD).events()).isEqualTo(
                    acknowledged.stream().filter(e -> e.stream().equals(ACCT)).toList());
        }
        VerificationReport report = Verifier.verify(dir);
        assertThat(report.ok()).as(report.summary()).isTrue();
    }

    @Nested
    class OnAGroupWrite {

        @Test
        void failsTheAppendWithDiskFullAndTheRetryAfterItSucceeds() {
            FaultyFileIO io = new FaultyFileIO();
            List<RecordedEvent> acknowledged;
            try (LogStore store = LogStore.open(config(), io)) {
                for (int i = 0; i < 3; i++) {
                    store.append(ACCT, expected(i - 1L), bigEvent(i)).join();
                }
                List<RecordedEvent> before = LogFiles.readAll(store);

                io.failNthWrite(1, FaultyFileIO.segmentFiles());
                assertDiskFull(failureOf(store.append(ACCT, ExpectedVersion.exact(2), bigEvent(3))));

                assertThat(store.failure()).as("a full disk does not fail the store").isEmpty();
                assertThat(LogFiles.readAll(store)).isEqualTo(before);
                assertThat(store.headPosition()).isEqualTo(2);
                assertThat(store.streamInfo(ACCT)).isEqualTo(Optional.of(new StreamInfo(ACCT, 2, 2)));

                AppendResult retried = store.append(ACCT, ExpectedVersion.exact(2), bigEvent(3)).join();
                assertThat(retried.firstVersion()).isEqualTo(3);
                assertThat(retried.position()).as("the failed append took no position").isEqualTo(3);
                acknowledged = LogFiles.readAll(store);
            }
            assertReopenHasExactly(acknowledged);
        }

        @Test
        void aLargeAppendWhoseIndexBatchIsBuiltDuringTheWriteFailsCleanlyAndItsRetryIsIndexed() {
            // Large enough that the group's index batch is built while it is written (Indexer.prebuild): the failed
            // write must leave neither the batch nor its streams behind.
            int streams = Indexer.PREBUILD_MIN_EVENTS + 100;
            List<io.tributary.core.StreamAppend> parts = new ArrayList<>();
            for (int s = 0; s < streams; s++) {
                parts.add(new io.tributary.core.StreamAppend(StreamName.of("row", s), ExpectedVersion.noStream(),
                        List.of(new EventData(new java.util.UUID(9, s), "Row", new byte[] {(byte) s}, new byte[0]))));
            }
            StoreConfig large = StoreConfig.builder(dir).segmentSizeBytes(16 << 20).durability(Durability.fsync()).build();
            FaultyFileIO io = new FaultyFileIO();
            try (LogStore store = LogStore.open(large, io)) {
                store.append(ACCT, ExpectedVersion.noStream(), bigEvent(0)).join();
                io.failNthWrite(1, FaultyFileIO.segmentFiles());
                assertDiskFull(failureOf(store.appendAll(parts)));
                assertThat(store.failure()).as("a full disk does not fail the store").isEmpty();
                assertThat(store.headPosition()).isZero();
                assertThat(store.streamInfo(StreamName.of("row", 0))).isEmpty();

                assertThat(store.appendAll(parts).join().position()).isEqualTo(streams);
                for (int s : new int[] {0, streams / 2, streams - 1}) {
                    assertThat(store.streamInfo(StreamName.of("row", s)))
                            .isEqualTo(Optional.of(new StreamInfo(StreamName.of("row", s), 0, s + 1)));
                }
            }
            try (EmbeddedEventStore store = Tributary.open(large)) {
                assertThat(store.readCategory("row", 0, 10_000, Direction.FORWARD).events()).hasSize(streams)
                        .extracting(RecordedEvent::position).startsWith(1L).endsWith((long) streams);
            }
            VerificationReport report = Verifier.verify(dir);
            assertThat(report.ok()).as(report.summary()).isTrue();
        }

        @Test
        void wipesThePartOfTheWriteThatReachedTheDisk() throws IOException {
            FaultyFileIO io = new FaultyFileIO();
            List<RecordedEvent> acknowledged;
            try (LogStore store = LogStore.open(config(), io)) {
                store.append(ACCT, ExpectedVersion.noStream(), bigEvent(0)).join();
                byte[] before = Files.readAllBytes(LogFiles.segment(dir, 0));

                io.tearNthWrite(1, 300, FaultyFileIO.Tear.THROW, FaultyFileIO.segmentFiles());
                assertDiskFull(failureOf(store.append(ACCT, ExpectedVersion.exact(0), bigEvent(1))));
                // The future fails before the writer wipes the bytes (see failedAppendIsNotResurrected...).
                await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                        assertThat(Arrays.mismatch(Files.readAllBytes(LogFiles.segment(dir, 0)), before))
                                .as("the 300 bytes that were written are zeroed again (first difference)").isEqualTo(-1));

                store.append(ACCT, ExpectedVersion.exact(0), bigEvent(2)).join();
                acknowledged = LogFiles.readAll(store);
            }
            assertThat(acknowledged).extracting(RecordedEvent::eventId)
                    .containsExactly(bigEvent(0).eventId(), bigEvent(2).eventId());
            assertReopenHasExactly(acknowledged);
        }

        /**
         * A group of two appends is written with one call; the disk fills up after the first
         * append's frame and part of the second's. Both futures fail with "disk full". If the
         * process dies before the writer has wiped those bytes, the first append must not come
         * back: the caller was told it was not written.
         */
        @Test
        void aFailedAppendWhoseBytesCannotBeWipedStopsTheStoreInsteadOfClaimingNothingWasWritten() {
            FaultyFileIO io = new FaultyFileIO();
            StreamName a = StreamName.of("a-1");
            StreamName b = StreamName.of("b-1");
            List<RecordedEvent> acknowledged;
            try (LogStore store = LogStore.open(config(), io)) {
                store.append(ACCT, ExpectedVersion.noStream(), bigEvent(0)).join();
                // Hold the writer inside the next write, so that the two appends after it queue up
                // and are written as one group.
                FaultyFileIO.Hold hold = io.holdNextWrite(FaultyFileIO.segmentFiles());
                CompletableFuture<AppendResult> x = store.append(ACCT, ExpectedVersion.exact(0), bigEvent(1));
                hold.awaitReached();
                CompletableFuture<AppendResult> fa = store.append(a, ExpectedVersion.noStream(), bigEvent(2));
                CompletableFuture<AppendResult> fb = store.append(b, ExpectedVersion.noStream(), bigEvent(3));
                int frameA = FrameCodec.eventsFrameSize(List.of(
                        new FrameCodec.StreamPart(Keys.utf8(a.value()), 0, List.of(bigEvent(2)))));
                io.tearNthWrite(1, frameA + 100, FaultyFileIO.Tear.THROW, FaultyFileIO.segmentFiles());
                // The write that would wipe the torn group fails too: the first frame of the group
                // is complete on disk and could come back, so "not written" would be a lie.
                io.failNthWrite(2, FaultyFileIO.segmentFiles());
                hold.release();

                x.join();
                assertThat(failureOf(fa)).isInstanceOf(StoreFailedException.class);
                assertThat(failureOf(fb)).isInstanceOf(StoreFailedException.class);
                acknowledged = LogFiles.readAll(store);
            }
            try (EmbeddedEventStore store = Tributary.open(config())) {
                List<RecordedEvent> after = LogFiles.readAll(store);
                assertThat(after).as("everything acknowledged survives").startsWith(acknowledged.toArray(new RecordedEvent[0]));
                // Outcome unknown, but each request is all or nothing, and the torn one is gone.
                assertThat(store.streamInfo(b)).isEmpty();
            }
        }

        @Test
        void failsEveryAppendWhileTheDiskIsFullAndServesReadsThroughout() {
            FaultyFileIO io = new FaultyFileIO();
            List<RecordedEvent> acknowledged;
            try (LogStore store = LogStore.open(config(), io)) {
                store.append(ACCT, ExpectedVersion.noStream(), bigEvent(0)).join();
                List<RecordedEvent> before = LogFiles.readAll(store);

                io.diskFull(FaultyFileIO.segmentFiles());
                List<CompletableFuture<AppendResult>> attempts = new ArrayList<>();
                for (int i = 1; i <= 5; i++) {
                    attempts.add(store.append(StreamName.of("other-" + i), ExpectedVersion.any(), bigEvent(i)));
                }
                for (CompletableFuture<AppendResult> f : attempts) {
                    assertDiskFull(failureOf(f));
                }
                assertThat(LogFiles.readAll(store)).isEqualTo(before);
                assertThat(store.readStream(ACCT, 0, 10, Direction.FORWARD).events()).isEqualTo(before);
                assertThat(store.streamInfo(StreamName.of("other-1"))).isEmpty();

                io.freeSpace();
                AppendResult r = store.append(ACCT, ExpectedVersion.exact(0), bigEvent(6)).join();
                assertThat(r.position()).isEqualTo(1);
                acknowledged = LogFiles.readAll(store);
            }
            assertReopenHasExactly(acknowledged);
        }
    }

    @Nested
    class WhenANewSegmentIsPreallocated {

        @Test
        void failsTheAppendThatNeedsTheNewSegmentUntilSpaceIsFreed() throws IOException {
            try (EmbeddedEventStore store = Tributary.open(config())) {
                store.append(ACCT, ExpectedVersion.noStream(), bigEvent(0)).join();
            }
            // The disk is full from the start: the background preallocation of segment 1 fails too.
            FaultyFileIO io = new FaultyFileIO().diskFull(FaultyFileIO.preallocatedSegments());
            List<RecordedEvent> acknowledged;
            try (LogStore store = LogStore.open(config(), io)) {
                int version = 0;
                Throwable failure = null;
                for (int i = 1; i < 40 && failure == null; i++) {
                    CompletableFuture<AppendResult> f = store.append(ACCT, ExpectedVersion.exact(version), bigEvent(i));
                    failure = catchThrowable(f::join);
                    if (failure == null) {
                        version++;
                    }
                }
                assertThat(failure).as("an append needed a new segment").isNotNull();
                assertDiskFull(failure.getCause());
                assertThat(store.stats().segments()).isEqualTo(1);
                // The preallocator may be trying again in the background; each attempt cleans up.
                await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                    try (Stream<Path> files = Files.list(dir.resolve("log"))) {
                        assertThat(files.map(p -> p.getFileName().toString()))
                                .as("a failed preallocation leaves nothing behind")
                                .containsExactly(Segment.fileName(0));
                    }
                });
                List<RecordedEvent> before = LogFiles.readAll(store);
                assertThat(before).hasSize(version + 1);
                assertDiskFull(failureOf(store.append(ACCT, ExpectedVersion.exact(version), bigEvent(100))));
                assertThat(LogFiles.readAll(store)).isEqualTo(before);

                io.freeSpace();
                AppendResult r = store.append(ACCT, ExpectedVersion.exact(version), bigEvent(101)).join();
                assertThat(r.position()).isEqualTo(version + 1);
                assertThat(store.stats().segments()).isEqualTo(2);
                acknowledged = LogFiles.readAll(store);
            }
            assertReopenHasExactly(acknowledged);
        }
    }

    @Nested
    class WhenTheCheckpointIsWritten {

        /**
         * At a roll the writer records the new segment in the checkpoint file. If that write fails,
         * the appends after it must still go to the new segment (or fail), never over the data of
         * the segment before.
         */
        @Test
        void atARollLosesNoAcknowledgedEvent() {
            FaultyFileIO io = new FaultyFileIO();
            List<EventData> acknowledged = new ArrayList<>();
            try (LogStore store = LogStore.open(config(), io)) {
                // The checkpoint interval is an hour: the next checkpoint write is the one at the roll.
                io.failNthWrite(1, FaultyFileIO.checkpointFile());
                int version = -1;
                int failures = 0;
                for (int i = 0; i < 30; i++) {
                    EventData e = bigEvent(i);
                    Throwable t = catchThrowable(store.append(ACCT, expected(version), e)::join);
                    if (t == null) {
                        acknowledged.add(e);
                        version++;
                    } else {
                        failures++;
                        assertDiskFull(t.getCause());
                    }
                }
                assertThat(failures).as("only the append that rolled the segment may fail").isLessThanOrEqualTo(1);
                assertThat(store.stats().segments()).isGreaterThan(1);
            }
            VerificationReport report = Verifier.verify(dir);
            assertThat(report.ok()).as(report.summary()).isTrue();
            try (EmbeddedEventStore store = Tributary.open(config())) {
                assertThat(store.readStream(ACCT, 0, 1000, Direction.FORWARD).events())
                        .extracting(RecordedEvent::eventId)
                        .containsExactlyElementsOf(acknowledged.stream().map(EventData::eventId).toList());
            }
        }

        /**
         * The periodic checkpoint is a 32-byte file written through a temporary file: on a full
         * disk it is the first write to fail. It must not stop the store for good.
         */
        @Test
        void periodicallyIsNotFatalAndAppendsWorkAgainOnceSpaceIsFreed() {
            FaultyFileIO io = new FaultyFileIO();
            List<RecordedEvent> acknowledged;
            try (LogStore store = LogStore.open(config(1), io)) {
                store.append(ACCT, ExpectedVersion.noStream(), bigEvent(0)).join();
                io.diskFull(FaultyFileIO.checkpointFile());
                for (int i = 1; i <= 3; i++) {
                    Throwable t = catchThrowable(store.append(ACCT, ExpectedVersion.any(), bigEvent(i))::join);
                    if (t != null) {
                        assertDiskFull(t.getCause());
                    }
                    sleepMs(5);
                }
                io.freeSpace();
                sleepMs(5);
                Throwable afterFreeing = catchThrowable(store.append(ACCT, ExpectedVersion.any(), bigEvent(10))::join);
                assertThat(afterFreeing).as("an append once space is freed").isNull();
                assertThat(store.failure()).isEmpty();
                acknowledged = LogFiles.readAll(store);
            }
            assertReopenHasExactly(acknowledged);
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
