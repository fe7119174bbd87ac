package io.tributary.store.internal;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Reads the frames of one segment sequentially through a large buffer.
 * Not thread-safe; one scanner per reader.
 */
final class SegmentScanner {
    /** Receives the frames {@link #walk} reads. */
    interface FrameVisitor {
        /** A valid frame of segment {@code segment} at {@code offset}, ending at {@code end}. */
        void frame(long segment, long offset, long end, Frame frame) throws Exception;
    }

    /**
     * Reads every frame from {@code segment}/{@code offset} to {@code tail}, segment after
     * segment, in order. A bad frame before the tail is corruption:
     * {@link io.tributary.core.CorruptedLogException} with file and offset.
     */
    static void walk(SegmentSet segments, long segment, long offset, Checkpoint tail, int maxFrameBytes,
                     FrameVisitor visitor) throws Exception {
        long segNo = segment;
        long from = offset;
        while (true) {
            Segment seg = segments.get(segNo);
            if (seg == null) {
                return;
            }
            long limit = segNo == tail.segment() ? tail.offset() : segments.segmentSize();
            SegmentScanner sc = new SegmentScanner(seg.channel(), from, limit, maxFrameBytes, 4 << 20);
            while (sc.next() == Kind.FRAME) {
                visitor.frame(segNo, sc.frameOffset(), sc.offset(), sc.frame());
            }
            if (sc.kind() == Kind.INVALID) {
                throw new io.tributary.core.CorruptedLogException(seg.path().toString(), sc.frameOffset(), sc.problem());
            }
            if (segNo >= tail.segment()) {
                return;
            }
            Segment next = segments.next(segNo);
            if (next == null) {
                return;
            }
            segNo = next.number();
            from = Segment.HEADER_BYTES;
        }
    }

    /** What {@link #next()} found. */
    enum Kind { FRAME, END, INVALID }

    private final FileIO.LogChannel channel;
    private final long endOffset;
    private final int maxFrameBytes;
    private ByteBuffer buf;
    private long bufStart;
    private int bufLen;
    private long offset;

    private Kind kind;
    private Frame frame;
    /** Set by {@link #viewEvents}: events frames are opened in it instead of decoded. */
    private FrameView view;
    private boolean viewed;
    private long frameOffset;
    private int frameSize;
    private String problem;

    /**
     * @param startOffset   offset of the first frame to read
     * @param endOffset     bytes at or past this offset are never read (the end of visible data)
     * @param maxFrameBytes a frame claiming to be longer is invalid
     */
    SegmentScanner(FileIO.LogChannel channel, long startOffset, long endOffset, int maxFrameBytes, int bufferBytes) {
        this.channel = channel;
        this.offset = startOffset;
        this.endOffset = endOffset;
        this.maxFrameBytes = maxFrameBytes;
        this.buf = ByteBuffer.allocate(bufferBytes);
        this.bufStart = startOffset;
        this.bufLen = 0;
    }

    /**
     * From now on, opens events frames in {@code view} (checksum checked, events walked in place)
     * instead of decoding them: after {@link #next()} found one, {@link #viewed()} is true, {@link #frame()}
     * null, and {@code view} is valid until the next call of {@link #next()}.
     */
    SegmentScanner viewEvents(FrameView view) {
        this.view = view;
        return this;
    }

    /** Whether the frame last found is an events frame opened in the view (see {@link #viewEvents}). */
    boolean viewed() {
        return viewed;
    }

    /** Advances to the next frame; see {@link #kind()}. */
    Kind next() throws IOException {
        frame = null;
        viewed = false;
        problem = null;
        frameOffset = offset;
        if (offset + FrameCodec.HEADER_BYTES > endOffset) {
            return kind = Kind.END;
        }
        if (!ensure(offset, FrameCodec.HEADER_BYTES)) {
            return kind = Kind.END;
        }
        int rel = (int) (offset - bufStart);
        int length = buf.getInt(rel);
        if (length == 0 && buf.getInt(rel + 4) == 0) {
            return kind = Kind.END;
        }
        if (length < 9 || length > maxFrameBytes || offset + FrameCodec.HEADER_BYTES + length > endOffset) {
            problem = "frame length " + length + " is impossible here";
            return kind = Kind.INVALID;
        }
        int size = FrameCodec.HEADER_BYTES + length;
        if (!ensure(offset, size)) {
            problem = "frame of " + size + " bytes runs past the end of the file";
            return kind = Kind.INVALID;
        }
        rel = (int) (offset - bufStart);
        try {
            if (view != null && FrameView.isEvents(buf, rel)) {
                view.open(buf, rel);
                viewed = true;
            } else {
                frame = FrameCodec.decode(buf, rel);
            }
        } catch (IllegalStateException e) {
            problem = e.getMessage();
            return kind = Kind.INVALID;
        }
        frameSize = size;
        offset += size;
        return kind = Kind.FRAME;
    }

    /** Makes the buffer hold file bytes [from, from + n); false if the file ends first. */
    private boolean ensure(long from, int n) throws IOException {
        if (from >= bufStart && from + n <= bufStart + bufLen) {
            return true;
        }
        // Keep the bytes we already hold from 'from' on (moved to the front, or into a larger
        // buffer when the frame does not fit), then read the rest.
        ByteBuffer target = n > buf.capacity() ? ByteBuffer.allocate(Math.max(n, buf.capacity() * 2)) : buf;
        int keep = 0;
        if (from >= bufStart && from < bufStart + bufLen) {
            keep = (int) (bufStart + bufLen - from);
            ByteBuffer src = buf.duplicate();
            src.position((int) (from - bufStart)).limit(bufLen);
            target.clear();
            target.put(src);
        } else {
            target.clear();
        }
        buf = target;
        bufStart = from;
        long want = Math.min(buf.capacity(), endOffset - from);
        buf.limit((int) Math.max(want, keep));
        buf.position(keep);
        while (buf.hasRemaining()) {
            int r = channel.read(buf, bufStart + buf.position());
            if (r < 0) {
                break;
            }
        }
        bufLen = buf.position();
        buf.clear();
        return bufLen >= n;
    }

    Kind kind() {
        return kind;
    }

    Frame frame() {
        return frame;
    }

    /** Offset of the frame (or of the end / the invalid bytes) last found. */
    long frameOffset() {
        return frameOffset;
    }

    int frameSize() {
        return frameSize;
    }

    String problem() {
        return problem;
    }

    /** Offset where the next frame would start. */
    long offset() {
        return offset;
    }
}
