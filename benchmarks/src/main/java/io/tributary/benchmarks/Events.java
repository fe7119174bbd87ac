package io.tributary.benchmarks;

import io.tributary.core.EventData;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Makes benchmark events of a fixed size: type + data + metadata add up to {@code eventBytes}
 * (what {@link EventData#sizeBytes()} counts). Event ids come from a seeded random so runs are
 * repeatable and id generation ({@link UUID#randomUUID()} takes a lock) does not skew the
 * figures. Not thread-safe: give each client its own instance ({@link #split()}).
 */
final class Events {
    /** The event type of every benchmark event. */
    static final String TYPE = "BenchmarkEvent";
    private static final byte[] METADATA = "{\"correlationId\":\"4f1c2a9e7b3d5a60\"}".getBytes(StandardCharsets.UTF_8);

    private final SplittableRandom random;
    private final int eventBytes;
    private final byte[] data;

    Events(long seed, int eventBytes) {
        this(new SplittableRandom(seed), eventBytes);
    }

    private Events(SplittableRandom random, int eventBytes) {
        int dataBytes = eventBytes - TYPE.length() - METADATA.length;
        if (dataBytes < 16) {
            throw new IllegalArgumentException("event size must be at least " + (TYPE.length() + METADATA.length + 16)
                    + " bytes, got " + eventBytes);
        }
        this.random = random;
        this.eventBytes = eventBytes;
        this.data = jsonOfSize(dataBytes);
    }

    /** An independent generator for another thread. */
    Events split() {
        return new Events(random.split(), eventBytes);
    }

    /** The size of one event as the store counts it (type + data + metadata). */
    int eventBytes() {
        return eventBytes;
    }

    /** A new event with a fresh id. The data and metadata arrays are shared and never changed. */
    EventData next() {
        return new EventData(nextId(), TYPE, data, METADATA);
    }

    /** A fresh version-4 UUID from the seeded random. */
    UUID nextId() {
        long msb = (random.nextLong() & 0xffff_ffff_ffff_0fffL) | 0x0000_0000_0000_4000L;
        long lsb = (random.nextLong() & 0x3fff_ffff_ffff_ffffL) | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb);
    }

    /** The data bytes of every event (do not modify). */
    byte[] data() {
        return data;
    }

    /** The metadata bytes of every event (do not modify). */
    byte[] metadata() {
        return METADATA;
    }

    /** {@code {"payload":"xxxx…"}} padded to exactly {@code size} bytes. */
    private static byte[] jsonOfSize(int size) {
        byte[] prefix = "{\"payload\":\"".getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[size];
        Arrays.fill(out, (byte) 'x');
        System.arraycopy(prefix, 0, out, 0, Math.min(prefix.length, size - 2));
        out[size - 2] = '"';
        out[size - 1] = '}';
        return out;
    }
}
