package io.tributary.store.internal;

import io.tributary.core.CorruptedLogException;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the end of the log when a store opens. Everything before the checkpoint is known
 * durable: a bad frame there is corruption and a loud error. Past the checkpoint, the first
 * bad frame is a torn write of an append that was never acknowledged: it and anything after
 * it are zeroed, with a warning. So are the frames of a large append (a run of frames marked
 * continued) whose last frame is missing: an append is all or nothing.
 */
final class TailRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(TailRecovery.class);

    private TailRecovery() {
    }

    /** The outcome: where the log ends and whether anything was cut. */
    record Result(Checkpoint tail, long tornBytesZeroed) {
    }

    /**
     * @param checkpoint   the checkpoint file's content, or null when missing
     * @param maxWriteBytes the largest single write the writer makes (bounds the dirty region)
     */
    static Result recover(SegmentSet segments, Checkpoint checkpoint, int maxFrameBytes, long maxWriteBytes)
            throws IOException {
        if (segments.count() == 0) {
            if (checkpoint != null && checkpoint.nextPosition() > 0) {
                throw new CorruptedLogException(segments.directory().toString(), 0,
                        "the checkpoint says " + checkpoint.nextPosition() + " events were written but no segment file exists");
            }
            segments.create(0);
            return new Result(new Checkpoint(0, Segment.HEADER_BYTES, 0), 0);
        }
        Checkpoint start = checkpoint;
        if (start == null) {
            Segment first = segments.all().get(0);
            LOG.warn("no valid checkpoint file in {}: scanning the log from segment {}; a bad frame will be treated as a torn tail",
                    segments.directory().getParent(), first.number());
            start = new Checkpoint(first.number(), Segment.HEADER_BYTES, -1);
        }
        Segment seg = segments.get(start.segment());
        if (seg == null) {
            throw new CorruptedLogException(segments.directory().resolve(Segment.fileName(start.segment())).toString(), 0,
                    "the checkpoint names this segment but the file is missing");
        }
        String headerProblem = Segment.checkHeader(seg.channel(), seg.number());
        if (headerProblem != null) {
            throw new CorruptedLogException(seg.path().toString(), 0, headerProblem);
        }
        long segmentSize = segments.segmentSize();
        long next = start.nextPosition();
        long end;
        boolean torn = false;
        // The start (offset, position) of a run of continued frames not ended yet: -1 when none.
        long runOffset = -1;
        long runNext = -1;
        while (true) {
            SegmentScanner scanner = new SegmentScanner(seg.channel(), start.offset(), segmentSize, maxFrameBytes, 1 << 20);
            end = start.offset();
            while (scanner.next() == SegmentScanner.Kind.FRAME) {
                if (scanner.frame() instanceof Frame.Events ev) {
                    if (next >= 0 && ev.firstPosition() != next) {
                        throw new CorruptedLogException(seg.path().toString(), scanner.frameOffset(),
                                "expected a frame starting at position " + next + " but found position " + ev.firstPosition());
                    }
                    if (ev.continued() && runOffset < 0) {
                        runOffset = scanner.frameOffset();
                        runNext = next >= 0 ? next : ev.firstPosition();
                    } else if (!ev.continued()) {
                        runOffset = -1;
                    }
                    next = ev.lastPosition() + 1;
                } else if (runOffset >= 0) {
                    break; // a control frame inside a large append: the append ends before it
                }
                end = scanner.offset();
            }
            if (runOffset >= 0) {
                // An append's frames never span segments: its last frame is missing.
                LOG.warn("a large append at the tail of {} offset {} lacks its last frame: it was never acknowledged and is discarded",
                        seg.path(), runOffset);
                end = runOffset;
                next = runNext;
                torn = true;
                break;
            }
            if (scanner.kind() == SegmentScanner.Kind.INVALID) {
                torn = true;
                LOG.warn("torn write at the tail of {} offset {} ({}): an unacknowledged append is discarded",
                        seg.path(), scanner.frameOffset(), scanner.problem());
                break;
            }
            // A clean end. Without a checkpoint the log may go on in the next segment.
            Segment following = segments.next(seg.number());
            if (checkpoint == null && following != null && hasFrame(following, segmentSize, maxFrameBytes)) {
                seg = following;
                start = new Checkpoint(seg.number(), Segment.HEADER_BYTES, next);
                continue;
            }
            break;
        }
        if (next < 0) {
            next = 0;
        }
        // Segments after the tail segment must be empty (preallocated, or created before a crash).
        for (Segment later : segments.all()) {
            if (later.number() <= seg.number()) {
                continue;
            }
            if (hasFrame(later, segmentSize, maxFrameBytes)) {
                throw new CorruptedLogException(later.path().toString(), Segment.HEADER_BYTES,
                        "this segment holds events but the log ended earlier, in " + seg.path()
                                + (torn ? " at a bad frame" : ""));
            }
            LOG.info("removing empty segment {} past the end of the log", later.path());
            segments.delete(later.number());
        }
        long zeroed = zeroDirtyRegion(seg, end, Math.min(segmentSize, end + maxWriteBytes));
        if (zeroed > 0 && !torn) {
            LOG.warn("found {} stray bytes after the end of the log in {} at offset {}: zeroed", zeroed, seg.path(), end);
        }
        return new Result(new Checkpoint(seg.number(), end, next), zeroed);
    }

    private static boolean hasFrame(Segment s, long segmentSize, int maxFrameBytes) throws IOException {
        if (Segment.checkHeader(s.channel(), s.number()) != null) {
            return false;
        }
        SegmentScanner sc = new SegmentScanner(s.channel(), Segment.HEADER_BYTES, segmentSize, maxFrameBytes, 64 << 10);
        return sc.next() == SegmentScanner.Kind.FRAME;
    }

    /**
     * Zeroes whatever non-zero bytes lie in [from, to): a torn group write, so that a later,
     * shorter write can never be followed by stale frames that look valid. Returns the number
     * of bytes zeroed.
     */
    static long zeroDirtyRegion(Segment seg, long from, long to) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(1 << 20);
        long lastDirty = -1;
        for (long off = from; off < to; off += buf.capacity()) {
            buf.clear();
            buf.limit((int) Math.min(buf.capacity(), to - off));
            int n = 0;
            while (buf.hasRemaining()) {
                int r = seg.channel().read(buf, off + buf.position());
                if (r < 0) {
                    break;
                }
                n += r;
            }
            byte[] a = buf.array();
            for (int i = n - 1; i >= 0; i--) {
                if (a[i] != 0) {
                    lastDirty = off + i;
                    break;
                }
            }
        }
        if (lastDirty < 0) {
            return 0;
        }
        long len = lastDirty + 1 - from;
        ByteBuffer zeros = ByteBuffer.allocate(1 << 20);
        for (long off = from; off < from + len; off += zeros.capacity()) {
            zeros.clear();
            zeros.limit((int) Math.min(zeros.capacity(), from + len - off));
            seg.channel().writeFully(zeros, off);
        }
        seg.channel().force();
        return len;
    }
}
