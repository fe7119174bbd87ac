package io.tributary.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.tributary.core.CorruptedLogException;
import io.tributary.core.Direction;
import io.tributary.core.EventData;
import io.tributary.core.ExpectedVersion;
import io.tributary.core.ReadFilter;
import io.tributary.core.ReadSlice;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StreamName;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.ThrowingConsumer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Bytes that fail their checksum where the log was known to be durable (a sealed segment, or
 * before the checkpoint) are corruption, never a torn tail: opening or reading fails loudly with
 * a {@link CorruptedLogException} naming the file and the offset of the bad frame, nothing on
 * disk is changed (no silent truncation), and the {@link Verifier} reports the same place.
 */
class CorruptionTest {
    private static final int SEGMENT_HEADER_BYTES = 64;
    private static final int FRAME_HEADER_BYTES = 8;

    @TempDir
    Path dir;

    private StoreConfig config() {
        return StoreConfig.builder(dir).segmentSizeBytes(16 << 10).maxRequestBytes(4 << 10).maxEventBytes(1 << 10)
                .maxBatchBytes(4 << 10).checkpointIntervalMs(2).durability(Durability.none()).build();
    }

    /** Event {@code p} (one per append) is at position p, in stream s-(p % 3), version p / 3. */
    private static StreamName streamOf(long position) {
        return StreamName.of("s-" + position % 3);
    }

    /** Appends {@code n} events of about 600 bytes, one per request, and closes the store. */
    private void populate(int n) {
        try (EmbeddedEventStore store = Tributary.open(config())) {
            for (int p = 0; p < n; p++) {
                byte[] data = ("{\"p\":" + p + ",\"pad\":\"" + "x".repeat(580) + "\"}").getBytes(StandardCharsets.UTF_8);
                store.append(streamOf(p), ExpectedVersion.any(), EventData.of("Happened", data)).join();
            }
        }
    }

    private Path segment(long number) {
        return dir.resolve("log").resolve(String.format("segment-%012d.log", number));
    }

    /** Offsets of the frames of a segment file, found by their length fields. */
    private static List<Integer> frameOffsets(byte[] segment) {
        List<Integer> out = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(segment);
        int off = SEGMENT_HEADER_BYTES;
        while (off + FRAME_HEADER_BYTES <= segment.length && b.getInt(off) > 0) {
            out.add(off);
            off += FRAME_HEADER_BYTES + b.getInt(off);
        }
        return out;
    }

    /** Flips one bit of a file. */
    private static void flipBit(Path file, int offset, int bit) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        bytes[offset] ^= (byte) (1 << bit);
        Files.write(file, bytes);
    }

    /** The content of every segment file, by name. */
    private Map<String, byte[]> segmentFiles() throws IOException {
        Map<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir.resolve("log"))) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".log")).toList()) {
                out.put(f.getFileName().toString(), Files.readAllBytes(f));
            }
        }
        return out;
    }

    /** Every segment file that existed before still has exactly the same bytes. */
    private void assertUnchanged(Map<String, byte[]> before) throws IOException {
        Map<String, byte[]> after = segmentFiles();
        for (Map.Entry<String, byte[]> e : before.entrySet()) {
            assertThat(after).as("segment files after the failed attempts").containsKey(e.getKey());
            assertThat(Arrays.mismatch(after.get(e.getKey()), e.getValue()))
                    .as("first changed byte of " + e.getKey() + " (-1: none)").isEqualTo(-1);
        }
    }

    private static void assertCorruptionAt(Throwable t, Path file, long offset) {
        assertThat(t).as("what opening or reading threw").isInstanceOf(CorruptedLogException.class);
        CorruptedLogException e = (CorruptedLogException) t;
        assertThat(Path.of(e.file()).getFileName()).isEqualTo(file.getFileName());
        assertThat(e.offset()).isEqualTo(offset);
        assertThat(e.getMessage()).contains(file.getFileName().toString()).contains("offset " + offset);
    }

    private void assertVerifierReports(Path file, long offset) {
        VerificationReport report = Verifier.verify(dir);
        assertThat(report.ok()).as(report.summary()).isFalse();
        assertThat(report.problems()).as(report.summary())
                .anyMatch(p -> p.contains(file.getFileName().toString()) && p.contains("offset " + offset));
    }

    /** Reads every event of the global log, page by page. */
    private static List<RecordedEvent> readAll(EmbeddedEventStore store) {
        List<RecordedEvent> out = new ArrayList<>();
        long from = 0;
        while (true) {
            ReadSlice s = store.readAll(from, 1000, Direction.FORWARD, ReadFilter.all());
            out.addAll(s.events());
            if (s.isEnd()) {
                return out;
            }
            from = s.next().getAsLong();
        }
    }

    /** Opens the store (which may fail) and runs {@code reads} on it; returns what was thrown. */
    private Throwable openAndRead(ThrowingConsumer<EmbeddedEventStore> reads) {
        return catchThrowable(() -> {
            try (EmbeddedEventStore store = Tributary.open(config())) {
                reads.accept(store);
            }
        });
    }

    /** Where in a frame the bit flips. */
    enum Where {
        /** The lowest bit of the length. */
        LENGTH(3, 0),
        /** A checksum bit. */
        CRC(5, 3),
        /** The frame kind. */
        KIND(8, 1),
        /** A byte of event data in the middle of the frame. */
        DATA(-1, 4),
        /** The last byte of the frame. */
        LAST(-2, 7);

        final int offset;
        final int bit;

        Where(int offset, int bit) {
            this.offset = offset;
            this.bit = bit;
        }

        int in(byte[] segment, int frame) {
            int length = ByteBuffer.wrap(segment).getInt(frame);
            if (offset == -1) {
                return frame + FRAME_HEADER_BYTES + length / 2;
            }
            if (offset == -2) {
                return frame + FRAME_HEADER_BYTES + length - 1;
            }
            return frame + offset;
        }
    }

    @Nested
    class InASealedSegment {

        @ParameterizedTest(name = "bit flipped in the {0}")
        @EnumSource(Where.class)
        void failsTheReadLoudlyAndChangesNothing(Where where) throws IOException {
            populate(70);
            assertThat(Files.exists(segment(2))).as("at least three segments").isTrue();
            Path seg0 = segment(0);
            int frame = frameOffsets(Files.readAllBytes(seg0)).get(2);
            flipBit(seg0, where.in(Files.readAllBytes(seg0), frame), where.bit);
            Map<String, byte[]> before = segmentFiles();

            Throwable byStream = openAndRead(store -> store.readStream(streamOf(2), 0, 100, Direction.FORWARD));
            assertCorruptionAt(byStream, seg0, frame);
            Throwable byPosition = openAndRead(CorruptionTest::readAll);
            assertCorruptionAt(byPosition, seg0, frame);
            Throwable backward = openAndRead(store -> {
                long from = Long.MAX_VALUE;
                while (true) {
                    ReadSlice s = store.readAll(from, 7, Direction.BACKWARD, ReadFilter.all());
                    if (s.isEnd()) {
                        return;
                    }
                    from = s.next().getAsLong();
                }
            });
            assertCorruptionAt(backward, seg0, frame);
            // The damage is local: events elsewhere are still served.
            try (EmbeddedEventStore store = Tributary.open(config())) {
                assertThat(store.readAll(60, 10, Direction.FORWARD, ReadFilter.all()).events()).hasSize(10);
                assertThat(store.readStream(streamOf(2), 3, 100, Direction.FORWARD).events()).isNotEmpty();
            }

            assertUnchanged(before);
            assertVerifierReports(seg0, frame);
        }

        @Test
        void failsTheOpenWhenTheIndexMustBeRebuilt() throws IOException {
            populate(70);
            Path seg0 = segment(0);
            int frame = frameOffsets(Files.readAllBytes(seg0)).get(5);
            flipBit(seg0, frame + 40, 2);
            deleteTree(dir.resolve("index"));
            Map<String, byte[]> before = segmentFiles();

            assertCorruptionAt(openAndRead(store -> { }), seg0, frame);
            // Again: the first attempt repaired nothing and released the directory.
            assertCorruptionAt(openAndRead(store -> { }), seg0, frame);

            assertUnchanged(before);
            assertVerifierReports(seg0, frame);
        }
    }

    @Nested
    class BeforeTheCheckpoint {

        @Test
        void failsTheReadLoudlyAndChangesNothing() throws IOException {
            populate(12);
            assertThat(Files.exists(segment(1))).as("one segment only").isFalse();
            Path seg0 = segment(0);
            List<Integer> frames = frameOffsets(Files.readAllBytes(seg0));
            assertThat(frames).hasSize(12);
            int frame = frames.get(4);
            flipBit(seg0, frame + 100, 5);
            Map<String, byte[]> before = segmentFiles();

            assertCorruptionAt(openAndRead(store -> store.readStream(streamOf(4), 0, 100, Direction.FORWARD)),
                    seg0, frame);
            assertCorruptionAt(openAndRead(CorruptionTest::readAll), seg0, frame);
            try (EmbeddedEventStore store = Tributary.open(config())) {
                assertThat(store.headPosition()).as("nothing was cut").isEqualTo(11);
                assertThat(store.readAll(5, 100, Direction.FORWARD, ReadFilter.all()).events()).hasSize(7);
            }

            assertUnchanged(before);
            assertVerifierReports(seg0, frame);
        }

        @Test
        void failsTheOpenWhenTheIndexMustBeRebuilt() throws IOException {
            populate(12);
            Path seg0 = segment(0);
            int frame = frameOffsets(Files.readAllBytes(seg0)).get(7);
            flipBit(seg0, frame + 9, 0);
            deleteTree(dir.resolve("index"));
            Map<String, byte[]> before = segmentFiles();

            assertCorruptionAt(openAndRead(store -> { }), seg0, frame);
            assertCorruptionAt(openAndRead(store -> { }), seg0, frame);

            assertUnchanged(before);
            assertVerifierReports(seg0, frame);
        }
    }

    @Nested
    class ABadSegmentHeader {

        @Test
        void ofTheTailSegmentFailsTheOpen() throws IOException {
            populate(70);
            Path tail = lastSegment();
            flipBit(tail, 2, 1);
            Map<String, byte[]> before = segmentFiles();

            assertCorruptionAt(openAndRead(store -> { }), tail, 0);
            assertUnchanged(before);
            assertVerifierReports(tail, 0);
        }

        @Test
        void ofASealedSegmentFailsTheOpenOrTheReadOfItsEvents() throws IOException {
            populate(70);
            Path seg0 = segment(0);
            flipBit(seg0, 2, 1);
            Map<String, byte[]> before = segmentFiles();

            assertCorruptionAt(openAndRead(store -> store.readStream(streamOf(0), 0, 100, Direction.FORWARD)), seg0, 0);
            assertCorruptionAt(openAndRead(CorruptionTest::readAll), seg0, 0);
            assertUnchanged(before);
            assertVerifierReports(seg0, 0);
        }

        private Path lastSegment() throws IOException {
            try (Stream<Path> files = Files.list(dir.resolve("log"))) {
                return files.filter(f -> f.getFileName().toString().endsWith(".log")).sorted()
                        .reduce((a, b) -> b).orElseThrow();
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }
}
