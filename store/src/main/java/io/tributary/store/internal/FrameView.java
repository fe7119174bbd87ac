package io.tributary.store.internal;

import io.tributary.core.EventView;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StreamName;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Walks the events of one events frame in place (the layout of {@link FrameCodec}), handing out a
 * transient {@link EventView} per event instead of a {@link RecordedEvent}: per event it reads the
 * fixed fields and finds the type, data and metadata, and allocates only the small handle, when
 * {@link #current()} is first asked for it (a frame's events usually share their type, whose
 * {@code String} is then shared too). A handle is
 * valid until the walker moves on ({@link #next()}, {@link #close()}); using it later throws
 * {@link IllegalStateException}. {@link EventView#toRecordedEvent()} builds exactly the event
 * {@link FrameCodec#decode} builds ({@code FrameViewTest}).
 *
 * <p>The frame's checksum is verified when it is opened; its structure while it is walked (an
 * {@link IllegalStateException} at the first event that does not parse, with the messages of
 * {@link FrameCodec#decode}). Not thread-safe; reusable for frame after frame.
 */
public final class FrameView {
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private byte[] bytes;
    /** Index in {@link #bytes} just past the frame. */
    private int end;
    private long timestampMillis;
    private Instant timestamp;
    private boolean continued;
    private StreamName[] names;
    private int count;
    private int index;
    /** Index in {@link #bytes} of the next event's record. */
    private int at;

    // The current event.
    private boolean onEvent;
    /** Its handle, made when first asked for: events a reader skips (filtered out) cost no allocation. */
    private Handle current;
    private StreamName stream;
    private long position;
    private long version;
    private int idAt;
    private int typeAt;
    private int typeLength;
    private String type;
    private int dataAt;
    private int dataLength;
    private int metaAt;
    private int metaLength;
    private RecordedEvent materialised;

    /**
     * An events frame holding exactly {@code events} in their order, encoded as the log stores frames
     * (checksum included): for tests and benchmarks that walk frames without a store.
     */
    public static ByteBuffer encode(long timestampMillis, List<RecordedEvent> events) {
        return FrameCodec.encode(new Frame.Events(timestampMillis, events));
    }

    /** Whether the frame at {@code start} of {@code buf} (whose header is there) is an events frame. */
    static boolean isEvents(ByteBuffer buf, int start) {
        byte kind = buf.get(start + FrameCodec.HEADER_BYTES);
        return kind == FrameCodec.KIND_EVENTS || kind == FrameCodec.KIND_EVENTS_CONTINUED;
    }

    /**
     * Opens the events frame at {@code start} of {@code buf} (an array-backed buffer holding the whole
     * frame): checks its checksum and reads its header. The buffer's bytes must not change while the
     * frame is walked.
     *
     * @throws IllegalStateException if the checksum fails, it is not an events frame, or the header does not parse
     */
    public void open(ByteBuffer buf, int start) {
        close();
        int length = buf.getInt(start);
        if (length < 9 || start + FrameCodec.HEADER_BYTES + length > buf.limit()) {
            throw new IllegalStateException("frame length " + length + " is impossible");
        }
        if (FrameCodec.crc(buf, start, length) != buf.getInt(start + 4)) {
            throw new IllegalStateException("checksum mismatch");
        }
        byte[] a = buf.array();
        int p = buf.arrayOffset() + start + FrameCodec.HEADER_BYTES;
        int limit = p + length;
        byte kind = a[p];
        if (kind != FrameCodec.KIND_EVENTS && kind != FrameCodec.KIND_EVENTS_CONTINUED) {
            throw new IllegalStateException("not an events frame: kind " + kind);
        }
        try {
            long ts = (long) LONG.get(a, p + 1);
            p += 9;
            int streamCount = u16(a, p, limit);
            p += 2;
            StreamName[] ns = new StreamName[streamCount];
            for (int i = 0; i < streamCount; i++) {
                int n = u16(a, p, limit);
                p += 2;
                check(p, n, limit);
                ns[i] = new StreamName(new String(a, p, n, StandardCharsets.UTF_8));
                p += n;
            }
            check(p, 4, limit);
            int c = (int) INT.get(a, p);
            p += 4;
            if (c < 1 || c > (limit - p) / FrameCodec.EVENT_OVERHEAD) {
                throw new IllegalStateException("bad event count " + c);
            }
            this.bytes = a;
            this.end = limit;
            this.timestampMillis = ts;
            this.timestamp = null;
            this.continued = kind == FrameCodec.KIND_EVENTS_CONTINUED;
            this.names = ns;
            this.count = c;
            this.index = 0;
            this.at = p;
            this.type = null;
            this.typeLength = -1;
        } catch (RuntimeException e) {
            // As FrameCodec.decode words it: bad lengths and counts, or a name that is no valid stream name.
            throw new IllegalStateException("payload does not parse: " + e, e);
        }
    }

    /** Commit time of the open frame, epoch milliseconds. */
    long timestampMillis() {
        return timestampMillis;
    }

    /** Whether more frames of the same request follow the open one. */
    boolean continued() {
        return continued;
    }

    /** Events in the open frame. */
    int count() {
        return count;
    }

    /**
     * Moves to the next event of the frame; the previous handle stops being valid.
     *
     * @return false after the last event (the frame's end is then checked)
     * @throws IllegalStateException if the event does not parse, or bytes trail the last event
     */
    public boolean next() {
        current = null;
        onEvent = false;
        materialised = null;
        if (index >= count) {
            if (at != end && bytes != null) {
                int trailing = end - at;
                bytes = null;
                throw new IllegalStateException("payload does not parse: " + trailing + " trailing bytes");
            }
            return false;
        }
        byte[] a = bytes;
        int p = at;
        try {
            check(p, 2 + 8 + 8 + 16 + 2, end);
            int s = (short) SHORT.get(a, p) & 0xFFFF;
            if (s >= names.length) {
                throw new IllegalStateException("stream index " + s + " of " + names.length);
            }
            stream = names[s];
            position = (long) LONG.get(a, p + 2);
            version = (long) LONG.get(a, p + 10);
            idAt = p + 18;
            p += 34;
            int tl = (short) SHORT.get(a, p) & 0xFFFF;
            p += 2;
            check(p, tl, end);
            if (tl != typeLength || !Arrays.equals(a, typeAt, typeAt + tl, a, p, p + tl)) {
                // A frame's events mostly share one type: one String for the run.
                type = new String(a, p, tl, StandardCharsets.UTF_8);
            }
            typeAt = p;
            typeLength = tl;
            p += tl;
            check(p, 4, end);
            int dl = (int) INT.get(a, p);
            p += 4;
            check(p, dl, end);
            dataAt = p;
            dataLength = dl;
            p += dl;
            check(p, 4, end);
            int ml = (int) INT.get(a, p);
            p += 4;
            check(p, ml, end);
            metaAt = p;
            metaLength = ml;
            p += ml;
        } catch (IllegalStateException e) {
            bytes = null;
            count = 0;
            throw new IllegalStateException("payload does not parse: " + e.getMessage(), e);
        }
        at = p;
        index++;
        onEvent = true;
        return true;
    }

    /** The handle of the current event (valid until the walker moves on). */
    public EventView current() {
        if (!onEvent) {
            throw new IllegalStateException("no current event: call next() first");
        }
        if (current == null) {
            current = new Handle(this);
        }
        return current;
    }

    /** Position of the current event, read without a handle (for readers that filter before handing events on). */
    public long position() {
        return position;
    }

    /** Stream of the current event, read without a handle. */
    public StreamName stream() {
        return stream;
    }

    /** Type of the current event, read without a handle. */
    public String type() {
        return type;
    }

    /** Ends the walk: the last handle stops being valid. */
    public void close() {
        current = null;
        onEvent = false;
        materialised = null;
    }

    private RecordedEvent materialise() {
        if (materialised == null) {
            materialised = new RecordedEvent(stream, version, position, eventId(), type, copy(dataAt, dataLength),
                    copy(metaAt, metaLength), timestamp());
        }
        return materialised;
    }

    private UUID eventId() {
        return new UUID((long) LONG.get(bytes, idAt), (long) LONG.get(bytes, idAt + 8));
    }

    private Instant timestamp() {
        if (timestamp == null) {
            timestamp = Instant.ofEpochMilli(timestampMillis); // shared by the frame's events, as FrameCodec.decode does
        }
        return timestamp;
    }

    private byte[] copy(int from, int length) {
        return Arrays.copyOfRange(bytes, from, from + length);
    }

    private static int u16(byte[] a, int p, int limit) {
        check(p, 2, limit);
        return (short) SHORT.get(a, p) & 0xFFFF;
    }

    private static void check(int p, int n, int limit) {
        if (n < 0 || n > limit - p) {
            throw new IllegalStateException("bad length " + n);
        }
    }

    /** The transient view of one event: every accessor first checks it is still the walker's current event. */
    private static final class Handle implements EventView {
        private final FrameView f;

        Handle(FrameView f) {
            this.f = f;
        }

        private FrameView f() {
            FrameView v = f;
            if (v.current != this) {
                throw new IllegalStateException("an EventView is valid only during the callback that received it;"
                        + " keep event.toRecordedEvent() or event.data() instead of the view");
            }
            return v;
        }

        @Override
        public StreamName stream() {
            return f().stream;
        }

        @Override
        public long version() {
            return f().version;
        }

        @Override
        public long position() {
            return f().position;
        }

        @Override
        public String type() {
            return f().type;
        }

        @Override
        public long timestampMillis() {
            return f().timestampMillis;
        }

        @Override
        public Instant timestamp() {
            return f().timestamp();
        }

        @Override
        public UUID eventId() {
            return f().eventId();
        }

        @Override
        public byte[] data() {
            FrameView v = f();
            return v.copy(v.dataAt, v.dataLength);
        }

        @Override
        public byte[] metadata() {
            FrameView v = f();
            return v.copy(v.metaAt, v.metaLength);
        }

        @Override
        public RecordedEvent toRecordedEvent() {
            return f().materialise();
        }

        @Override
        public int dataLength() {
            return f().dataLength;
        }

        @Override
        public byte dataByte(int index) {
            FrameView v = f();
            Objects.checkIndex(index, v.dataLength);
            return v.bytes[v.dataAt + index];
        }

        @Override
        public int dataInt(int index) {
            FrameView v = f();
            Objects.checkFromIndexSize(index, 4, v.dataLength);
            return (int) INT.get(v.bytes, v.dataAt + index);
        }

        @Override
        public long dataLong(int index) {
            FrameView v = f();
            Objects.checkFromIndexSize(index, 8, v.dataLength);
            return (long) LONG.get(v.bytes, v.dataAt + index);
        }

        @Override
        public String dataString(int index, int length, Charset charset) {
            FrameView v = f();
            Objects.checkFromIndexSize(index, length, v.dataLength);
            return new String(v.bytes, v.dataAt + index, length, charset);
        }

        @Override
        public String toString() {
            FrameView v = f;
            return v.current != this ? "EventView[released]"
                    : "EventView[" + v.stream + "@" + v.version + " pos=" + v.position + " " + v.type + "]";
        }
    }
}
