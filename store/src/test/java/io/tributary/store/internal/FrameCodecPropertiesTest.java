package io.tributary.store.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.core.EventData;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StreamMetadata;
import io.tributary.core.StreamName;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Properties of the frame format: every frame decodes to exactly what was encoded (multi-stream
 * event frames, metadata and delete frames, scavenge's re-encoded frames), the checksum catches
 * every single bit flip, and no truncation of a frame is ever accepted.
 */
class FrameCodecPropertiesTest {

    // ------------------------------------------------------------------ generators

    /** Text from several scripts: ASCII, Latin/Greek/Cyrillic, CJK, and emoji (surrogate pairs). */
    private static Arbitrary<String> text(int minCodePoints, int maxCodePoints) {
        Arbitrary<Integer> codePoint = Arbitraries.oneOf(List.of(
                Arbitraries.integers().between(0x20, 0x7E),
                Arbitraries.integers().between(0xA0, 0x4FF),
                Arbitraries.integers().between(0x4E00, 0x9FFF),
                Arbitraries.integers().between(0x1F300, 0x1FAFF)));
        return codePoint.list().ofMinSize(minCodePoints).ofMaxSize(maxCodePoints).map(cps -> {
            StringBuilder sb = new StringBuilder();
            cps.forEach(sb::appendCodePoint);
            return sb.toString();
        });
    }

    private static Arbitrary<String> streamNames() {
        return text(1, 60).filter(s -> StreamName.problem(s) == null);
    }

    private static Arbitrary<String> types() {
        return text(1, 60).filter(s -> EventData.typeProblem(s) == null);
    }

    private static Arbitrary<byte[]> bytes(int maxSize) {
        return Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(maxSize);
    }

    private static Arbitrary<EventData> events() {
        return Combinators.combine(Arbitraries.longs(), Arbitraries.longs(), types(), bytes(3000), bytes(300))
                .as((msb, lsb, type, data, meta) -> new EventData(new UUID(msb, lsb), type, data, meta));
    }

    /** One stream's part of a request. */
    record Part(String stream, long firstVersion, List<EventData> events) {
    }

    /** An append request as the writer encodes it. */
    record Request(long timestampMillis, long firstPosition, List<Part> parts) {
        List<FrameCodec.StreamPart> codecParts() {
            List<FrameCodec.StreamPart> out = new ArrayList<>();
            for (Part p : parts) {
                out.add(new FrameCodec.StreamPart(Keys.utf8(p.stream()), p.firstVersion(), p.events()));
            }
            return out;
        }

        /** The events the frame must decode to. */
        List<RecordedEvent> recorded() {
            List<RecordedEvent> out = new ArrayList<>();
            long position = firstPosition;
            Instant ts = Instant.ofEpochMilli(timestampMillis);
            for (Part p : parts) {
                long version = p.firstVersion();
                for (EventData e : p.events()) {
                    out.add(new RecordedEvent(new StreamName(p.stream()), version++, position++, e.eventId(), e.type(),
                            e.data(), e.metadata(), ts));
                }
            }
            return out;
        }
    }

    private static Arbitrary<Long> timestamps() {
        // Up to the year 3000.
        return Arbitraries.longs().between(0, 32_503_680_000_000L);
    }

    @Provide
    Arbitrary<Request> requests() {
        Arbitrary<Part> part = Combinators.combine(streamNames(), Arbitraries.longs().between(0, Long.MAX_VALUE / 4),
                events().list().ofMinSize(1).ofMaxSize(5)).as(Part::new);
        return Combinators.combine(timestamps(), Arbitraries.longs().between(0, Long.MAX_VALUE / 4),
                part.list().ofMinSize(1).ofMaxSize(4).uniqueElements(Part::stream)).as(Request::new);
    }

    @Provide
    Arbitrary<StreamMetadata> metadata() {
        return Combinators.combine(
                Arbitraries.longs().between(1, Long.MAX_VALUE).optional(),
                Arbitraries.longs().between(1, 1L << 40).optional(),
                Arbitraries.longs().between(0, Long.MAX_VALUE).optional(),
                bytes(500)).as((maxCount, maxAgeMs, truncateBefore, custom) -> new StreamMetadata(
                        maxCount.map(OptionalLong::of).orElse(OptionalLong.empty()),
                        maxAgeMs.map(Duration::ofMillis),
                        truncateBefore.map(OptionalLong::of).orElse(OptionalLong.empty()),
                        custom));
    }

    @Provide
    Arbitrary<Frame> frames() {
        Arbitrary<Frame> events = requests().map(r -> new Frame.Events(r.timestampMillis(), r.recorded()));
        Arbitrary<Frame> meta = Combinators.combine(timestamps(), streamNames(), metadata()).as(Frame.Metadata::new);
        Arbitrary<Frame> delete = Combinators.combine(timestamps(), streamNames(),
                Arbitraries.longs().between(-1, Long.MAX_VALUE), Arbitraries.of(true, false)).as(Frame.Delete::new);
        return Arbitraries.oneOf(List.of(events, meta, delete));
    }

    // ------------------------------------------------------------------ encoding and reading back

    /** Encodes any frame the way the store does, checking that the computed size is exact. */
    private static byte[] encode(Frame f) {
        ByteBuffer buf = FrameCodec.encode(f);
        assertThat(buf.remaining()).as("the computed frame size is exact").isEqualTo(buf.capacity());
        return buf.array();
    }

    /** A read-only channel over bytes in memory: what the scanner sees of a segment file. */
    private static final class BytesChannel implements FileIO.LogChannel {
        private final byte[] bytes;

        BytesChannel(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public void writeFully(ByteBuffer src, long position) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int read(ByteBuffer dst, long position) {
            if (position >= bytes.length) {
                return -1;
            }
            int n = (int) Math.min(dst.remaining(), bytes.length - position);
            dst.put(bytes, (int) position, n);
            return n;
        }

        @Override
        public void force() {
        }

        @Override
        public long size() {
            return bytes.length;
        }

        @Override
        public void truncate(long size) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {
        }
    }

    /** The segment scanner's buffer: larger than any generated frame (see the last property for smaller ones). */
    private static final int SCAN_BUFFER = 1 << 20;

    /** What the segment scanner makes of {@code image} read from offset 0. */
    private static SegmentScanner.Kind scan(byte[] image) throws IOException {
        SegmentScanner sc = new SegmentScanner(new BytesChannel(image), 0, image.length, 1 << 20, SCAN_BUFFER);
        return sc.next();
    }

    /** The frame followed by zeros, as in a preallocated segment. */
    private static byte[] inSegment(byte[] frame) {
        return Arrays.copyOf(frame, frame.length + 64);
    }

    // ------------------------------------------------------------------ properties

    @Property(tries = 300)
    void anEventsFrameDecodesToExactlyTheEventsOfTheRequest(@ForAll("requests") Request r,
                                                           @ForAll @IntRange(max = 100) int offset) {
        List<FrameCodec.StreamPart> parts = r.codecParts();
        int size = FrameCodec.eventsFrameSize(parts);
        // Frames sit anywhere in a segment, with other bytes around them.
        ByteBuffer buf = ByteBuffer.allocate(offset + size + 50);
        new Random(offset).nextBytes(buf.array());
        buf.position(offset);
        FrameCodec.encodeEvents(buf, r.timestampMillis(), r.firstPosition(), parts);
        assertThat(buf.position()).as("the computed frame size is exact").isEqualTo(offset + size);

        Frame decoded = FrameCodec.decode(buf, offset);

        assertThat(decoded).isEqualTo(new Frame.Events(r.timestampMillis(), r.recorded()));
        Frame.Events ev = (Frame.Events) decoded;
        assertThat(ev.firstPosition()).isEqualTo(r.firstPosition());
        assertThat(ev.lastPosition()).isEqualTo(r.firstPosition() + r.recorded().size() - 1);
    }

    /**
     * A request cut into frames: every event once, in request order; each frame within the
     * target size unless it holds a single event, and within the stream limit; the computed size
     * exact; decoded one after the other the frames give the request's events, every frame but
     * the last marked continued.
     */
    @Property(tries = 300)
    void aRequestCutIntoFramesDecodesToItsEventsInOrder(@ForAll("requests") Request r,
                                                        @ForAll @IntRange(min = 100, max = 6_000) int target,
                                                        @ForAll @IntRange(min = 1, max = 4) int maxStreams) {
        List<FrameCodec.StreamPart> parts = r.codecParts();
        List<byte[]> names = new ArrayList<>();
        List<List<EventData>> events = new ArrayList<>();
        for (FrameCodec.StreamPart p : parts) {
            names.add(p.name());
            events.add(p.events());
        }
        FrameCodec.Plan plan = FrameCodec.plan(names, events, target, maxStreams);
        List<List<FrameCodec.Slice>> frames = plan.frames() != null ? plan.frames()
                : List.of(java.util.stream.IntStream.range(0, parts.size())
                        .mapToObj(i -> new FrameCodec.Slice(i, 0, parts.get(i).events().size())).toList());
        ByteBuffer buf = ByteBuffer.allocate(plan.bytes() + 16);
        long position = r.firstPosition();
        int expectedPart = 0;
        int expectedFrom = 0;
        int total = 0;
        for (int k = 0; k < frames.size(); k++) {
            List<FrameCodec.StreamPart> frameParts = new ArrayList<>();
            int n = 0;
            for (FrameCodec.Slice sl : frames.get(k)) {
                if (sl.part() != expectedPart) {
                    assertThat(expectedFrom).as("part %d ended before the next began", expectedPart)
                            .isEqualTo(parts.get(expectedPart).events().size());
                    expectedPart++;
                    expectedFrom = 0;
                }
                assertThat(sl.part()).isEqualTo(expectedPart);
                assertThat(sl.from()).isEqualTo(expectedFrom);
                assertThat(sl.to()).isGreaterThan(sl.from());
                expectedFrom = sl.to();
                FrameCodec.StreamPart p = parts.get(sl.part());
                frameParts.add(new FrameCodec.StreamPart(p.name(), p.firstVersion() + sl.from(), p.events().subList(sl.from(), sl.to())));
                n += sl.to() - sl.from();
            }
            int size = FrameCodec.eventsFrameSize(frameParts);
            assertThat(frameParts.size()).isLessThanOrEqualTo(plan.frames() == null ? Integer.MAX_VALUE : maxStreams);
            if (plan.frames() != null && n > 1) {
                assertThat(size).as("frame %d of %d events", k, n).isLessThanOrEqualTo(target);
            }
            FrameCodec.encodeEvents(buf, r.timestampMillis(), position, frameParts, k < frames.size() - 1);
            position += n;
            total += size;
        }
        assertThat(expectedPart).isEqualTo(parts.size() - 1);
        assertThat(expectedFrom).isEqualTo(parts.get(parts.size() - 1).events().size());
        assertThat(total).isEqualTo(plan.bytes());
        assertThat(buf.position()).isEqualTo(plan.bytes());
        List<RecordedEvent> decoded = new ArrayList<>();
        int at = 0;
        for (int k = 0; k < frames.size(); k++) {
            Frame.Events ev = (Frame.Events) FrameCodec.decode(buf, at);
            assertThat(ev.continued()).isEqualTo(k < frames.size() - 1);
            decoded.addAll(ev.events());
            at += FrameCodec.HEADER_BYTES + buf.getInt(at);
        }
        assertThat(decoded).isEqualTo(r.recorded());
    }

    @Property(tries = 300)
    void everyKindOfFrameDecodesToWhatWasEncoded(@ForAll("frames") Frame frame) throws IOException {
        byte[] bytes = encode(frame);
        assertThat(FrameCodec.decode(ByteBuffer.wrap(bytes), 0)).isEqualTo(frame);
        SegmentScanner sc = new SegmentScanner(new BytesChannel(inSegment(bytes)), 0, bytes.length + 64, 1 << 20, SCAN_BUFFER);
        assertThat(sc.next()).as("%s", sc.problem()).isEqualTo(SegmentScanner.Kind.FRAME);
        assertThat(sc.frame()).isEqualTo(frame);
    }

    @Property(tries = 300)
    void theChecksumCatchesEverySingleBitFlip(@ForAll("frames") Frame frame, @ForAll Random random) throws IOException {
        byte[] bytes = encode(frame);
        for (int i = 0; i < 20; i++) {
            int bit = random.nextInt(bytes.length * 8);
            byte[] flipped = bytes.clone();
            flipped[bit / 8] ^= (byte) (1 << (bit % 8));

            assertThat(scan(inSegment(flipped))).as("bit " + bit + " of " + bytes.length * 8)
                    .isEqualTo(SegmentScanner.Kind.INVALID);
            if (bit >= 32) {
                // The length is intact, so the frame can be handed to the decoder itself.
                assertThatThrownBy(() -> FrameCodec.decode(ByteBuffer.wrap(flipped), 0))
                        .as("bit " + bit).isInstanceOf(IllegalStateException.class);
            }
        }
    }

    @Property(tries = 200)
    void noTruncationOfAFrameIsAccepted(@ForAll("frames") Frame frame, @ForAll Random random) throws IOException {
        byte[] bytes = encode(frame);
        List<Integer> cuts = new ArrayList<>();
        for (int k = 0; k < Math.min(bytes.length, 12); k++) {
            cuts.add(k);
        }
        cuts.add(bytes.length - 1);
        for (int i = 0; i < 20; i++) {
            cuts.add(random.nextInt(bytes.length));
        }
        for (int cut : cuts) {
            byte[] prefix = Arrays.copyOf(bytes, cut);
            // The file ends at the cut ...
            assertThat(scan(prefix)).as("cut at " + cut + " of " + bytes.length)
                    .isIn(SegmentScanner.Kind.END, SegmentScanner.Kind.INVALID);
            // ... or the preallocated zeros follow it. When the lost bytes were zeros anyway (an
            // empty metadata's length, say) nothing was lost and the frame is whole.
            boolean lostOnlyZeros = Arrays.equals(Arrays.copyOf(prefix, bytes.length), bytes);
            if (!lostOnlyZeros) {
                assertThat(scan(inSegment(prefix))).as("cut at " + cut + " of " + bytes.length + ", zeros after")
                        .isIn(SegmentScanner.Kind.END, SegmentScanner.Kind.INVALID);
            }
        }
    }

    /**
     * The payload parser on its own rejects every truncated payload, even when the length and
     * checksum are made to match it (so a writer bug is caught, not only a disk fault).
     */
    @Property(tries = 200)
    void theParserRejectsEveryTruncatedPayloadEvenWithAMatchingChecksum(@ForAll("frames") Frame frame,
                                                                        @ForAll Random random) {
        byte[] bytes = encode(frame);
        int payload = bytes.length - FrameCodec.HEADER_BYTES;
        for (int i = 0; i < 20; i++) {
            int kept = i == 0 ? 0 : i == 1 ? payload - 1 : random.nextInt(payload);
            ByteBuffer cut = ByteBuffer.allocate(FrameCodec.HEADER_BYTES + kept);
            cut.putInt(0, kept);
            cut.put(FrameCodec.HEADER_BYTES, bytes, FrameCodec.HEADER_BYTES, kept);
            cut.putInt(4, FrameCodec.crc(cut, 0, kept));
            assertThatThrownBy(() -> FrameCodec.decode(cut, 0)).as("payload cut to " + kept + " of " + payload)
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("does not parse");
        }
    }

    @Property(tries = 100)
    void framesFollowingEachOtherAreScannedOneByOne(@ForAll("frames") Frame a, @ForAll("frames") Frame b)
            throws IOException {
        byte[] first = encode(a);
        byte[] second = encode(b);
        byte[] image = new byte[first.length + second.length + 64];
        System.arraycopy(first, 0, image, 0, first.length);
        System.arraycopy(second, 0, image, first.length, second.length);
        SegmentScanner sc = new SegmentScanner(new BytesChannel(image), 0, image.length, 1 << 20, SCAN_BUFFER);
        assertThat(sc.next()).isEqualTo(SegmentScanner.Kind.FRAME);
        assertThat(sc.frame()).isEqualTo(a);
        assertThat(sc.next()).isEqualTo(SegmentScanner.Kind.FRAME);
        assertThat(sc.frame()).isEqualTo(b);
        assertThat(sc.frameOffset()).isEqualTo(first.length);
        assertThat(sc.next()).isEqualTo(SegmentScanner.Kind.END);
    }

    /**
     * A frame may be larger than the scanner's buffer (requests up to 16 MiB, buffers of 1 or
     * 4 MiB): the scanner must grow its buffer and still read the frame whole.
     */
    @Property(tries = 100)
    void theScannerReadsAFrameLargerThanItsBuffer(@ForAll("frames") Frame frame) throws IOException {
        byte[] bytes = encode(frame);
        byte[] image = inSegment(bytes);
        int bufferBytes = Math.max(16, bytes.length / 3);
        SegmentScanner sc = new SegmentScanner(new BytesChannel(image), 0, image.length, 1 << 20, bufferBytes);
        assertThat(sc.next()).as("a frame of %d bytes through a buffer of %d: %s", bytes.length, bufferBytes,
                sc.problem()).isEqualTo(SegmentScanner.Kind.FRAME);
        assertThat(sc.frame()).isEqualTo(frame);
        assertThat(sc.next()).isEqualTo(SegmentScanner.Kind.END);
    }
}
