package io.tributary.store.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.core.EventData;
import io.tributary.core.EventView;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StreamName;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The in-place view of an events frame ({@link FrameView}) gives exactly the events the eager
 * decoder ({@link FrameCodec#decode}) gives — every accessor and the materialised
 * {@link RecordedEvent} — for random frames of several streams, unicode stream names and types,
 * empty and large payloads and metadata; a view kept past its turn fails clearly; copies stay.
 */
class FrameViewTest {

    private static Arbitrary<String> text(int min, int max) {
        Arbitrary<Integer> codePoint = Arbitraries.oneOf(List.of(
                Arbitraries.integers().between(0x20, 0x7E),
                Arbitraries.integers().between(0xA0, 0x4FF),
                Arbitraries.integers().between(0x4E00, 0x9FFF),
                Arbitraries.integers().between(0x1F300, 0x1FAFF)));
        return codePoint.list().ofMinSize(min).ofMaxSize(max).map(cps -> {
            StringBuilder sb = new StringBuilder();
            cps.forEach(sb::appendCodePoint);
            return sb.toString();
        });
    }

    private static Arbitrary<byte[]> bytes(int maxSize) {
        return Arbitraries.oneOf(List.of(Arbitraries.just(new byte[0]),
                Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(maxSize)));
    }

    /** One event to record: which of the frame's streams, id, type, data, metadata. */
    record Spec(int stream, long msb, long lsb, String type, byte[] data, byte[] metadata) {
    }

    /** A frame's events: streams, events in position order, commit time. */
    record FrameSpec(List<String> streams, List<Spec> events, long firstPosition, long timestampMillis) {
        List<RecordedEvent> recorded() {
            List<RecordedEvent> out = new ArrayList<>();
            Instant ts = Instant.ofEpochMilli(timestampMillis);
            long[] versions = new long[streams.size()];
            long position = firstPosition;
            for (Spec s : events) {
                int st = s.stream() % streams.size();
                out.add(new RecordedEvent(new StreamName(streams.get(st)), versions[st]++, position, new UUID(s.msb(), s.lsb()),
                        s.type(), s.data(), s.metadata(), ts));
                position += 1 + (s.msb() & 3); // positions increase, with gaps as after a scavenge
            }
            return out;
        }
    }

    @Provide
    Arbitrary<FrameSpec> frames() {
        Arbitrary<String> types = Arbitraries.oneOf(List.of(Arbitraries.of("Bid", "Auction"),
                text(1, 40).filter(s -> EventData.typeProblem(s) == null)));
        Arbitrary<Spec> spec = Combinators.combine(Arbitraries.integers().between(0, 3), Arbitraries.longs(), Arbitraries.longs(),
                types, bytes(2000), bytes(200)).as(Spec::new);
        return Combinators.combine(text(1, 40).filter(s -> StreamName.problem(s) == null).list().ofMinSize(1).ofMaxSize(4).uniqueElements(),
                spec.list().ofMinSize(1).ofMaxSize(30),
                Arbitraries.longs().between(0, Long.MAX_VALUE / 4),
                Arbitraries.longs().between(0, 32_503_680_000_000L)).as(FrameSpec::new);
    }

    @Property(tries = 500)
    void aViewReadsExactlyWhatTheEagerDecoderBuilds(@ForAll("frames") FrameSpec spec) {
        List<RecordedEvent> written = spec.recorded();
        ByteBuffer frame = FrameView.encode(spec.timestampMillis(), written);
        List<RecordedEvent> eager = ((Frame.Events) FrameCodec.decode(frame, 0)).events();
        assertThat(eager).isEqualTo(written);

        FrameView view = new FrameView();
        view.open(frame, 0);
        assertThat(view.count()).isEqualTo(written.size());
        assertThat(view.timestampMillis()).isEqualTo(spec.timestampMillis());
        int i = 0;
        while (view.next()) {
            RecordedEvent expected = eager.get(i++);
            assertThat(view.position()).isEqualTo(expected.position());
            assertThat(view.stream()).isEqualTo(expected.stream());
            assertThat(view.type()).isEqualTo(expected.type());
            EventView v = view.current();
            assertThat(view.current()).isSameAs(v); // one handle per event
            assertSameEvent(v, expected);
            // The record's own EventView accessors (the interface defaults) agree too.
            assertSameEvent(expected, expected);
            RecordedEvent copy = v.toRecordedEvent();
            assertThat(copy).isEqualTo(expected);
            assertThat(copy.timestamp()).isEqualTo(expected.timestamp());
            assertThat(v.toRecordedEvent()).isSameAs(copy); // built once per event
        }
        assertThat(i).isEqualTo(eager.size());
    }

    private static void assertSameEvent(EventView v, RecordedEvent e) {
        assertThat(v.stream()).isEqualTo(e.stream());
        assertThat(v.version()).isEqualTo(e.version());
        assertThat(v.position()).isEqualTo(e.position());
        assertThat(v.type()).isEqualTo(e.type());
        assertThat(v.eventId()).isEqualTo(e.eventId());
        assertThat(v.timestampMillis()).isEqualTo(e.timestamp().toEpochMilli());
        assertThat(v.timestamp()).isEqualTo(e.timestamp());
        assertThat(v.data()).isEqualTo(e.data());
        assertThat(v.metadata()).isEqualTo(e.metadata());
        byte[] d = e.data();
        assertThat(v.dataLength()).isEqualTo(d.length);
        ByteBuffer b = ByteBuffer.wrap(d);
        for (int k = 0; k < d.length; k += 1 + k / 8) {
            assertThat(v.dataByte(k)).isEqualTo(d[k]);
            if (k + 4 <= d.length) {
                assertThat(v.dataInt(k)).isEqualTo(b.getInt(k));
            }
            if (k + 8 <= d.length) {
                assertThat(v.dataLong(k)).isEqualTo(b.getLong(k));
            }
        }
        assertThat(v.dataAsString()).isEqualTo(new String(d, StandardCharsets.UTF_8));
        if (d.length >= 3) {
            assertThat(v.dataString(1, d.length - 2, StandardCharsets.ISO_8859_1))
                    .isEqualTo(new String(d, 1, d.length - 2, StandardCharsets.ISO_8859_1));
        }
        assertThatThrownBy(() -> v.dataByte(d.length)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> v.dataLong(d.length - 7)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> v.dataString(0, d.length + 1, StandardCharsets.UTF_8)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Property(tries = 200)
    void everyTruncatedPayloadIsRejectedEvenWithAMatchingChecksum(@ForAll("frames") FrameSpec spec, @ForAll java.util.Random random) {
        ByteBuffer frame = FrameView.encode(spec.timestampMillis(), spec.recorded());
        int payload = frame.remaining() - FrameCodec.HEADER_BYTES;
        for (int i = 0; i < 20; i++) {
            int kept = i == 0 ? 0 : i == 1 ? payload - 1 : random.nextInt(payload);
            ByteBuffer cut = ByteBuffer.allocate(FrameCodec.HEADER_BYTES + kept);
            cut.putInt(0, kept);
            cut.put(FrameCodec.HEADER_BYTES, frame, FrameCodec.HEADER_BYTES, kept);
            cut.putInt(4, FrameCodec.crc(cut, 0, kept));
            // Structure is checked while walking: the walk never ends normally on a cut frame.
            assertThatThrownBy(() -> {
                FrameView view = new FrameView();
                view.open(cut, 0);
                while (view.next()) {
                    view.current().toRecordedEvent();
                }
            }).as("payload cut to " + kept + " of " + payload).isInstanceOf(IllegalStateException.class)
                    .hasMessageMatching("(?s).*(does not parse|is impossible).*");
        }
    }

    private static List<RecordedEvent> sample() {
        Instant ts = Instant.ofEpochMilli(1_000);
        List<RecordedEvent> events = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            events.add(new RecordedEvent(StreamName.of("bid-1"), i, 10 + i, new UUID(1, i), "Bid",
                    ("payload " + i).getBytes(StandardCharsets.UTF_8), new byte[0], ts));
        }
        return events;
    }

    @Test
    void aViewKeptPastItsTurnFailsClearlyWhileItsCopiesStay() {
        FrameView view = new FrameView();
        view.open(FrameView.encode(1_000, sample()), 0);
        assertThat(view.next()).isTrue();
        EventView first = view.current();
        RecordedEvent kept = first.toRecordedEvent();
        byte[] keptData = first.data();
        assertThat(view.next()).isTrue();
        assertThatThrownBy(first::type).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("valid only during the callback").hasMessageContaining("toRecordedEvent()");
        assertThatThrownBy(() -> first.dataLong(0)).isInstanceOf(IllegalStateException.class);
        assertThat(view.current().position()).isEqualTo(11);
        EventView second = view.current();
        view.close();
        assertThatThrownBy(second::position).isInstanceOf(IllegalStateException.class);
        assertThat(first.toString()).isEqualTo("EventView[released]");
        assertThat(kept).isEqualTo(sample().get(0));
        assertThat(new String(keptData, StandardCharsets.UTF_8)).isEqualTo("payload 0");
    }

    @Test
    void thereIsNoCurrentEventBeforeNextOrAfterTheEnd() {
        FrameView view = new FrameView();
        view.open(FrameView.encode(1_000, sample()), 0);
        assertThatThrownBy(view::current).isInstanceOf(IllegalStateException.class).hasMessageContaining("call next() first");
        while (view.next()) {
            assertThat(view.current()).isNotNull();
        }
        assertThatThrownBy(view::current).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aFrameWithAFlippedBitIsRejectedWhenOpened() {
        ByteBuffer frame = FrameView.encode(1_000, sample());
        int at = frame.limit() - 3;
        frame.put(at, (byte) (frame.get(at) ^ 0x10));
        assertThatThrownBy(() -> new FrameView().open(frame, 0)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("checksum mismatch");
    }

    @Test
    void aFrameOtherThanEventsIsRefusedNamingItsKind() {
        ByteBuffer delete = FrameCodec.encode(new Frame.Delete(5, "bid-1", 3, true));
        assertThatThrownBy(() -> new FrameView().open(delete, 0)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not an events frame");
    }
}
