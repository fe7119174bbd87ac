package io.tributary.store.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.core.AppendResult;
import io.tributary.core.Direction;
import io.tributary.core.EventData;
import io.tributary.core.EventStore;
import io.tributary.core.ExpectedVersion;
import io.tributary.core.MultiAppendResult;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StorageException;
import io.tributary.core.StreamAppend;
import io.tributary.core.StreamInfo;
import io.tributary.core.StreamName;
import io.tributary.store.Durability;
import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.StoreConfig;
import io.tributary.store.Tributary;
import io.tributary.store.VerificationReport;
import io.tributary.store.Verifier;
import io.tributary.store.internal.LogFiles.FrameSpan;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A crash in the middle of a write leaves a torn frame at the tail of the log, past the
 * checkpoint. Recovery cuts the log back to the last whole frame: the appends before it stay
 * intact, the torn request is absent as a whole (one request is one frame), and the log is
 * writable again from exactly there.
 *
 * <p>The damaged data directories are made from one "golden" directory: three appends that the
 * checkpoint covers, then three more appends that were fsynced but that the checkpoint does not
 * cover (the checkpoint file is put back to its earlier content, as if the process died before
 * recording them). The last three frames are then torn at every byte offset.
 */
class TornTailTest {
    private static final long SEGMENT_BYTES = 16 << 10;
    private static final StreamName ACCT_1 = StreamName.of("acct-1");
    private static final StreamName ACCT_2 = StreamName.of("acct-2");
    private static final StreamName ORDER_1 = StreamName.of("order-1");
    private static final List<StreamName> STREAMS = List.of(ACCT_1, ACCT_2, ORDER_1);

    @TempDir
    static Path shared;
    private static Golden golden;

    @TempDir
    Path dir;

    /** Small segments, fsync on every append, a checkpoint after every group. */
    static StoreConfig config(Path dataDir) {
        return StoreConfig.builder(dataDir).segmentSizeBytes(SEGMENT_BYTES).maxRequestBytes(4 << 10)
                .maxEventBytes(1 << 10).maxBatchBytes(4 << 10).checkpointIntervalMs(1)
                .durability(Durability.fsync()).build();
    }

    @BeforeAll
    static void buildGolden() throws IOException {
        golden = Golden.build(shared.resolve("golden"));
    }

    /** How the bytes from the tear on look. */
    enum Damage {
        /** The write stopped: the preallocated zeros are still there. */
        ZEROS,
        /** The disk wrote garbage (stale or scrambled sectors) from the tear on. */
        GARBAGE,
        /** The file ends at the tear (a file system that does not preallocate). */
        TRUNCATED
    }

    @Test
    void everyTornOffsetInTheLastThreeFramesIsCutBackToTheLastWholeFrame() throws IOException {
        Path log = dir.resolve("log");
        Files.createDirectories(log);
        Path segment = log.resolve(Segment.fileName(0));
        // This sweep opens no store and never cuts the power: skipping fsync keeps it fast.
        FileIO io = new FaultyFileIO().skipForces();
        StoreConfig cfg = config(dir);
        Checkpoint durableEnd = Checkpoint.fromBytes(golden.checkpointBeforeTail);
        int cases = 0;
        for (Damage damage : Damage.values()) {
            for (int cut = golden.tailStart(); cut < golden.tailEnd(); cut++) {
                byte[] damaged = golden.damaged(cut, damage);
                LogFiles.write(segment, damaged);
                // A tear changes nothing where the lost bytes were zeros anyway (or garbage hit the
                // right value): the torn frame is the one holding the first byte that differs.
                int torn = golden.frameAt(golden.firstDifference(damaged));
                FrameSpan frame = golden.frames.get(torn);
                String where = damage + " from offset " + cut + " inside frame " + torn + " " + frame;

                try (SegmentSet segments = SegmentSet.open(log, io, SEGMENT_BYTES)) {
                    TailRecovery.Result first = TailRecovery.recover(segments, durableEnd,
                            LogStore.maxFrameBytes(cfg), Writer.maxWriteBytes(cfg));
                    assertThat(first.tail()).as(where)
                            .isEqualTo(new Checkpoint(0, frame.start(), golden.firstPosition(torn)));
                    assertThat(first.tornBytesZeroed()).as(where).isEqualTo(nonZeroSpan(damaged, (int) frame.start()));

                    TailRecovery.Result second = TailRecovery.recover(segments, durableEnd,
                            LogStore.maxFrameBytes(cfg), Writer.maxWriteBytes(cfg));
                    assertThat(second).as(where + ", recovering again").isEqualTo(new TailRecovery.Result(first.tail(), 0));
                    assertThat(eventsIn(segments.get(0), cfg)).as(where).isEqualTo(golden.eventsBefore(torn));
                }
                byte[] after = LogFiles.read(segment);
                assertThat(after.length).as(where + ": recovery keeps the file length").isEqualTo(damaged.length);
                assertThat(Arrays.equals(after, 0, (int) frame.start(), golden.segment, 0, (int) frame.start()))
                        .as(where + ": bytes before the torn frame are untouched").isTrue();
                assertThat(nonZeroSpan(after, (int) frame.start())).as(where + ": the tail is zeroed").isZero();
                cases++;
            }
        }
        assertThat(cases).isEqualTo(3 * (golden.tailEnd() - golden.tailStart()));
    }

    /** Where in a frame a tear is placed for the tests that open a whole store. */
    enum Tear {
        /** Inside the length field. */
        LENGTH(2),
        /** Inside the checksum. */
        CRC(5),
        /** Inside the payload. */
        PAYLOAD(-1),
        /** Only the last byte is missing. */
        LAST_BYTE(-2);

        final int offset;

        Tear(int offset) {
            this.offset = offset;
        }

        int in(FrameSpan frame) {
            if (this == PAYLOAD) {
                return (int) (frame.start() + FrameCodec.HEADER_BYTES + (frame.length() - FrameCodec.HEADER_BYTES) / 2);
            }
            if (this == LAST_BYTE) {
                return (int) frame.end() - 1;
            }
            return (int) frame.start() + offset;
        }
    }

    /**
     * Each kind of tear and damage at least once; every byte offset is covered by the sweep above,
     * which checks recovery without opening a whole store.
     */
    static List<Arguments> representativeTears() {
        List<Arguments> out = new ArrayList<>();
        for (Tear t : Tear.values()) {
            out.add(Arguments.of(1, t, Damage.ZEROS));
        }
        out.add(Arguments.of(1, Tear.PAYLOAD, Damage.GARBAGE));
        out.add(Arguments.of(1, Tear.CRC, Damage.TRUNCATED));
        out.add(Arguments.of(0, Tear.PAYLOAD, Damage.ZEROS));
        out.add(Arguments.of(0, Tear.LAST_BYTE, Damage.GARBAGE));
        out.add(Arguments.of(2, Tear.LENGTH, Damage.ZEROS));
        out.add(Arguments.of(2, Tear.PAYLOAD, Damage.TRUNCATED));
        return out;
    }

    @ParameterizedTest(name = "tail frame {0}, torn in the {1}, {2} after")
    @MethodSource("representativeTears")
    void aStoreWithATornTailOpensWithoutTheTornRequestAndAppendsRightAfterIt(int tailFrame, Tear tear, Damage damage) {
        int cut = tear.in(golden.frames.get(golden.frames.size() - 3 + tailFrame));
        byte[] damaged = golden.damaged(cut, damage);
        int torn = golden.frameAt(golden.firstDifference(damaged));
        assertThat(torn).isEqualTo(golden.frames.size() - 3 + tailFrame);
        Path data = dir.resolve("data");
        golden.crashedCopy(data, damaged, golden.checkpointBeforeTail);
        List<RecordedEvent> expected = golden.eventsBefore(torn);
        long nextPosition = golden.firstPosition(torn);

        List<RecordedEvent> afterAppend;
        try (EmbeddedEventStore store = Tributary.open(config(data))) {
            assertThat(LogFiles.readAll(store)).isEqualTo(expected);
            assertThat(store.headPosition()).isEqualTo(nextPosition - 1);
            assertStreamsMatch(store, expected);

            long acct2 = lastVersion(expected, ACCT_2);
            AppendResult r = store.append(ACCT_2, ExpectedVersion.exact(acct2), EventData.json("Deposited", "{\"n\":99}"))
                    .join();
            assertThat(r.position()).as("the next append takes the torn request's first position").isEqualTo(nextPosition);
            assertThat(r.firstVersion()).isEqualTo(acct2 + 1);
            afterAppend = LogFiles.readAll(store);
            assertThat(afterAppend).hasSize(expected.size() + 1);
        }
        VerificationReport report = Verifier.verify(data);
        assertThat(report.ok()).as(report.summary()).isTrue();
        assertThat(report.notes()).as(report.summary()).noneMatch(n -> n.contains("torn"));
        try (EmbeddedEventStore store = Tributary.open(config(data))) {
            assertThat(LogFiles.readAll(store)).isEqualTo(afterAppend);
            assertStreamsMatch(store, afterAppend);
        }
    }

    /** What lies after the last whole frame. */
    enum Junk {
        /** The preallocated zeros: the normal case. */
        ZEROS,
        /** Erased-flash ones. */
        ONES,
        /** Random bytes. */
        RANDOM,
        /** Something that looks like a frame header, with a wrong checksum. */
        PLAUSIBLE_HEADER
    }

    @ParameterizedTest(name = "{0} after the tail")
    @EnumSource(Junk.class)
    void junkAfterTheLastWholeFrameIsZeroedAndEverythingBeforeItIsIntact(Junk junk) {
        for (boolean checkpointAtEnd : new boolean[] {false, true}) {
            Path data = dir.resolve("data-" + checkpointAtEnd);
            byte[] image = golden.segment.clone();
            int end = golden.tailEnd();
            Random random = new Random(junk.ordinal());
            for (int i = end; i < end + 300; i++) {
                image[i] = switch (junk) {
                    case ZEROS -> 0;
                    case ONES -> (byte) 0xFF;
                    case RANDOM -> (byte) random.nextInt();
                    case PLAUSIBLE_HEADER -> (byte) (i < end + 8 ? 0 : random.nextInt());
                };
            }
            if (junk == Junk.PLAUSIBLE_HEADER) {
                ByteBuffer.wrap(image).putInt(end, 200).putInt(end + 4, 0x12345678);
            }
            golden.crashedCopy(data, image, checkpointAtEnd ? golden.checkpointAtEnd : golden.checkpointBeforeTail);
            List<RecordedEvent> all = golden.eventsBefore(golden.frames.size());
            try (EmbeddedEventStore store = Tributary.open(config(data))) {
                assertThat(LogFiles.readAll(store)).isEqualTo(all);
                assertStreamsMatch(store, all);
                AppendResult r = store.append(ORDER_1, ExpectedVersion.exact(lastVersion(all, ORDER_1)),
                        EventData.json("Shipped", "{}")).join();
                assertThat(r.position()).isEqualTo(all.size());
            }
            byte[] after = LogFiles.read(LogFiles.segment(data, 0));
            List<FrameSpan> frames = LogFiles.frames(after);
            assertThat(frames).hasSize(golden.frames.size() + 1);
            assertThat(nonZeroSpan(after, (int) frames.get(frames.size() - 1).end()))
                    .as("nothing but zeros after the new last frame").isZero();
            VerificationReport report = Verifier.verify(data);
            assertThat(report.ok()).as(report.summary()).isTrue();
        }
    }

    @Nested
    class CrashInTheMiddleOfAWrite {

        /** Bytes of the group write that reach the file before the process dies; -1: all but the last. */
        @ParameterizedTest(name = "{0} bytes written")
        @ValueSource(ints = {1, 7, 9, 60, -1})
        void losesOnlyTheUnacknowledgedRequestAsAWhole(int keep) {
            Path data = dir.resolve("data");
            FaultyFileIO io = new FaultyFileIO();
            List<RecordedEvent> acknowledged;
            List<StreamAppend> torn = tornRequest();
            try (LogStore store = LogStore.open(config(data), io)) {
                for (List<StreamAppend> request : baseRequests()) {
                    store.appendAll(request).join();
                }
                acknowledged = LogFiles.readAll(store);
                int frameBytes = FrameCodec.eventsFrameSize(parts(torn));
                io.tearNthWrite(1, keep < 0 ? frameBytes + keep : keep, FaultyFileIO.Tear.CRASH,
                        FaultyFileIO.segmentFiles());
                CompletableFuture<MultiAppendResult> f = store.appendAll(torn);
                assertThatThrownBy(f::join).hasCauseInstanceOf(StorageException.class);
                assertThat(io.crashed()).isTrue();
            }

            List<RecordedEvent> afterAppend;
            try (EmbeddedEventStore store = Tributary.open(config(data))) {
                assertThat(LogFiles.readAll(store)).isEqualTo(acknowledged);
                assertStreamsMatch(store, acknowledged);
                MultiAppendResult r = store.appendAll(tornRequest()).join();
                assertThat(r.results()).extracting(AppendResult::firstVersion)
                        .containsExactly(lastVersion(acknowledged, ACCT_2) + 1, lastVersion(acknowledged, ORDER_1) + 1);
                assertThat(r.position()).isEqualTo(acknowledged.size() + 2);
                afterAppend = LogFiles.readAll(store);
            }
            VerificationReport report = Verifier.verify(data);
            assertThat(report.ok()).as(report.summary()).isTrue();
            try (EmbeddedEventStore store = Tributary.open(config(data))) {
                assertThat(LogFiles.readAll(store)).isEqualTo(afterAppend);
            }
        }

        @Test
        void aRequestWrittenWholeBeforeTheCrashIsEitherAllThereOrAbsent() {
            Path data = dir.resolve("data");
            FaultyFileIO io = new FaultyFileIO();
            List<RecordedEvent> acknowledged;
            List<StreamAppend> torn = tornRequest();
            try (LogStore store = LogStore.open(config(data), io)) {
                for (List<StreamAppend> request : baseRequests()) {
                    store.appendAll(request).join();
                }
                acknowledged = LogFiles.readAll(store);
                // The whole frame reaches the file, then the process dies before the fsync.
                io.tearNthWrite(1, Integer.MAX_VALUE, FaultyFileIO.Tear.CRASH, FaultyFileIO.segmentFiles());
                assertThatThrownBy(store.appendAll(torn)::join).hasCauseInstanceOf(StorageException.class);
            }
            try (EmbeddedEventStore store = Tributary.open(config(data))) {
                List<RecordedEvent> all = LogFiles.readAll(store);
                assertThat(all.subList(0, acknowledged.size())).isEqualTo(acknowledged);
                assertThat(all.size() - acknowledged.size()).as("all three events of the request, or none").isIn(0, 3);
            }
        }
    }

    // ------------------------------------------------------------------ the golden directory

    /** The requests that the checkpoint covers. */
    static List<List<StreamAppend>> baseRequests() {
        return List.of(
                List.of(StreamAppend.of(ACCT_1, ExpectedVersion.noStream(), event("Opened", 1))),
                List.of(StreamAppend.of(ACCT_2, ExpectedVersion.noStream(), event("Opened", 2), event("Deposited", 3))),
                List.of(StreamAppend.of(ACCT_1, ExpectedVersion.exact(0), event("Deposited", 4)),
                        StreamAppend.of(ORDER_1, ExpectedVersion.noStream(), event("Placed", 5))));
    }

    /** A multi-stream request of three events (two streams). */
    static List<StreamAppend> tornRequest() {
        return List.of(StreamAppend.of(ACCT_2, ExpectedVersion.exact(1), event("Withdrawn", 7), event("Withdrawn", 8)),
                StreamAppend.of(ORDER_1, ExpectedVersion.exact(0), event("Shipped", 9)));
    }

    /** The requests past the checkpoint: one event, a multi-stream request, three events. */
    static List<List<StreamAppend>> tailRequests() {
        return List.of(
                List.of(StreamAppend.of(ACCT_1, ExpectedVersion.exact(1), event("Deposited", 6))),
                tornRequest(),
                List.of(StreamAppend.of(ACCT_1, ExpectedVersion.exact(2), event("Deposited", 10), event("Deposited", 11),
                        event("Deposited", 12))));
    }

    /** An event with data and metadata, so that a frame's last byte is not zero (a lost zero is no tear). */
    static EventData event(String type, int n) {
        return EventData.json(type, "{\"n\":" + n + "}").withMetadata(("{\"m\":" + n + "}").getBytes(StandardCharsets.UTF_8));
    }

    static List<FrameCodec.StreamPart> parts(List<StreamAppend> request) {
        List<FrameCodec.StreamPart> parts = new ArrayList<>();
        for (StreamAppend a : request) {
            parts.add(new FrameCodec.StreamPart(Keys.utf8(a.stream().value()), 0, a.events()));
        }
        return parts;
    }

    /**
     * A data directory with six appends, one frame each, all fsynced; the checkpoint saved after
     * the first three; the index as it was after the first three.
     */
    static final class Golden {
        final Path dir;
        final byte[] checkpointBeforeTail;
        final byte[] checkpointAtEnd;
        final byte[] segment;
        final List<FrameSpan> frames;
        /** The events of each request, in log order; request i is frame i. */
        final List<List<RecordedEvent>> requests = new ArrayList<>();
        final Path indexBeforeTail;

        private Golden(Path dir, byte[] checkpointBeforeTail, byte[] checkpointAtEnd, byte[] segment, Path indexBeforeTail) {
            this.dir = dir;
            this.checkpointBeforeTail = checkpointBeforeTail;
            this.checkpointAtEnd = checkpointAtEnd;
            this.segment = segment;
            this.frames = LogFiles.frames(segment);
            this.indexBeforeTail = indexBeforeTail;
        }

        static Golden build(Path dir) throws IOException {
            List<Long> lastPositions = new ArrayList<>();
            try (EmbeddedEventStore store = Tributary.open(config(dir))) {
                for (List<StreamAppend> request : baseRequests()) {
                    lastPositions.add(store.appendAll(request).join().position());
                }
            }
            byte[] checkpointBefore = Files.readAllBytes(dir.resolve("checkpoint"));
            Path indexBefore = dir.resolveSibling("index-before-tail");
            LogFiles.copyTree(dir.resolve("index"), indexBefore);
            List<RecordedEvent> all;
            try (EmbeddedEventStore store = Tributary.open(config(dir))) {
                for (List<StreamAppend> request : tailRequests()) {
                    lastPositions.add(store.appendAll(request).join().position());
                }
                all = LogFiles.readAll(store);
            }
            Golden g = new Golden(dir, checkpointBefore, Files.readAllBytes(dir.resolve("checkpoint")),
                    Files.readAllBytes(LogFiles.segment(dir, 0)), indexBefore);
            int from = 0;
            for (long last : lastPositions) {
                g.requests.add(all.subList(from, (int) last + 1));
                from = (int) last + 1;
            }
            assertThat(g.frames).as("one frame per request").hasSize(6);
            assertThat(Checkpoint.fromBytes(checkpointBefore).offset()).isEqualTo(g.frames.get(3).start());
            return g;
        }

        int tailStart() {
            return (int) frames.get(frames.size() - 3).start();
        }

        int tailEnd() {
            return (int) frames.get(frames.size() - 1).end();
        }

        /** The first offset where {@code damaged} differs from the golden segment (or ends early). */
        int firstDifference(byte[] damaged) {
            int n = Math.min(damaged.length, segment.length);
            int i = Arrays.mismatch(damaged, 0, n, segment, 0, n);
            return i >= 0 ? i : n;
        }

        /** The frame that holds byte {@code offset}. */
        int frameAt(int offset) {
            for (int i = 0; i < frames.size(); i++) {
                if (offset < frames.get(i).end()) {
                    return i;
                }
            }
            throw new IllegalArgumentException("offset " + offset + " is past the last frame");
        }

        long firstPosition(int frame) {
            return frame < requests.size() ? requests.get(frame).get(0).position()
                    : requests.get(requests.size() - 1).get(0).position() + requests.get(requests.size() - 1).size();
        }

        /** The events of the requests before frame {@code frame}. */
        List<RecordedEvent> eventsBefore(int frame) {
            List<RecordedEvent> out = new ArrayList<>();
            for (int i = 0; i < frame; i++) {
                out.addAll(requests.get(i));
            }
            return out;
        }

        /** The segment torn at {@code cut}. Garbage covers the rest of the tail and a little more. */
        byte[] damaged(int cut, Damage damage) {
            if (damage == Damage.TRUNCATED) {
                return Arrays.copyOf(segment, cut);
            }
            byte[] out = segment.clone();
            Arrays.fill(out, cut, out.length, (byte) 0);
            if (damage == Damage.GARBAGE) {
                Random random = new Random(cut);
                for (int i = cut; i < tailEnd() + 64; i++) {
                    out[i] = (byte) random.nextInt();
                }
            }
            return out;
        }

        /** A data directory as a crash would leave it: this segment image, this checkpoint, the earlier index. */
        void crashedCopy(Path target, byte[] segmentImage, byte[] checkpoint) {
            LogFiles.copyTree(indexBeforeTail, target.resolve("index"));
            try {
                Files.createDirectories(target.resolve("log"));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            LogFiles.write(LogFiles.segment(target, 0), segmentImage);
            LogFiles.write(target.resolve("checkpoint"), checkpoint);
        }
    }

    // ------------------------------------------------------------------ checks

    /** Length of the span from {@code from} to the last non-zero byte, 0 if all are zero. */
    static long nonZeroSpan(byte[] bytes, int from) {
        for (int i = bytes.length - 1; i >= from; i--) {
            if (bytes[i] != 0) {
                return i + 1 - from;
            }
        }
        return 0;
    }

    /** The events of a segment's frames; the scan must end cleanly. */
    static List<RecordedEvent> eventsIn(Segment segment, StoreConfig cfg) throws IOException {
        SegmentScanner sc = new SegmentScanner(segment.channel(), Segment.HEADER_BYTES, SEGMENT_BYTES,
                LogStore.maxFrameBytes(cfg), 64 << 10);
        List<RecordedEvent> out = new ArrayList<>();
        while (sc.next() == SegmentScanner.Kind.FRAME) {
            if (sc.frame() instanceof Frame.Events ev) {
                out.addAll(ev.events());
            }
        }
        assertThat(sc.kind()).as("scan end at " + sc.frameOffset() + ": " + sc.problem()).isEqualTo(SegmentScanner.Kind.END);
        return out;
    }

    static long lastVersion(List<RecordedEvent> events, StreamName stream) {
        long v = -1;
        for (RecordedEvent e : events) {
            if (e.stream().equals(stream)) {
                v = e.version();
            }
        }
        return v;
    }

    /** Every stream reads as exactly its events among {@code events}, and its info agrees. */
    static void assertStreamsMatch(EventStore store, List<RecordedEvent> events) {
        Map<StreamName, List<RecordedEvent>> byStream = new LinkedHashMap<>();
        for (RecordedEvent e : events) {
            byStream.computeIfAbsent(e.stream(), s -> new ArrayList<>()).add(e);
        }
        for (StreamName s : STREAMS) {
            List<RecordedEvent> expected = byStream.getOrDefault(s, List.of());
            if (expected.isEmpty()) {
                assertThat(store.streamInfo(s)).isEmpty();
                continue;
            }
            assertThat(store.readStream(s, 0, 100, Direction.FORWARD).events()).as(s.value()).isEqualTo(expected);
            RecordedEvent last = expected.get(expected.size() - 1);
            assertThat(store.streamInfo(s)).as(s.value())
                    .isEqualTo(Optional.of(new StreamInfo(s, last.version(), last.position())));
        }
    }
}
