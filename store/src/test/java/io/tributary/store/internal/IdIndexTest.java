package io.tributary.store.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.core.AppendResult;
import io.tributary.core.Direction;
import io.tributary.core.DuplicateEventException;
import io.tributary.core.EventData;
import io.tributary.core.ExpectedVersion;
import io.tributary.core.StreamName;
import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.StoreConfig;
import io.tributary.store.Tributary;
import io.tributary.store.VerificationReport;
import io.tributary.store.Verifier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The event-id index lives in chunk files next to the log plus a table in memory. Small chunks
 * here (10 events) so that a few hundred events span many files, frozen tables and a live table:
 * repeats and reused ids must be recognised wherever the original is, across reopens, after the
 * files were lost, damaged or left ahead of the log, and the files must equal a fresh rebuild.
 */
class IdIndexTest {
    @TempDir
    Path root;

    private Path dir;
    private final List<List<EventData>> batches = new ArrayList<>();

    @BeforeEach
    void smallChunks() {
        IdIndex.chunkEventsForNewStores = 10;
        dir = root.resolve("data");
    }

    @AfterEach
    void defaultChunks() {
        IdIndex.chunkEventsForNewStores = IdIndex.CHUNK_EVENTS;
    }

    private StoreConfig config() {
        return StoreConfig.builder(dir).build();
    }

    /** Writes batch {@code n}: five streams, 20 events each, new ids, one append per stream. */
    private void writeBatch(int n) {
        try (EmbeddedEventStore store = Tributary.open(config())) {
            for (int s = 0; s < 5; s++) {
                List<EventData> events = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    events.add(new EventData(UUID.randomUUID(), "Happened",
                            ("{\"batch\":" + n + ",\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8), new byte[0]));
                }
                store.append(StreamName.of("thing", s), ExpectedVersion.any(), events).join();
                batches.add(events);
            }
        }
    }

    private List<Path> chunkFiles() throws IOException {
        try (Stream<Path> s = Files.list(dir.resolve("index").resolve(Index.ID_DIR))) {
            return s.filter(p -> p.toString().endsWith(IdChunk.SUFFIX)).sorted().toList();
        }
    }

    /** Repeats and reused ids of both batches are recognised; nothing is written by them. */
    private void recognisesEveryId(EmbeddedEventStore store) {
        for (int s = 0; s < 5; s++) {
            assertThat(store.readStream(StreamName.of("thing", s), 0, 100, Direction.FORWARD).events()).hasSize(40);
        }
        long head = store.stats().headPosition();
        for (int b = 0; b < 10; b++) {
            int stream = b % 5;
            long first = b < 5 ? 0 : 20;
            ExpectedVersion ev = first == 0 ? ExpectedVersion.noStream() : ExpectedVersion.exact(first - 1);
            AppendResult again = store.append(StreamName.of("thing", stream), ev, batches.get(b)).join();
            assertThat(again.firstVersion()).as("repeat of batch %d", b).isEqualTo(first);
            assertThat(again.lastVersion()).isEqualTo(first + 19);
            int i = b * 3 % 20;
            List<EventData> reused = List.of(batches.get(b).get(i));
            assertThatThrownBy(() -> store.append(StreamName.of("thing", stream), ExpectedVersion.exact(39), reused).join())
                    .as("id %d of batch %d reused", i, b)
                    .hasCauseInstanceOf(DuplicateEventException.class);
        }
        assertThat(store.stats().headPosition()).isEqualTo(head);
        // The same id in another stream is no conflict.
        store.append(StreamName.of("other", 1), ExpectedVersion.noStream(), List.of(batches.get(0).get(0))).join();
    }

    @Test
    void idsAreRecognisedInChunksFrozenTablesAndTheLiveTableAcrossReopens() throws IOException {
        writeBatch(1);
        writeBatch(2);
        // 200 events in chunks of (at least) 10, the last written at close; they cover 0..199 without a gap.
        List<Path> files = chunkFiles();
        assertThat(files.size()).isGreaterThan(5);
        long expected = 0;
        for (Path f : files) {
            IdChunk c = IdChunk.open(f);
            assertThat(c.from()).isEqualTo(expected);
            assertThat(c.verify()).isNull();
            expected = c.to() + 1;
        }
        assertThat(expected).isEqualTo(200);
        try (EmbeddedEventStore store = Tributary.open(config())) {
            recognisesEveryId(store);
        }
        assertThat(Verifier.verify(dir).problems()).isEmpty();
    }

    @Test
    void repeatsAreRecognisedWhileTheStoreIsOpen() {
        try (EmbeddedEventStore store = Tributary.open(config())) {
            List<List<EventData>> written = new ArrayList<>();
            for (int b = 0; b < 30; b++) {
                List<EventData> events = new ArrayList<>();
                for (int i = 0; i < 7; i++) {
                    events.add(new EventData(UUID.randomUUID(), "Happened", new byte[] {'{', '}'}, new byte[0]));
                }
                store.append(StreamName.of("s", b % 3), ExpectedVersion.any(), events).join();
                written.add(events);
                // Every earlier batch, repeated at once or later: recognised, wherever its ids are by now.
                for (int k = 0; k <= b; k += 4) {
                    // An old id with a new one: the old one makes it a duplicate, not a repeat.
                    List<EventData> old = List.of(written.get(k).get(k % 7),
                            new EventData(UUID.randomUUID(), "Happened", new byte[] {'{', '}'}, new byte[0]));
                    StreamName stream = StreamName.of("s", k % 3);
                    assertThatThrownBy(() -> store.append(stream, ExpectedVersion.any(), old).join())
                            .hasCauseInstanceOf(DuplicateEventException.class);
                }
            }
        }
    }

    @Test
    void everyIdIsRecognisedWhileTheChunksFilterGrowsAndAfterItIsRebuiltAtOpen() {
        // Chunks of 10: the filter of the chunks (sized for four chunks, then twice its keys) is
        // rebuilt larger several times; an id it lost would be appended again (expected: any).
        // Reopened, the ids are asked before and after the filter of the kept chunks is built.
        List<List<EventData>> written = new ArrayList<>();
        for (int round = 0; round < 2; round++) {
            try (EmbeddedEventStore store = Tributary.open(config())) {
                for (int b = 0; b < 150; b++) {
                    if (round == 0) {
                        List<EventData> events = new ArrayList<>();
                        for (int i = 0; i < 1 + b % 13; i++) {
                            events.add(new EventData(UUID.randomUUID(), "Happened", new byte[] {'{', '}'}, new byte[0]));
                        }
                        store.append(StreamName.of("g", b % 4), ExpectedVersion.any(), events).join();
                        written.add(events);
                    }
                    long head = store.stats().headPosition();
                    for (int k = b % 5; k < written.size(); k += 7) {
                        AppendResult again = store.append(StreamName.of("g", k % 4), ExpectedVersion.any(), written.get(k))
                                .join();
                        assertThat(again.lastVersion() - again.firstVersion() + 1).isEqualTo(written.get(k).size());
                    }
                    assertThat(store.stats().headPosition()).as("round %d, batch %d: repeats append nothing", round, b)
                            .isEqualTo(head);
                }
            }
        }
    }

    @Test
    void lostChunkFilesAreRebuiltFromTheLogAndEqualAFreshRebuild() throws IOException {
        writeBatch(1);
        writeBatch(2);
        Map<String, List<String>> original = IndexDump.dump(dir);
        assertThat(original.get("eventids")).hasSize(200);
        // Lose the newest half of the files: the open scans the log after the rest.
        List<Path> files = chunkFiles();
        for (Path f : files.subList(files.size() / 2, files.size())) {
            Files.delete(f);
        }
        try (EmbeddedEventStore store = Tributary.open(config())) {
            recognisesEveryId(store);
        }
        // One more event (the "other" stream) was appended by recognisesEveryId.
        Map<String, List<String>> recovered = IndexDump.dump(dir);
        assertThat(recovered.get("eventids")).hasSize(201).containsAll(original.get("eventids"));
        LogFiles.deleteTree(dir.resolve("index"));
        try (EmbeddedEventStore store = Tributary.open(config())) {
            assertThat(store.stats().headPosition()).isEqualTo(200);
        }
        assertThat(IndexDump.dump(dir)).isEqualTo(recovered);
        assertThat(Verifier.verify(dir).problems()).isEmpty();
    }

    @Test
    void aDamagedOrForeignChunkFileIsDroppedAndRebuilt() throws IOException {
        writeBatch(1);
        writeBatch(2);
        List<Path> files = chunkFiles();
        Path damaged = files.get(files.size() / 2);
        byte[] bytes = Files.readAllBytes(damaged);
        Files.write(damaged, java.util.Arrays.copyOf(bytes, bytes.length - 5)); // torn
        Files.writeString(files.get(1).resolveSibling("garbage" + IdChunk.SUFFIX), "not a chunk");
        VerificationReport report = Verifier.verify(dir);
        assertThat(report.ok()).isFalse();
        assertThat(String.join("\n", report.problems())).contains(damaged.getFileName().toString());
        try (EmbeddedEventStore store = Tributary.open(config())) {
            recognisesEveryId(store);
        }
        assertThat(Verifier.verify(dir).problems()).isEmpty();
    }

    @Test
    void aFlippedBitInAChunkIsReportedByTheVerifier() throws IOException {
        writeBatch(1);
        Path f = chunkFiles().get(2);
        byte[] bytes = Files.readAllBytes(f);
        bytes[bytes.length - 3] ^= 0x10;
        Files.write(f, bytes);
        VerificationReport report = Verifier.verify(dir);
        assertThat(report.ok()).isFalse();
        assertThat(String.join("\n", report.problems())).contains(f.getFileName().toString()).contains("checksum");
    }

    @Test
    void chunksAheadOfTheLogAreDropped() throws IOException {
        writeBatch(1);
        Path early = root.resolve("early");
        LogFiles.copyTree(dir, early);
        writeBatch(2);
        Path lateIds = root.resolve("late-ids");
        LogFiles.copyTree(dir.resolve("index").resolve(Index.ID_DIR), lateIds);
        // The log and index of batch 1 with the id files of both batches (as after losing the log's tail).
        LogFiles.deleteTree(dir);
        LogFiles.copyTree(early, dir);
        Path ids = dir.resolve("index").resolve(Index.ID_DIR);
        LogFiles.deleteTree(ids);
        LogFiles.copyTree(lateIds, ids);
        assertThat(String.join("\n", Verifier.verify(dir).notes())).contains("past the log's last position 99");
        try (EmbeddedEventStore store = Tributary.open(config())) {
            assertThat(store.stats().headPosition()).isEqualTo(99);
            // Batch 2's ids are not in this log: appending them again is new, not a repeat.
            for (int b = 5; b < 10; b++) {
                AppendResult r = store.append(StreamName.of("thing", b % 5), ExpectedVersion.exact(19), batches.get(b)).join();
                assertThat(r.firstVersion()).isEqualTo(20);
            }
            assertThat(store.stats().headPosition()).isEqualTo(199);
        }
        assertThat(Verifier.verify(dir).problems()).isEmpty();
    }

    private static List<EventData> named(String tag, int n) {
        List<EventData> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            l.add(new EventData(UUID.nameUUIDFromBytes((tag + i).getBytes(StandardCharsets.UTF_8)), "T", new byte[] {1},
                    new byte[0]));
        }
        return l;
    }

    @Test
    void theIdsOfAFailedWriteLeaveNoGapInTheChunks() throws IOException {
        // A write that failed (disk full) had put its ids in the table; the next freeze must not
        // claim its positions, or the chunks overlap and the open drops the newer one.
        StreamName s = StreamName.of("acct-1");
        List<EventData> c = named("C", 5);
        FaultyFileIO io = new FaultyFileIO();
        try (LogStore store = LogStore.open(config(), io)) {
            store.append(s, ExpectedVersion.any(), named("A", 5)).join();            // positions 0..4
            io.failNthWrite(1, FaultyFileIO.segmentFiles());
            assertThatThrownBy(() -> store.append(s, ExpectedVersion.any(), named("X", 5)).join())
                    .hasCauseInstanceOf(io.tributary.core.StorageException.class);
            store.append(s, ExpectedVersion.any(), named("B", 3)).join();            // 5..7
            store.append(s, ExpectedVersion.any(), c).join();                        // 8..12, a chunk frozen on the way
            // The failed write's ids were never written: they are new.
            assertThat(store.append(s, ExpectedVersion.exact(12), named("X", 5)).join().firstVersion()).isEqualTo(13);
        }
        long expected = 0;
        for (Path f : chunkFiles()) {
            IdChunk chunk = IdChunk.open(f);
            assertThat(chunk.from()).as(f.getFileName().toString()).isEqualTo(expected);
            expected = chunk.to() + 1;
        }
        assertThat(expected).isEqualTo(18);
        try (EmbeddedEventStore store = Tributary.open(config())) {
            assertThatThrownBy(() -> store.append(s, ExpectedVersion.any(), List.of(named("N", 1).get(0), c.get(0))).join())
                    .hasCauseInstanceOf(DuplicateEventException.class);
            AppendResult again = store.append(s, ExpectedVersion.exact(7), c).join();
            assertThat(again.firstVersion()).isEqualTo(8);
            assertThat(again.position()).isEqualTo(12);
        }
        assertThat(Verifier.verify(dir).problems()).isEmpty();
    }

    @Test
    void aChunkThatCouldNotBeWrittenIsKeptInMemoryAndWrittenLater() throws IOException {
        FaultyFileIO io = new FaultyFileIO();
        List<List<EventData>> written = new ArrayList<>();
        try (LogStore store = LogStore.open(config(), io)) {
            io.diskFull(p -> p.getFileName().toString().endsWith(IdChunk.SUFFIX));
            for (int b = 0; b < 4; b++) { // 40 events: chunks frozen, their files refused
                List<EventData> events = named("D" + b, 10);
                store.append(StreamName.of("d", 1), ExpectedVersion.any(), events).join();
                written.add(events);
            }
            // Still recognised from the tables kept in memory.
            for (List<EventData> events : written) {
                assertThatThrownBy(() -> store.append(StreamName.of("d", 1), ExpectedVersion.any(),
                        List.of(events.get(3), named("new", 1).get(0))).join())
                        .hasCauseInstanceOf(DuplicateEventException.class);
            }
            io.freeSpace();
            store.append(StreamName.of("d", 1), ExpectedVersion.any(), named("E", 10)).join(); // the next freeze retries
        }
        long expected = 0;
        for (Path f : chunkFiles()) {
            IdChunk chunk = IdChunk.open(f);
            assertThat(chunk.from()).isEqualTo(expected);
            expected = chunk.to() + 1;
        }
        assertThat(expected).isEqualTo(50);
        assertThat(Verifier.verify(dir).problems()).isEmpty();
    }
}
