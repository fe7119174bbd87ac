package io.tributary.store.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;

/** Key encodings of the index column families. Names never contain byte 0, the separator. */
final class Keys {
    private Keys() {
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** {@code prefix 0x00 number}: versions by stream, positions by category or type. */
    static byte[] prefixed(byte[] prefix, long number) {
        byte[] k = Arrays.copyOf(prefix, prefix.length + 9);
        k[prefix.length] = 0;
        putLong(k, prefix.length + 1, number);
        return k;
    }

    /** {@code prefix 0x00}: the lower bound of all keys of {@code prefix}. */
    static byte[] prefixStart(byte[] prefix) {
        return Arrays.copyOf(prefix, prefix.length + 1);
    }

    /** {@code prefix 0x01}: just past all keys of {@code prefix}. */
    static byte[] prefixEnd(byte[] prefix) {
        byte[] k = Arrays.copyOf(prefix, prefix.length + 1);
        k[prefix.length] = 1;
        return k;
    }

    /** The number at the end of a {@link #prefixed} key. */
    static long suffixNumber(byte[] key) {
        return getLong(key, key.length - 8);
    }

    /** True if {@code key} is a {@link #prefixed} key of {@code prefix}. */
    static boolean hasPrefix(byte[] key, byte[] prefix) {
        if (key.length != prefix.length + 9 || key[prefix.length] != 0) {
            return false;
        }
        return Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    /**
     * The event-id index key: the id followed by a 64-bit FNV-1a hash of the stream name, so the
     * same id may be used in different streams and a lookup for (id, stream) is a point read.
     * (Not folded into the id: ids are often structured, and a fold would let two different
     * (id, stream) pairs meet.)
     */
    static byte[] eventIdKey(UUID id, byte[] stream) {
        long h = streamHash(stream);
        byte[] k = new byte[24];
        putLong(k, 0, id.getMostSignificantBits());
        putLong(k, 8, id.getLeastSignificantBits());
        putLong(k, 16, h);
        return k;
    }

    /** The 64-bit hash of a stream name in event-id keys (FNV-1a of its UTF-8 bytes). */
    static long streamHash(byte[] stream) {
        long h = 0xcbf29ce484222325L;
        for (byte b : stream) {
            h ^= b & 0xFF;
            h *= 0x100000001b3L;
        }
        return h;
    }

    static byte[] longKey(long v) {
        byte[] k = new byte[8];
        putLong(k, 0, v);
        return k;
    }

    static byte[] uuid(UUID id) {
        return ByteBuffer.allocate(16).putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits()).array();
    }

    static void putLong(byte[] b, int off, long v) {
        for (int i = 7; i >= 0; i--) {
            b[off + i] = (byte) v;
            v >>>= 8;
        }
    }

    static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    static int getInt(byte[] b, int off) {
        return ((b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
    }

    static long getLong(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[off + i] & 0xFF);
        }
        return v;
    }
}
