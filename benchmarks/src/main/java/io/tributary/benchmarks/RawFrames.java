package io.tributary.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.UUID;
import java.util.zip.CRC32C;

/**
 * The peer's own log format: a minimal frame per event, what any append-only log must write at
 * least. {@value #HEADER_BYTES}-byte header (frame length, CRC32C of the rest, position,
 * timestamp, version, event id) followed by the event's type, metadata and data.
 */
final class RawFrames {
    /** Header bytes per event: length 4, crc 4, position 8, timestamp 8, version 8, id 16. */
    static final int HEADER_BYTES = 48;

    private final Events events;
    private final byte[] type = Events.TYPE.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private final CRC32C crc = new CRC32C();

    RawFrames(Events events) {
        this.events = events;
    }

    /** Bytes of one frame. */
    int frameBytes() {
        return HEADER_BYTES + events.eventBytes();
    }

    /** A direct buffer able to hold {@code frames} frames, little-endian. */
    ByteBuffer newBuffer(int frames) {
        return ByteBuffer.allocateDirect(frames * frameBytes()).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Appends one frame for event {@code position} to {@code buffer}, checksum included. */
    void put(ByteBuffer buffer, long position, long version, long timestampMillis) {
        int start = buffer.position();
        UUID id = events.nextId();
        buffer.putInt(frameBytes());
        buffer.putInt(0); // checksum, filled below
        buffer.putLong(position);
        buffer.putLong(timestampMillis);
        buffer.putLong(version);
        buffer.putLong(id.getMostSignificantBits());
        buffer.putLong(id.getLeastSignificantBits());
        buffer.put(type);
        buffer.put(events.metadata());
        buffer.put(events.data());
        int end = buffer.position();
        crc.reset();
        ByteBuffer covered = buffer.duplicate();
        covered.position(start + 8).limit(end);
        crc.update(covered);
        buffer.putInt(start + 4, (int) crc.getValue());
    }

    /**
     * Fills {@code channel} with zeros up to {@code bytes} and syncs it, so later writes
     * overwrite allocated blocks as a preallocated segment does.
     */
    static void preallocate(FileChannel channel, long bytes) throws IOException {
        ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
        long position = 0;
        while (position < bytes) {
            zeros.clear();
            zeros.limit((int) Math.min(zeros.capacity(), bytes - position));
            while (zeros.hasRemaining()) {
                position += channel.write(zeros, position);
            }
        }
        channel.force(true);
    }

    /** Writes all of {@code buffer} at {@code position}. */
    static void writeFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            at += channel.write(buffer, at);
        }
    }
}
