package io.tributary.store.internal;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * A place in the log: segment, byte offset of the next frame, and the next global position.
 * Serialized with its own CRC for the checkpoint file and the index's checkpoint.
 *
 * @param segment      segment number
 * @param offset       byte offset in the segment where the next frame goes
 * @param nextPosition the position the next event will get
 */
public record Checkpoint(long segment, long offset, long nextPosition) {
    static final int BYTES = 4 + 24 + 4;
    private static final int MAGIC = 0x54435031; // "TCP1"

    /** Serializes with magic and CRC. */
    byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(BYTES);
        b.putInt(MAGIC).putLong(segment).putLong(offset).putLong(nextPosition);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, BYTES - 4);
        b.putInt((int) crc.getValue());
        return b.array();
    }

    /** Parses bytes written by {@link #toBytes()}, or returns null if they are not valid. */
    static Checkpoint fromBytes(byte[] bytes) {
        if (bytes == null || bytes.length != BYTES) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, BYTES - 4);
        if (b.getInt() != MAGIC || b.getInt(BYTES - 4) != (int) crc.getValue()) {
            return null;
        }
        return new Checkpoint(b.getLong(), b.getLong(), b.getLong());
    }

    /** True if this place is at or after {@code other} in the log. */
    boolean atOrAfter(Checkpoint other) {
        return segment > other.segment || (segment == other.segment && offset >= other.offset);
    }
}
