package io.tributary.server.internal;

import io.tributary.core.RecordedEvent;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The encoded SSE frame ({@code id: <position>} / {@code event: event} / {@code data: <json>})
 * of recent events, shared by all SSE streams of one server so that fan-out to N subscribers
 * serialises each event once instead of N times. A fixed ring of slots indexed by
 * {@code position & mask}; a slot holds one event's frame and is overwritten by the next event
 * that maps to it, so the cache keeps (about) the newest {@code capacity} events that were sent.
 * A hit requires the stored position and event id to match, so a stale slot is never served.
 * Bounded in bytes as well: frames above {@code maxFrameBytes} are not kept, and once the frames
 * held reach {@code maxTotalBytes} a slot is emptied instead of refilled. Thread-safe, lock-free;
 * two threads missing on the same event both encode it (the result is identical).
 */
final class SseFrameCache {
    /** Defaults: 32,768 slots, frames up to 64 KiB, 32 MiB in all. */
    static final int DEFAULT_CAPACITY = 1 << 15;
    static final int DEFAULT_MAX_FRAME_BYTES = 64 << 10;
    static final long DEFAULT_MAX_TOTAL_BYTES = 32L << 20;

    private record Slot(long position, UUID eventId, byte[] frame) {
    }

    private final AtomicReferenceArray<Slot> slots;
    private final int mask;
    private final int maxFrameBytes;
    private final long maxTotalBytes;
    private final AtomicLong totalBytes = new AtomicLong();

    SseFrameCache() {
        this(DEFAULT_CAPACITY, DEFAULT_MAX_FRAME_BYTES, DEFAULT_MAX_TOTAL_BYTES);
    }

    /** @param capacity number of slots, a power of two */
    SseFrameCache(int capacity, int maxFrameBytes, long maxTotalBytes) {
        if (capacity <= 0 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two, got " + capacity);
        }
        this.slots = new AtomicReferenceArray<>(capacity);
        this.mask = capacity - 1;
        this.maxFrameBytes = maxFrameBytes;
        this.maxTotalBytes = maxTotalBytes;
    }

    /** The UTF-8 frame of {@code e}, from the cache or encoded (and cached) now. Do not modify it. */
    byte[] frame(RecordedEvent e) {
        int i = (int) (e.position() & mask);
        Slot old = slots.get(i);
        if (old != null && old.position == e.position() && old.eventId.equals(e.eventId())) {
            return old.frame;
        }
        byte[] frame = encode(e);
        long oldBytes = old == null ? 0 : old.frame.length;
        if (frame.length <= maxFrameBytes && totalBytes.get() - oldBytes + frame.length <= maxTotalBytes) {
            if (slots.compareAndSet(i, old, new Slot(e.position(), e.eventId(), frame))) {
                totalBytes.addAndGet(frame.length - oldBytes);
            }
        } else if (old != null && slots.compareAndSet(i, old, null)) {
            totalBytes.addAndGet(-oldBytes);
        }
        return frame;
    }

    /** Bytes of the frames currently held (for tests). */
    long totalBytes() {
        return totalBytes.get();
    }

    /** Encodes one event's frame, uncached. */
    static byte[] encode(RecordedEvent e) {
        StringBuilder sb = new StringBuilder(64);
        sb.append("id: ").append(e.position()).append("\nevent: event\n");
        String json = Json.eventText(e);
        // Payloads stored through the embedded API may contain line breaks; SSE joins data lines with \n.
        int start = 0;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (c == '\n' || c == '\r') {
                sb.append("data: ").append(json, start, i).append('\n');
                start = i + 1;
            }
        }
        sb.append("data: ").append(json, start, json.length()).append("\n\n");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}
