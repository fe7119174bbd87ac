package io.tributary.store.internal;

import io.tributary.core.EventData;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StreamMetadata;
import io.tributary.core.StreamName;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.zip.CRC32C;

/**
 * Encodes and decodes log frames.
 *
 * <pre>
 * frame   = length:int32  crc:int32  payload[length]        (big-endian)
 * crc     = CRC-32C over the 4 length bytes and the payload
 * payload = kind:int8  timestampMillis:int64  body
 * EVENTS  = streamCount:int16 (nameLen:int16 name)* eventCount:int32   (kind 1, or 4: more frames of the same append follow)
 *           (streamIdx:int16 position:int64 version:int64 idMsb:int64 idLsb:int64
 *            typeLen:int16 type dataLen:int32 data metaLen:int32 meta)*
 * META    = nameLen:int16 name flags:int8 maxCount:int64 maxAgeMs:int64 truncateBefore:int64 customLen:int32 custom
 * DELETE  = nameLen:int16 name hard:int8 lastVersion:int64
 * </pre>
 * A length of 0 marks the end of the written part of a segment (segments are preallocated
 * with zeros).
 *
 * <p>An append request larger than {@link #FRAME_TARGET_BYTES} (or naming more than
 * {@link #MAX_FRAME_STREAMS} streams) is written as several consecutive events frames in one
 * segment; every frame but the last is of kind "continued". The request is on disk only when its
 * last frame is: recovery discards a run of continued frames at the tail that has no last frame.
 */
public final class FrameCodec {
    /** Bytes before the payload: length and CRC. */
    public static final int HEADER_BYTES = 8;
    static final byte KIND_EVENTS = 1;
    static final byte KIND_METADATA = 2;
    static final byte KIND_DELETE = 3;
    static final byte KIND_EVENTS_CONTINUED = 4;
    /**
     * An append request is split into frames of about this size (a frame holds at least one
     * event). 1 MiB; crash tests lower it in child JVMs (internal system property
     * {@code tributary.internal.frameTargetBytes}) so that most of their appends take several frames.
     */
    static final int FRAME_TARGET_BYTES = Math.max(1024, Integer.getInteger("tributary.internal.frameTargetBytes", 1 << 20));
    /** Streams one frame may name (the count is 16 bits). */
    static final int MAX_FRAME_STREAMS = 10_000;
    /** Fixed bytes per event besides type, data and metadata. */
    static final int EVENT_OVERHEAD = 2 + 8 + 8 + 16 + 2 + 4 + 4;

    private FrameCodec() {
    }

    /** One stream's part of an events frame being encoded. */
    record StreamPart(byte[] name, long firstVersion, List<EventData> events) {
    }

    /** Events {@code [from, to)} of part {@code part} of a request, in one frame. */
    record Slice(int part, int from, int to) {
    }

    /**
     * How a request is cut into frames: {@code frames} (each a list of slices, in order; null when
     * the request is one frame of whole parts) and the bytes of all of them.
     */
    record Plan(List<List<Slice>> frames, int bytes) {
    }

    /**
     * Cuts a request (parts with their encoded stream names) into frames of about
     * {@link #FRAME_TARGET_BYTES} and at most {@link #MAX_FRAME_STREAMS} streams each, events in
     * order; a part may be split across frames.
     */
    static Plan plan(List<byte[]> names, List<List<EventData>> events) {
        return plan(names, events, FRAME_TARGET_BYTES, MAX_FRAME_STREAMS);
    }

    /** {@link #plan(List, List)} with the frame size and stream count given. */
    static Plan plan(List<byte[]> names, List<List<EventData>> events, int targetBytes, int maxStreams) {
        TypeSizes types = new TypeSizes();
        if (names.size() <= maxStreams) {
            long bytes = HEADER_BYTES + 1 + 8 + 2 + 4;
            for (int p = 0; p < names.size(); p++) {
                bytes += 2 + names.get(p).length;
                for (EventData e : events.get(p)) {
                    bytes += types.eventBytes(e);
                }
            }
            if (bytes <= targetBytes) {
                return new Plan(null, (int) bytes); // one frame of whole parts: nothing to allocate
            }
        }
        List<List<Slice>> frames = new ArrayList<>(1);
        List<Slice> frame = new ArrayList<>(Math.min(names.size(), 16));
        int frameBytes = HEADER_BYTES + 1 + 8 + 2 + 4;
        long total = 0;
        for (int p = 0; p < names.size(); p++) {
            List<EventData> es = events.get(p);
            int nameBytes = 2 + names.get(p).length;
            int from = 0;
            int i = 0;
            if (frame.size() == maxStreams
                    || (!frame.isEmpty() && frameBytes + nameBytes + types.eventBytes(es.get(0)) > targetBytes)) {
                frames.add(frame);
                total += frameBytes;
                frame = new ArrayList<>();
                frameBytes = HEADER_BYTES + 1 + 8 + 2 + 4;
            }
            frameBytes += nameBytes;
            for (; i < es.size(); i++) {
                int b = types.eventBytes(es.get(i));
                if (frameBytes + b > targetBytes && i > from) {
                    frame.add(new Slice(p, from, i));
                    frames.add(frame);
                    total += frameBytes;
                    frame = new ArrayList<>();
                    frameBytes = HEADER_BYTES + 1 + 8 + 2 + 4 + nameBytes;
                    from = i;
                }
                frameBytes += b;
            }
            frame.add(new Slice(p, from, es.size()));
        }
        frames.add(frame);
        total += frameBytes;
        return new Plan(frames, (int) Math.min(Integer.MAX_VALUE, total));
    }

    /** Encoded bytes of events, the UTF-8 length of a type measured once while events repeat it. */
    private static final class TypeSizes {
        private String lastType;
        private int lastTypeBytes;

        int eventBytes(EventData e) {
            String type = e.type();
            if (type != lastType && !type.equals(lastType)) {
                lastType = type;
                lastTypeBytes = utf8Length(type);
            }
            return EVENT_OVERHEAD + lastTypeBytes + e.data().length + e.metadata().length;
        }
    }

    /** Encoded size of an events frame, header included. */
    static int eventsFrameSize(List<StreamPart> parts) {
        TypeSizes types = new TypeSizes();
        int size = HEADER_BYTES + 1 + 8 + 2 + 4;
        for (StreamPart p : parts) {
            size += 2 + p.name().length;
            for (EventData e : p.events()) {
                size += types.eventBytes(e);
            }
        }
        return size;
    }

    /** Writes an events frame for {@code parts}, positions starting at {@code firstPosition}. */
    static void encodeEvents(ByteBuffer out, long timestampMillis, long firstPosition, List<StreamPart> parts) {
        encodeEvents(out, timestampMillis, firstPosition, parts, false);
    }

    /** Like {@link #encodeEvents(ByteBuffer, long, long, List)}; {@code continued}: more frames of the request follow. */
    static void encodeEvents(ByteBuffer out, long timestampMillis, long firstPosition, List<StreamPart> parts,
                             boolean continued) {
        int start = out.position();
        out.position(start + HEADER_BYTES);
        out.put(continued ? KIND_EVENTS_CONTINUED : KIND_EVENTS).putLong(timestampMillis).putShort((short) parts.size());
        int count = 0;
        for (StreamPart p : parts) {
            out.putShort((short) p.name().length).put(p.name());
            count += p.events().size();
        }
        out.putInt(count);
        long position = firstPosition;
        for (int s = 0; s < parts.size(); s++) {
            StreamPart p = parts.get(s);
            long version = p.firstVersion();
            String lastType = null;
            byte[] type = null;
            for (EventData e : p.events()) {
                if (!e.type().equals(lastType)) { // a batch's events mostly share one type
                    lastType = e.type();
                    type = lastType.getBytes(StandardCharsets.UTF_8);
                }
                out.putShort((short) s).putLong(position++).putLong(version++)
                        .putLong(e.eventId().getMostSignificantBits()).putLong(e.eventId().getLeastSignificantBits())
                        .putShort((short) type.length).put(type)
                        .putInt(e.data().length).put(e.data())
                        .putInt(e.metadata().length).put(e.metadata());
            }
        }
        seal(out, start);
    }

    /** Writes an events frame holding exactly {@code events} (used by scavenge to rewrite frames). */
    static void encodeRecorded(ByteBuffer out, long timestampMillis, List<RecordedEvent> events) {
        int start = out.position();
        out.position(start + HEADER_BYTES);
        List<String> streams = new ArrayList<>();
        for (RecordedEvent e : events) {
            if (!streams.contains(e.stream().value())) {
                streams.add(e.stream().value());
            }
        }
        out.put(KIND_EVENTS).putLong(timestampMillis).putShort((short) streams.size());
        for (String s : streams) {
            byte[] name = s.getBytes(StandardCharsets.UTF_8);
            out.putShort((short) name.length).put(name);
        }
        out.putInt(events.size());
        for (RecordedEvent e : events) {
            byte[] type = e.type().getBytes(StandardCharsets.UTF_8);
            out.putShort((short) streams.indexOf(e.stream().value())).putLong(e.position()).putLong(e.version())
                    .putLong(e.eventId().getMostSignificantBits()).putLong(e.eventId().getLeastSignificantBits())
                    .putShort((short) type.length).put(type)
                    .putInt(e.data().length).put(e.data())
                    .putInt(e.metadata().length).put(e.metadata());
        }
        seal(out, start);
    }

    /** Encoded size of a frame made by {@link #encodeRecorded}. */
    static int recordedFrameSize(List<RecordedEvent> events) {
        int size = HEADER_BYTES + 1 + 8 + 2 + 4;
        List<String> streams = new ArrayList<>();
        for (RecordedEvent e : events) {
            if (!streams.contains(e.stream().value())) {
                streams.add(e.stream().value());
                size += 2 + utf8Length(e.stream().value());
            }
            size += EVENT_OVERHEAD + utf8Length(e.type()) + e.data().length + e.metadata().length;
        }
        return size;
    }

    /** Encoded size of a metadata frame. */
    static int metadataFrameSize(byte[] stream, StreamMetadata metadata) {
        return HEADER_BYTES + 1 + 8 + 2 + stream.length + 1 + 24 + 4 + metadata.custom().length;
    }

    /** Writes a metadata frame. */
    static void encodeMetadata(ByteBuffer out, long timestampMillis, byte[] stream, StreamMetadata m) {
        int start = out.position();
        out.position(start + HEADER_BYTES);
        int flags = (m.maxCount().isPresent() ? 1 : 0) | (m.maxAge().isPresent() ? 2 : 0)
                | (m.truncateBefore().isPresent() ? 4 : 0);
        out.put(KIND_METADATA).putLong(timestampMillis).putShort((short) stream.length).put(stream)
                .put((byte) flags)
                .putLong(m.maxCount().orElse(0))
                .putLong(m.maxAge().map(Duration::toMillis).orElse(0L))
                .putLong(m.truncateBefore().orElse(0))
                .putInt(m.custom().length).put(m.custom());
        seal(out, start);
    }

    /** Encoded size of a delete frame. */
    static int deleteFrameSize(byte[] stream) {
        return HEADER_BYTES + 1 + 8 + 2 + stream.length + 1 + 8;
    }

    /** Writes a delete frame. */
    static void encodeDelete(ByteBuffer out, long timestampMillis, byte[] stream, long lastVersion, boolean hard) {
        int start = out.position();
        out.position(start + HEADER_BYTES);
        out.put(KIND_DELETE).putLong(timestampMillis).putShort((short) stream.length).put(stream)
                .put((byte) (hard ? 1 : 0)).putLong(lastVersion);
        seal(out, start);
    }

    /**
     * Encodes any decoded frame again (events frames keep their positions, versions and
     * timestamp); returns a buffer ready to be written.
     */
    static ByteBuffer encode(Frame f) {
        ByteBuffer buf;
        if (f instanceof Frame.Events ev) {
            buf = ByteBuffer.allocate(recordedFrameSize(ev.events()));
            encodeRecorded(buf, ev.timestampMillis(), ev.events());
        } else if (f instanceof Frame.Metadata m) {
            byte[] name = Keys.utf8(m.stream());
            buf = ByteBuffer.allocate(metadataFrameSize(name, m.metadata()));
            encodeMetadata(buf, m.timestampMillis(), name, m.metadata());
        } else {
            Frame.Delete d = (Frame.Delete) f;
            byte[] name = Keys.utf8(d.stream());
            buf = ByteBuffer.allocate(deleteFrameSize(name));
            encodeDelete(buf, d.timestampMillis(), name, d.lastVersion(), d.hard());
        }
        buf.flip();
        return buf;
    }

    private static void seal(ByteBuffer out, int start) {
        int end = out.position();
        int length = end - start - HEADER_BYTES;
        out.putInt(start, length);
        out.putInt(start + 4, crc(out, start, length));
    }

    /** CRC-32C of the length field at {@code start} and the payload after the header. */
    static int crc(ByteBuffer buf, int start, int length) {
        CRC32C crc = new CRC32C();
        ByteBuffer dup = buf.duplicate();
        dup.limit(start + 4).position(start);
        crc.update(dup);
        dup.limit(start + HEADER_BYTES + length).position(start + HEADER_BYTES);
        crc.update(dup);
        return (int) crc.getValue();
    }

    /**
     * Checks the frame at {@code start} of {@code buf} (which must hold the whole frame) and
     * decodes it.
     *
     * @throws IllegalStateException if the CRC fails or the payload does not parse
     */
    static Frame decode(ByteBuffer buf, int start) {
        return decode(buf, start, null);
    }

    /**
     * Like {@link #decode(ByteBuffer, int)}, but of an events frame only the events whose
     * position {@code wanted} accepts are materialised (the others are checked and skipped):
     * reading one event of a large frame does not allocate the rest.
     */
    static Frame decode(ByteBuffer buf, int start, java.util.function.LongPredicate wanted) {
        int length = buf.getInt(start);
        int stored = buf.getInt(start + 4);
        if (crc(buf, start, length) != stored) {
            throw new IllegalStateException("checksum mismatch");
        }
        try {
            return decodePayload(buf.duplicate().position(start + HEADER_BYTES).limit(start + HEADER_BYTES + length),
                    wanted);
        } catch (RuntimeException e) {
            throw new IllegalStateException("payload does not parse: " + e, e);
        }
    }

    private static Frame decodePayload(ByteBuffer in, java.util.function.LongPredicate wanted) {
        byte kind = in.get();
        long ts = in.getLong();
        switch (kind) {
            case KIND_EVENTS:
            case KIND_EVENTS_CONTINUED: {
                int streamCount = in.getShort() & 0xFFFF;
                StreamName[] names = new StreamName[streamCount];
                for (int i = 0; i < streamCount; i++) {
                    names[i] = new StreamName(string(in, in.getShort() & 0xFFFF));
                }
                int count = in.getInt();
                if (count < 1 || count > in.remaining() / EVENT_OVERHEAD) {
                    throw new IllegalStateException("bad event count " + count);
                }
                Instant timestamp = Instant.ofEpochMilli(ts);
                List<RecordedEvent> events = new ArrayList<>(count);
                String lastType = null;
                for (int i = 0; i < count; i++) {
                    StreamName stream = names[in.getShort() & 0xFFFF];
                    long position = in.getLong();
                    long version = in.getLong();
                    if (wanted != null && !wanted.test(position)) {
                        skip(in, 16);
                        skip(in, in.getShort() & 0xFFFF);
                        skip(in, in.getInt());
                        skip(in, in.getInt());
                        continue;
                    }
                    UUID id = new UUID(in.getLong(), in.getLong());
                    String type = string(in, in.getShort() & 0xFFFF);
                    // Batches usually repeat one type; share the instance.
                    if (type.equals(lastType)) {
                        type = lastType;
                    }
                    lastType = type;
                    byte[] data = bytes(in, in.getInt());
                    byte[] meta = bytes(in, in.getInt());
                    events.add(new RecordedEvent(stream, version, position, id, type, data, meta, timestamp));
                }
                if (in.hasRemaining()) {
                    throw new IllegalStateException(in.remaining() + " trailing bytes");
                }
                if (events.isEmpty()) {
                    throw new IllegalStateException("none of the wanted positions is in this frame");
                }
                return new Frame.Events(ts, events, kind == KIND_EVENTS_CONTINUED);
            }
            case KIND_METADATA: {
                String stream = string(in, in.getShort() & 0xFFFF);
                int flags = in.get();
                long maxCount = in.getLong();
                long maxAgeMs = in.getLong();
                long truncateBefore = in.getLong();
                byte[] custom = bytes(in, in.getInt());
                StreamMetadata m = new StreamMetadata(
                        (flags & 1) != 0 ? OptionalLong.of(maxCount) : OptionalLong.empty(),
                        (flags & 2) != 0 ? Optional.of(Duration.ofMillis(maxAgeMs)) : Optional.empty(),
                        (flags & 4) != 0 ? OptionalLong.of(truncateBefore) : OptionalLong.empty(),
                        custom);
                return new Frame.Metadata(ts, stream, m);
            }
            case KIND_DELETE: {
                String stream = string(in, in.getShort() & 0xFFFF);
                boolean hard = in.get() != 0;
                long lastVersion = in.getLong();
                return new Frame.Delete(ts, stream, lastVersion, hard);
            }
            default:
                throw new IllegalStateException("unknown frame kind " + kind);
        }
    }

    private static void skip(ByteBuffer in, int length) {
        if (length < 0 || length > in.remaining()) {
            throw new IllegalStateException("bad length " + length);
        }
        in.position(in.position() + length);
    }

    private static String string(ByteBuffer in, int length) {
        byte[] b = new byte[length];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static byte[] bytes(ByteBuffer in, int length) {
        if (length < 0 || length > in.remaining()) {
            throw new IllegalStateException("bad length " + length);
        }
        byte[] b = new byte[length];
        in.get(b);
        return b;
    }

    /** UTF-8 length of {@code s} without allocating for ASCII. */
    static int utf8Length(String s) {
        int n = s.length();
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return s.getBytes(StandardCharsets.UTF_8).length;
            }
        }
        return n;
    }
}
