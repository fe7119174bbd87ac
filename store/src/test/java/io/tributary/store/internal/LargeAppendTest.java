package io.tributary.store.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.core.Direction;
import io.tributary.core.EventData;
import io.tributary.core.ExpectedVersion;
import io.tributary.core.MultiAppendResult;
import io.tributary.core.PayloadTooLargeException;
import io.tributary.core.ReadFilter;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StreamAppend;
import io.tributary.core.StreamName;
import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.StoreConfig;
import io.tributary.store.Tributary;
import io.tributary.store.VerificationReport;
import io.tributary.store.Verifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An append larger than a frame (about 1 MiB) or naming more than 10,000 streams is written as a
 * run of frames and is still one atomic append: all of it is acknowledged and read, or — when its
 * last frame never reached the disk — none of it.
 */
class LargeAppendTest {
    @TempDir
    Path dir;

    /** 64 MiB segments: requests up to about 32 MiB (half a segment). */
    private StoreConfig config() {
        return StoreConfig.builder(dir).segmentSizeBytes(64 << 20).checkpointIntervalMs(1).build();
    }

    private static List<EventData> events(long tag, int count, int bytes) {
        List<EventData> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] data = new byte[bytes];
            byte[] digits = ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8);
            java.util.Arrays.fill(data, (byte) ' ');
            System.arraycopy(digits, 0, data, 0, Math.min(digits.length, bytes));
            out.add(new EventData(new UUID(tag, i), "Row", data, new byte[0]));
        }
        return out;
    }

    private List<LogFiles.FrameSpan> frames() {
        return LogFiles.frames(LogFiles.read(LogFiles.segment(dir, 0)));
    }

    @Test
    void twentyThousandStreamsInSeveralFramesAreOneAppend() {
        List<StreamAppend> parts = new ArrayList<>();
        for (int s = 0; s < 20_000; s++) {
            List<EventData> two = events(1_000_000L + s, 2, 100);
            parts.add(new StreamAppend(StreamName.of("row", s), ExpectedVersion.noStream(), two));
        }
        try (EmbeddedEventStore store = Tributary.open(config())) {
            store.append(StreamName.of("before-1"), ExpectedVersion.noStream(), events(7, 1, 10)).join();
            MultiAppendResult r = store.appendAll(parts).join();
            assertThat(r.position()).isEqualTo(40_000);
            assertThat(r.results()).hasSize(20_000);
            assertThat(r.results().get(19_999).firstVersion()).isZero();
            assertThat(r.results().get(19_999).lastVersion()).isEqualTo(1);
            // Sent again: recognised as the same append, nothing written.
            MultiAppendResult again = store.appendAll(parts).join();
            assertThat(again.position()).isEqualTo(40_000);
            assertThat(store.stats().headPosition()).isEqualTo(40_000);
        }
        assertThat(frames().size()).as("frames: the small append and a run of several").isGreaterThan(4);
        try (EmbeddedEventStore store = Tributary.open(config())) {
            List<RecordedEvent> all = LogFiles.readAll(store);
            assertThat(all).hasSize(40_001);
            for (int i = 0; i < all.size(); i++) {
                assertThat(all.get(i).position()).isEqualTo(i);
            }
            assertThat(store.readStream(StreamName.of("row", 12_345), 0, 10, Direction.FORWARD).events())
                    .extracting(RecordedEvent::eventId).containsExactly(new UUID(1_012_345L, 0), new UUID(1_012_345L, 1));
            assertThat(store.readCategory("row", 39_990, 100, Direction.FORWARD).events()).hasSize(11);
        }
        VerificationReport report = Verifier.verify(dir);
        assertThat(report.ok()).as(report.summary()).isTrue();
    }

    /**
     * The process dies after the first frames of a large append reached the disk but not its
     * last: the last frame is missing entirely, or torn. The open discards the whole append.
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aLargeAppendWithoutItsLastFrameIsDiscardedWhole(boolean lastFrameTorn) throws Exception {
        try (EmbeddedEventStore store = Tributary.open(config())) {
            store.append(StreamName.of("small-1"), ExpectedVersion.noStream(), events(1, 3, 50)).join();
        }
        byte[] checkpoint = Files.readAllBytes(dir.resolve("checkpoint"));
        int framesBefore = frames().size();
        StreamName big = StreamName.of("big-1");
        try (EmbeddedEventStore store = Tributary.open(config())) {
            // About 10 MB: larger than the writer's usual buffer, written through one of its own.
            MultiAppendResult r = store.appendAll(List.of(new StreamAppend(big, ExpectedVersion.noStream(),
                    events(2, 30_000, 300)))).join();
            assertThat(r.position()).isEqualTo(30_002);
        }
        List<LogFiles.FrameSpan> spans = frames();
        assertThat(spans.size() - framesBefore).as("frames of the large append").isGreaterThan(5);
        // The process died before the checkpoint recorded the append, and its last frame was lost
        // (so the append was never acknowledged, and the index never had it: it is rebuilt).
        Files.write(dir.resolve("checkpoint"), checkpoint);
        LogFiles.deleteTree(dir.resolve("index"));
        byte[] segment = LogFiles.read(LogFiles.segment(dir, 0));
        LogFiles.FrameSpan last = spans.get(spans.size() - 1);
        int from = lastFrameTorn ? (int) last.end() - 10 : (int) last.start();
        java.util.Arrays.fill(segment, from, (int) last.end(), (byte) 0);
        LogFiles.write(LogFiles.segment(dir, 0), segment);

        VerificationReport before = Verifier.verify(dir);
        assertThat(before.ok()).as(before.summary()).isTrue();
        assertThat(before.notes()).as("the verifier tells what the next open discards").isNotEmpty();

        try (EmbeddedEventStore store = Tributary.open(config())) {
            assertThat(store.streamInfo(big)).as("no event of the large append").isEmpty();
            assertThat(store.stats().headPosition()).isEqualTo(2);
            assertThat(store.readAll(0, 100, Direction.FORWARD, ReadFilter.all()).events()).hasSize(3);
            store.append(StreamName.of("after-1"), ExpectedVersion.noStream(), events(3, 2, 20)).join();
        }
        try (EmbeddedEventStore store = Tributary.open(config())) {
            List<RecordedEvent> all = LogFiles.readAll(store);
            assertThat(all).extracting(e -> e.stream().value()).containsExactly("small-1", "small-1", "small-1", "after-1",
                    "after-1");
            assertThat(all.get(4).position()).isEqualTo(4);
        }
        VerificationReport after = Verifier.verify(dir);
        assertThat(after.ok()).as(after.summary()).isTrue();
    }

    @Test
    void anAppendOverMaxRequestBytesIsRefusedWhole() {
        StoreConfig small = StoreConfig.builder(dir).segmentSizeBytes(64 << 20).maxRequestBytes(2 << 20).build();
        try (EmbeddedEventStore store = Tributary.open(small)) {
            List<EventData> tooMany = events(4, 12_000, 200); // about 3 MB
            assertThatThrownBy(() -> store.append(StreamName.of("big-2"), ExpectedVersion.noStream(), tooMany))
                    .isInstanceOf(PayloadTooLargeException.class)
                    .hasMessageContaining("the append request");
            assertThat(store.stats().headPosition()).isEqualTo(-1);
            assertThat(store.streamInfo(StreamName.of("big-2"))).isEmpty();
        }
    }
}
