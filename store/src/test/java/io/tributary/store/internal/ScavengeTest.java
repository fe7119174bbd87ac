package io.tributary.store.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.tributary.core.AppendResult;
import io.tributary.core.Direction;
import io.tributary.core.EventData;
import io.tributary.core.EventStore;
import io.tributary.core.ExpectedVersion;
import io.tributary.core.ListStreamsRequest;
import io.tributary.core.ReadFilter;
import io.tributary.core.ReadSlice;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StorageException;
import io.tributary.core.StreamAppend;
import io.tributary.core.StreamDeletedException;
import io.tributary.core.StreamInfo;
import io.tributary.core.StreamMetadata;
import io.tributary.core.StreamName;
import io.tributary.core.StreamNotFoundException;
import io.tributary.store.Durability;
import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.ScavengeResult;
import io.tributary.store.StoreConfig;
import io.tributary.store.Tributary;
import io.tributary.store.VerificationReport;
import io.tributary.store.Verifier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scavenge rewrites sealed segments without the events nobody can read any more (tombstoned and
 * soft-deleted streams, versions below truncateBefore or outside maxCount), keeping every
 * survivor's position and version and the last event of every live stream; and a crash at any
 * point of it leaves a store that opens consistent.
 */
class ScavengeTest {
    private static final long SEGMENT_BYTES = 32 << 10;
    private static final int DATA_BYTES = 500;
    private static final StreamName KEEP = StreamName.of("keep-1");
    private static final StreamName SOFT = StreamName.of("soft-1");
    private static final StreamName HARD = StreamName.of("hard-1");
    private static final StreamName TRUNC = StreamName.of("trunc-1");
    private static final StreamName MAX = StreamName.of("max-1");
    private static final StreamName RECREATED = StreamName.of("recreated-1");
    private static final StreamName HIDDEN = StreamName.of("hidden-1");
    private static final StreamName FILLER = StreamName.of("filler-1");
    private static final List<StreamName> STREAMS = List.of(KEEP, SOFT, HARD, TRUNC, MAX, RECREATED, HIDDEN, FILLER);
    /** Events the scavenge removes: all of soft-1 and hard-1, 30 + 35 + 20 + 39 of the others. */
    private static final int REMOVED = 40 + 40 + 30 + 35 + 20 + 39;

    @TempDir
    Path dir;

    /** Segments of 32 KiB (so that about 55 events of 500 bytes fill one); no fsync, for speed. */
    private StoreConfig config() {
        return StoreConfig.builder(dir).segmentSizeBytes(SEGMENT_BYTES).maxRequestBytes(8 << 10)
                .maxEventBytes(4 << 10).maxBatchBytes(8 << 10).checkpointIntervalMs(2).durability(Durability.none()).build();
    }

    private static EventData event(StreamName s, int n) {
        byte[] data = new byte[DATA_BYTES];
        Arrays.fill(data, (byte) ('a' + n % 26));
        return new EventData(UUID.nameUUIDFromBytes((s + "/" + n).getBytes(StandardCharsets.UTF_8)),
                "Happened", data, ("{\"n\":" + n + "}").getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The scenario: 40 rounds of one multi-stream append with an event for each stream (none for
     * recreated-1 after round 20), so that frames mix removable and surviving events; then the
     * deletes and metadata, 10 more events in recreated-1, then filler until two more segments
     * exist, so that every interesting event is in a sealed segment.
     */
    private static void buildScenario(EmbeddedEventStore store) {
        for (int n = 0; n < 40; n++) {
            List<StreamAppend> round = new ArrayList<>();
            for (StreamName s : List.of(KEEP, SOFT, HARD, TRUNC, MAX, RECREATED, HIDDEN)) {
                if (!s.equals(RECREATED) || n < 20) {
                    round.add(StreamAppend.of(s, ExpectedVersion.any(), event(s, n)));
                }
            }
            store.appendAll(round).join();
        }
        store.deleteStream(SOFT, ExpectedVersion.exact(39), false).join();
        store.deleteStream(RECREATED, ExpectedVersion.exact(19), false).join();
        store.deleteStream(HARD, ExpectedVersion.any(), true).join();
        store.setStreamMetadata(TRUNC, StreamMetadata.none().withTruncateBefore(30)).join();
        store.setStreamMetadata(MAX, StreamMetadata.none().withMaxCount(5)).join();
        store.setStreamMetadata(HIDDEN, StreamMetadata.none().withTruncateBefore(1000)).join();
        for (int n = 20; n < 30; n += 2) {
            store.append(RECREATED, ExpectedVersion.any(), event(RECREATED, n), event(RECREATED, n + 1)).join();
        }
        int segments = store.stats().segments();
        for (int n = 0; store.stats().segments() < segments + 2; n += 8) {
            List<EventData> batch = new ArrayList<>();
            for (int i = n; i < n + 8; i++) {
                batch.add(event(FILLER, i));
            }
            store.append(FILLER, ExpectedVersion.any(), batch).join();
        }
    }

    /** Whether the scavenge may remove {@code e} from the scenario's log. */
    private static boolean removable(RecordedEvent e) {
        String s = e.stream().value();
        long v = e.version();
        return switch (s) {
            case "soft-1", "hard-1" -> true;
            case "trunc-1" -> v < 30;
            case "max-1" -> v < 35;
            case "recreated-1" -> v < 20;
            case "hidden-1" -> v < 39;
            default -> false;
        };
    }

    /** What a store shows: the global log, every stream, the stream list. */
    private record Snapshot(List<RecordedEvent> all, Map<StreamName, Object> streams, List<StreamInfo> list) {
    }

    private static Snapshot snapshot(EventStore store) {
        Map<StreamName, Object> streams = new LinkedHashMap<>();
        for (StreamName s : STREAMS) {
            try {
                ReadSlice slice = store.readStream(s, 0, 10_000, Direction.FORWARD);
                streams.put(s, List.of(slice.events(), store.streamInfo(s)));
            } catch (StreamNotFoundException | StreamDeletedException e) {
                streams.put(s, e.getClass().getSimpleName());
            }
        }
        return new Snapshot(LogFiles.readAll(store), streams, store.listStreams(ListStreamsRequest.first(100)));
    }

    /** What the scenario must show after a scavenge: the same, without the removed events in $all. */
    private static Snapshot withoutRemoved(Snapshot before) {
        return new Snapshot(before.all().stream().filter(e -> !removable(e)).toList(), before.streams(), before.list());
    }

    private static void assertShows(EventStore store, Snapshot expected) {
        Snapshot actual = snapshot(store);
        assertThat(actual.all()).isEqualTo(expected.all());
        assertThat(actual.streams()).isEqualTo(expected.streams());
        assertThat(actual.list()).isEqualTo(expected.list());
        // Backward, in small pages (the position index is walked backward).
        List<RecordedEvent> backward = new ArrayList<>();
        long from = Long.MAX_VALUE;
        while (true) {
            ReadSlice s = store.readAll(from, 50, Direction.BACKWARD, ReadFilter.all());
            backward.addAll(s.events());
            if (s.isEnd()) {
                break;
            }
            from = s.next().getAsLong();
        }
        assertThat(backward).hasSameSizeAs(expected.all());
        assertThat(backward.get(0)).isEqualTo(expected.all().get(expected.all().size() - 1));
        // The category and type indexes agree.
        for (StreamName s : STREAMS) {
            List<RecordedEvent> inCategory = store.readCategory(s.category(), 0, 10_000, Direction.FORWARD).events();
            assertThat(inCategory).isEqualTo(expected.all().stream().filter(e -> e.stream().equals(s)).toList());
        }
        assertThat(store.readAll(0, 10_000, Direction.FORWARD, ReadFilter.eventTypes("Happened")).events())
                .hasSameSizeAs(expected.all());
    }

    private void assertVerifierOk() {
        VerificationReport report = Verifier.verify(dir);
        assertThat(report.ok()).as(report.summary()).isTrue();
    }

    private long logBytes() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("log"))) {
            long total = 0;
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".log")).toList()) {
                total += Files.size(f);
            }
            return total;
        }
    }

    @Nested
    class OnAHealthyStore {

        @Test
        void reclaimsTheRemovedEventsAndKeepsEverySurvivorWhereItWas() throws IOException {
            Snapshot before;
            long bytesBefore;
            try (EmbeddedEventStore store = Tributary.open(config())) {
                buildScenario(store);
                before = snapshot(store);
                int segments = store.stats().segments();
                bytesBefore = logBytes();

                ScavengeResult result = store.scavenge();

                assertThat(result.segmentsScanned()).as("every sealed segment").isEqualTo(segments - 1);
                assertThat(result.segmentsRewritten()).isPositive().isLessThanOrEqualTo(segments - 1);
                assertThat(result.eventsRemoved()).isEqualTo(REMOVED);
                assertThat(result.bytesReclaimed()).isGreaterThanOrEqualTo((long) REMOVED * DATA_BYTES);
                assertThat(before.all().stream().filter(ScavengeTest::removable)).hasSize(REMOVED);
                assertThat(logBytes()).as("the rewritten segments are smaller on disk")
                        .isLessThanOrEqualTo(bytesBefore - result.bytesReclaimed());
                // Stream reads, stream infos and the stream list do not change.
                assertThat(snapshot(store).streams()).isEqualTo(before.streams());
                assertThat(snapshot(store).list()).isEqualTo(before.list());
            }
            assertVerifierOk();
            try (EmbeddedEventStore store = Tributary.open(config())) {
                assertShows(store, withoutRemoved(before));
                ScavengeResult again = store.scavenge();
                assertThat(again.eventsRemoved()).isZero();
                assertThat(again.segmentsRewritten()).isZero();
                AppendResult r = store.append(KEEP, ExpectedVersion.exact(39), event(KEEP, 40)).join();
                assertThat(r.position()).isEqualTo(before.all().get(before.all().size() - 1).position() + 1);
            }
        }

        /**
         * The events a scavenge removed are gone from the global log as soon as it returns, not
         * only after a restart: a hard delete followed by a scavenge is how data is erased.
         */
        @Test
        void removedEventsAreGoneFromTheGlobalLogAsSoonAsTheScavengeReturns() {
            try (EmbeddedEventStore store = Tributary.open(config())) {
                buildScenario(store);
                Snapshot before = snapshot(store);
                store.scavenge();
                assertThat(LogFiles.readAll(store)).filteredOn(e -> e.stream().equals(HARD))
                        .as("events of the tombstoned stream hard-1 in $all after the scavenge").isEmpty();
                assertShows(store, withoutRemoved(before));
            }
        }

        @Test
        void keepsTheLastEventOfALiveStreamSoItsVersionGoesOn() {
            try (EmbeddedEventStore store = Tributary.open(config())) {
                buildScenario(store);
                store.scavenge();
            }
            try (EmbeddedEventStore store = Tributary.open(config())) {
                // hidden-1: every event is below truncateBefore, but the last one stays in the log.
                assertThat(store.readStream(HIDDEN, 0, 100, Direction.FORWARD).events()).isEmpty();
                assertThat(store.streamInfo(HIDDEN)).map(StreamInfo::lastVersion).contains(39L);
                assertThat(LogFiles.readAll(store)).filteredOn(e -> e.stream().equals(HIDDEN))
                        .extracting(RecordedEvent::version).containsExactly(39L);

                long head = store.headPosition();
                AppendResult r = store.append(HIDDEN, ExpectedVersion.exact(39), event(HIDDEN, 40)).join();
                assertThat(r.firstVersion()).isEqualTo(40);
                assertThat(r.position()).isEqualTo(head + 1);
                // Soft-deleted streams continue their versions even though their events are gone.
                AppendResult again = store.append(SOFT, ExpectedVersion.noStream(), event(SOFT, 40)).join();
                assertThat(again.firstVersion()).isEqualTo(40);
                assertThatThrownBy(() -> store.append(HARD, ExpectedVersion.any(), event(HARD, 40)).join())
                        .hasCauseInstanceOf(StreamDeletedException.class);
            }
            assertVerifierOk();
        }
    }

    @Nested
    class AfterACrash {
        private Snapshot before;

        @BeforeEach
        void buildAndClose() {
            try (EmbeddedEventStore store = Tributary.open(config())) {
                buildScenario(store);
                before = snapshot(store);
            }
        }

        @Test
        void aLeftoverMarkerAndAHalfWrittenCopyAreCleanedUpAndTheIndexIsRebuilt() throws IOException {
            Path seg0 = LogFiles.segment(dir, 0);
            byte[] original = Files.readAllBytes(seg0);
            Path copy = seg0.resolveSibling(seg0.getFileName() + ".scavenge");
            Files.write(copy, Arrays.copyOf(original, 20_000));
            Files.write(dir.resolve("scavenge.pending"), "0".getBytes(StandardCharsets.US_ASCII));

            try (EmbeddedEventStore store = Tributary.open(config())) {
                assertThat(copy).doesNotExist();
                assertThat(dir.resolve("scavenge.pending")).doesNotExist();
                assertShows(store, before);
                assertThat(store.scavenge().eventsRemoved()).isEqualTo(REMOVED);
            }
            assertVerifierOk();
            try (EmbeddedEventStore store = Tributary.open(config())) {
                assertShows(store, withoutRemoved(before));
            }
        }

        @Test
        void aCrashAfterSegmentsWereSwappedButBeforeTheIndexWasUpdatedRebuildsTheIndex() throws IOException {
            Path indexBefore = dir.resolveSibling(dir.getFileName() + "-index-before");
            LogFiles.copyTree(dir.resolve("index"), indexBefore);
            try (EmbeddedEventStore store = Tributary.open(config())) {
                store.scavenge();
            }
            // As a crash leaves it: the new segments, the old index, the marker still there.
            LogFiles.deleteTree(dir.resolve("index"));
            LogFiles.copyTree(indexBefore, dir.resolve("index"));
            LogFiles.deleteTree(indexBefore);
            Files.write(dir.resolve("scavenge.pending"), "0".getBytes(StandardCharsets.US_ASCII));

            try (EmbeddedEventStore store = Tributary.open(config())) {
                assertShows(store, withoutRemoved(before));
            }
            assertVerifierOk();
        }

        @Test
        void aCrashWhileWritingTheCopyOfASegmentLeavesTheLogAsItWas() {
            FaultyFileIO io = new FaultyFileIO();
            try (LogStore store = LogStore.open(config(), io)) {
                io.tearNthWrite(3, 500, FaultyFileIO.Tear.CRASH, p -> p.getFileName().toString().endsWith(".scavenge"));
                assertThat(catchThrowable(store::scavenge)).isInstanceOf(StorageException.class);
            }
            try (EmbeddedEventStore store = Tributary.open(config())) {
                assertShows(store, before);
                assertThat(store.scavenge().eventsRemoved()).isEqualTo(REMOVED);
            }
            assertVerifierOk();
        }

        @Test
        void aCrashWhenWritingTheMarkerLeavesTheLogAsItWas() {
            FaultyFileIO io = new FaultyFileIO();
            try (LogStore store = LogStore.open(config(), io)) {
                io.failNthWrite(1, p -> p.getFileName().toString().equals("scavenge.pending"));
                assertThat(catchThrowable(store::scavenge)).isInstanceOf(StorageException.class);
                io.crash();
            }
            try (EmbeddedEventStore store = Tributary.open(config())) {
                assertShows(store, before);
            }
            assertVerifierOk();
        }

        @Test
        void aCrashRightAfterASegmentWasSwappedRebuildsTheIndexOnTheNextOpen() {
            FaultyFileIO io = new FaultyFileIO();
            Set<Long> removedPositions = new HashSet<>();
            try (LogStore store = LogStore.open(config(), io)) {
                io.crashAtNextDirectoryFsync();
                assertThat(catchThrowable(store::scavenge)).isInstanceOf(StorageException.class);
            }
            // Segment 0 was swapped: its removable events are gone, the others' are still there.
            try (EmbeddedEventStore store = Tributary.open(config())) {
                List<RecordedEvent> all = LogFiles.readAll(store);
                Set<Long> present = new HashSet<>();
                all.forEach(e -> present.add(e.position()));
                for (RecordedEvent e : before.all()) {
                    if (!present.contains(e.position())) {
                        removedPositions.add(e.position());
                        assertThat(removable(e)).as("only removable events are gone: " + e).isTrue();
                    }
                }
                assertThat(removedPositions).as("the first segment was scavenged").isNotEmpty();
                assertThat(snapshot(store).streams()).isEqualTo(before.streams());
                store.scavenge();
            }
            assertVerifierOk();
            try (EmbeddedEventStore store = Tributary.open(config())) {
                assertShows(store, withoutRemoved(before));
            }
        }
    }
}
