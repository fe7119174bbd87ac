package io.tributary.store.internal;

import io.tributary.core.StreamMetadata;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What the index keeps per stream name.
 *
 * @param lastVersion        version of the last event ever appended, -1 if none
 * @param lastPosition       position of that event, -1 if none
 * @param state              {@link #LIVE}, {@link #SOFT_DELETED} or {@link #TOMBSTONED}
 * @param deletedBefore      versions below this are hidden by a soft delete (0 if never deleted)
 * @param metadata           the stream's metadata
 */
record StreamRecord(long lastVersion, long lastPosition, byte state, long deletedBefore, StreamMetadata metadata) {
    static final byte LIVE = 0;
    static final byte SOFT_DELETED = 1;
    static final byte TOMBSTONED = 2;

    /** A stream that was never written. */
    static final StreamRecord NEW = new StreamRecord(-1, -1, LIVE, 0, StreamMetadata.none());

    /** True if the stream has readable existence (events, not deleted). */
    boolean exists() {
        return state == LIVE && lastVersion >= 0;
    }

    /** The version an expected-version check sees: -1 when the stream has no live events. */
    long currentVersion() {
        return state == LIVE ? lastVersion : -1;
    }

    StreamRecord withAppended(long newLastVersion, long newLastPosition) {
        return new StreamRecord(newLastVersion, newLastPosition, LIVE, deletedBefore, metadata);
    }

    StreamRecord withMetadata(StreamMetadata m) {
        return new StreamRecord(lastVersion, lastPosition, state, deletedBefore, m);
    }

    StreamRecord deleted(boolean hard) {
        return new StreamRecord(lastVersion, lastPosition, hard ? TOMBSTONED : SOFT_DELETED,
                Math.max(deletedBefore, lastVersion + 1), metadata);
    }

    /**
     * The lowest version a read may return given truncation, maxCount and soft deletes.
     * maxAge is applied per event by the reader.
     */
    long firstVisibleVersion() {
        long first = deletedBefore;
        if (metadata.truncateBefore().isPresent()) {
            first = Math.max(first, metadata.truncateBefore().getAsLong());
        }
        if (metadata.maxCount().isPresent()) {
            first = Math.max(first, lastVersion - metadata.maxCount().getAsLong() + 1);
        }
        return first;
    }

    byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(encodedBytes());
        writeTo(b);
        return b.array();
    }

    /** The length of {@link #toBytes()}. */
    int encodedBytes() {
        return 8 + 8 + 1 + 8 + 1 + 24 + 4 + metadata.custom().length;
    }

    /** Puts {@link #toBytes()}' bytes into {@code b} (big-endian, at its position). */
    void writeTo(ByteBuffer b) {
        byte[] custom = metadata.custom();
        int flags = (metadata.maxCount().isPresent() ? 1 : 0) | (metadata.maxAge().isPresent() ? 2 : 0)
                | (metadata.truncateBefore().isPresent() ? 4 : 0);
        b.putLong(lastVersion).putLong(lastPosition).put(state).putLong(deletedBefore)
                .put((byte) flags)
                .putLong(metadata.maxCount().orElse(0))
                .putLong(metadata.maxAge().map(Duration::toMillis).orElse(0L))
                .putLong(metadata.truncateBefore().orElse(0))
                .putInt(custom.length).put(custom);
    }

    static StreamRecord fromBytes(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        long lastVersion = b.getLong();
        long lastPosition = b.getLong();
        byte state = b.get();
        long deletedBefore = b.getLong();
        int flags = b.get();
        long maxCount = b.getLong();
        long maxAge = b.getLong();
        long truncateBefore = b.getLong();
        byte[] custom = new byte[b.getInt()];
        b.get(custom);
        StreamMetadata m = new StreamMetadata(
                (flags & 1) != 0 ? OptionalLong.of(maxCount) : OptionalLong.empty(),
                (flags & 2) != 0 ? Optional.of(Duration.ofMillis(maxAge)) : Optional.empty(),
                (flags & 4) != 0 ? OptionalLong.of(truncateBefore) : OptionalLong.empty(),
                custom);
        return new StreamRecord(lastVersion, lastPosition, state, deletedBefore, m);
    }
}
