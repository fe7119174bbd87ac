package io.tributary.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A request is cut into frames of about 1 MiB, but a single event may be as large as
 * {@code maxEventBytes}, so one frame can be larger than the buffers the log is scanned with
 * (1 MiB for recovery and reads, 4 MiB for index catch-up, scavenge and the verifier). Such a
 * frame must read back whole everywhere.
 */
class LargeFrameTest {
    private static final StreamName BIG = StreamName.of("big-1");

    @TempDir
    Path dir;

    /** Requests up to 4 MiB; events up to 3 MiB. */
    private StoreConfig config() {
        return StoreConfig.builder(dir).segmentSizeBytes(16 << 20).maxRequestBytes(4 << 20)
                .maxEventBytes(3 << 20).checkpointIntervalMs(1).durability(Durability.fsync()).build();
    }

    /**
     * An event of 2.1 MB (a frame of its own, larger than the 1 MiB scan buffer) and two of
     * 700 KB (a frame each): one append of three frames.
     */
    private static List<EventData> bigRequest() {
        List<EventData> out = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            byte[] data = new byte[i == 0 ? 2_100_000 : 700_000];
            Arrays.fill(data, (byte) ('a' + i));
            out.add(new EventData(new UUID(5, i), "Blob", data, new byte[0]));
        }
        return out;
    }

    @Test
    void aFrameLargerThanTheScanBufferIsReadBackByTheGlobalLog() {
        try (EmbeddedEventStore store = Tributary.open(config())) {
            store.append(StreamName.of("small-1"), ExpectedVersion.noStream(), EventData.json("Small", "{}")).join();
            store.append(BIG, ExpectedVersion.noStream(), bigRequest()).join();
        }
        // After a reopen the events are no longer in memory: $all scans the segment.
        try (EmbeddedEventStore store = Tributary.open(config())) {
            assertThat(store.readStream(BIG, 0, 10, Direction.FORWARD).events()).hasSize(3);
            assertThat(LogFiles.readAll(store)).hasSize(4);
        }
    }

    @Test
    void anAcknowledgedFrameLargerThanTheScanBufferSurvivesACrashBeforeTheCheckpoint() throws IOException {
        try (EmbeddedEventStore store = Tributary.open(config())) {
            store.append(StreamName.of("small-1"), ExpectedVersion.noStream(), EventData.json("Small", "{}")).join();
        }
        byte[] checkpoint = Files.readAllBytes(dir.resolve("checkpoint"));
        try (EmbeddedEventStore store = Tributary.open(config())) {
            // Acknowledged after fsync.
            store.append(BIG, ExpectedVersion.noStream(), bigRequest()).join();
        }
        // The process died before the checkpoint recorded the big append.
        Files.write(dir.resolve("checkpoint"), checkpoint);

        try (EmbeddedEventStore store = Tributary.open(config())) {
            assertThat(store.streamInfo(BIG)).as("the acknowledged 2 MB append is still there").isPresent();
            List<RecordedEvent> events = store.readStream(BIG, 0, 10, Direction.FORWARD).events();
            assertThat(events).hasSize(3);
        }
        VerificationReport report = Verifier.verify(dir);
        assertThat(report.ok()).as(report.summary()).isTrue();
    }
}
