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
import io.tributary.store.Verifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The event-id index is a RocksDB of its own (index/ids), flushed with its own checkpoint, so a
 * crash can leave it ahead of the main index or behind it. Either way the store must catch both
 * up from the log: the same index as a fresh rebuild, idempotent repeats and duplicate ids still
 * recognised.
 */
class SplitIndexRecoveryTest {
    @TempDir
    Path root;

    private Path dir;
    private final List<List<EventData>> batches = new ArrayList<>();

    private StoreConfig config() {
        return StoreConfig.builder(dir).build();
    }

    /** Writes batch {@code n} (five streams, 20 events each, new ids). */
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

    /** Builds an index whose main part is from {@code mainFrom} and whose id part is from {@code idsFrom}. */
    private void combine(Path mainFrom, Path idsFrom) {
        Path index = dir.resolve("index");
        LogFiles.deleteTree(index);
        LogFiles.copyTree(mainFrom, index);
        LogFiles.deleteTree(index.resolve(Index.ID_DIR));
        LogFiles.copyTree(idsFrom.resolve(Index.ID_DIR), index.resolve(Index.ID_DIR));
    }

    @Test
    void idsAheadOfTheMainIndex() {
        recoversFrom(true);
    }

    @Test
    void idsBehindTheMainIndex() {
        recoversFrom(false);
    }

    @Test
    void aDamagedIdDatabaseIsRebuiltFromTheLog() throws Exception {
        dir = root.resolve("data");
        writeBatch(1);
        java.nio.file.Files.delete(dir.resolve("index").resolve(Index.ID_DIR).resolve("CURRENT"));
        try (EmbeddedEventStore store = Tributary.open(config())) {
            assertThat(store.readStream(StreamName.of("thing", 2), 0, 100, Direction.FORWARD).events()).hasSize(20);
            List<EventData> reused = List.of(batches.get(2).get(5));
            assertThatThrownBy(() -> store.append(StreamName.of("thing", 2), ExpectedVersion.exact(19), reused).join())
                    .hasCauseInstanceOf(DuplicateEventException.class);
        }
        assertThat(Verifier.verify(dir).ok()).isTrue();
    }

    private void recoversFrom(boolean idsAhead) {
        dir = root.resolve("data");
        writeBatch(1);
        Path early = root.resolve("index-early");
        LogFiles.copyTree(dir.resolve("index"), early);
        writeBatch(2);
        Path late = root.resolve("index-late");
        LogFiles.copyTree(dir.resolve("index"), late);
        combine(idsAhead ? early : late, idsAhead ? late : early);

        try (EmbeddedEventStore store = Tributary.open(config())) {
            // Every stream at version 39 (two batches of 20), read through the recovered index.
            for (int s = 0; s < 5; s++) {
                assertThat(store.readStream(StreamName.of("thing", s), 0, 100, Direction.FORWARD).events())
                        .hasSize(40);
            }
            // The second batch's append to thing-4 repeated: recognised, nothing written.
            long head = store.stats().headPosition();
            AppendResult again = store.append(StreamName.of("thing", 4), ExpectedVersion.exact(19), batches.get(9)).join();
            assertThat(again.firstVersion()).isEqualTo(20);
            assertThat(again.lastVersion()).isEqualTo(39);
            assertThat(store.stats().headPosition()).isEqualTo(head);
            // A first-batch id reused at the end of the stream: refused.
            List<EventData> reused = List.of(batches.get(0).get(3));
            assertThatThrownBy(() -> store.append(StreamName.of("thing", 0), ExpectedVersion.exact(39), reused).join())
                    .hasCauseInstanceOf(DuplicateEventException.class);
        }
        Map<String, List<String>> recovered = IndexDump.dump(dir);
        LogFiles.deleteTree(dir.resolve("index"));
        try (EmbeddedEventStore store = Tributary.open(config())) {
            assertThat(store.stats().headPosition()).isEqualTo(199);
        }
        assertThat(IndexDump.dump(dir)).isEqualTo(recovered);
        assertThat(Verifier.verify(dir).ok()).isTrue();
    }
}
