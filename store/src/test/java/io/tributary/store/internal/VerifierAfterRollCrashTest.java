package io.tributary.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.core.EventData;
import io.tributary.core.ExpectedVersion;
import io.tributary.core.StreamName;
import io.tributary.store.StoreConfig;
import io.tributary.store.VerificationReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Found by {@code CrashRecoveryIT}: a SIGKILL after {@code Writer.roll()} installed the next
 * segment and wrote the checkpoint file, but before the first frame reached that segment, leaves
 * a log that ends at the start of an empty segment. Recovery is right (nothing lost, head
 * unchanged) and puts the index checkpoint at that place, but the verifier measures the end of
 * the log at the last frame of the previous segment and reports the index as ahead of the log.
 */
class VerifierAfterRollCrashTest {
    @TempDir
    Path dir;

    @Test
    void acceptsAStoreRecoveredFromACrashRightAfterASegmentRoll() throws IOException {
        StoreConfig config = StoreConfig.builder(dir).segmentSizeBytes(1 << 20).maxRequestBytes(256 << 10)
                .maxEventBytes(64 << 10).build();
        try (LogStore store = LogStore.open(config)) {
            store.append(StreamName.of("order-1"), ExpectedVersion.noStream(), EventData.json("Placed", "{}")).join();
        }
        // What the roll leaves before the crash: segment 1 installed, the checkpoint naming its start.
        try (SegmentSet segments = SegmentSet.open(dir.resolve("log"), RealFileIO.INSTANCE, config.segmentSizeBytes())) {
            segments.create(1);
        }
        Files.write(dir.resolve("checkpoint"), new Checkpoint(1, Segment.HEADER_BYTES, 1).toBytes());
        try (LogStore store = LogStore.open(config)) {
            assertThat(store.headPosition()).isZero();
        }

        VerificationReport report = LogVerifier.verify(dir);

        assertThat(report.problems()).as(report.summary()).isEmpty();
    }
}
