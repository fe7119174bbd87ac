package io.tributary.streams.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.UUID;

/**
 * The deterministic ids of a processor's output events: the name-based (version 3, MD5) UUID of
 * {@code <name>\0<input position>\0<index>} in UTF-8, exactly what
 * {@code UUID.nameUUIDFromBytes((name + "\0" + position + "\0" + index).getBytes(UTF_8))} gives.
 * The ids must never change between versions — a replay after an upgrade would otherwise append
 * its outputs again — so only the way they are computed is cheaper: the name's bytes are encoded
 * once, the digits are written into a reused buffer and one {@link MessageDigest} is kept (no
 * string, no byte array and no provider look-up per output).
 *
 * <p>Not thread-safe: one per task, used by the thread that processes it.
 */
public final class OutputIds {
    /** Sign, 19 digits, separator, sign, 10 digits: the longest suffix after the name. */
    private static final int MAX_SUFFIX = 1 + 19 + 1 + 1 + 10;

    private final MessageDigest md5;
    private final byte[] buffer;
    private final int prefixLength;

    /** The ids of the processor (or task) named {@code name}. */
    public OutputIds(String name) {
        try {
            md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            // Every Java platform must provide MD5 (see MessageDigest); UUID.nameUUIDFromBytes relies on it too.
            throw new IllegalStateException("MD5 is not available; output ids cannot be computed", e);
        }
        byte[] prefix = (name + "\u0000").getBytes(StandardCharsets.UTF_8);
        buffer = Arrays.copyOf(prefix, prefix.length + MAX_SUFFIX);
        prefixLength = prefix.length;
    }

    /** The id of the output number {@code index} caused by the input at {@code position}. */
    public UUID id(long position, int index) {
        int end = writeDecimal(buffer, prefixLength, position);
        buffer[end++] = 0;
        end = writeDecimal(buffer, end, index);
        md5.update(buffer, 0, end);
        byte[] h = md5.digest();
        // As UUID.nameUUIDFromBytes: version 3 in the high nibble of byte 6, the IETF variant in byte 8.
        h[6] = (byte) ((h[6] & 0x0f) | 0x30);
        h[8] = (byte) ((h[8] & 0x3f) | 0x80);
        return new UUID(bigEndianLong(h, 0), bigEndianLong(h, 8));
    }

    /** Writes {@code value} as {@link Long#toString(long)} does (ASCII) at {@code at}; returns the end. */
    static int writeDecimal(byte[] into, int at, long value) {
        if (value == Long.MIN_VALUE) {
            byte[] digits = Long.toString(value).getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(digits, 0, into, at, digits.length);
            return at + digits.length;
        }
        int pos = at;
        long v = value;
        if (v < 0) {
            into[pos++] = '-';
            v = -v;
        }
        int digits = 1;
        for (long t = v / 10; t != 0; t /= 10) {
            digits++;
        }
        int end = pos + digits;
        for (int i = end - 1; i >= pos; i--) {
            into[i] = (byte) ('0' + (v % 10));
            v /= 10;
        }
        return end;
    }

    private static long bigEndianLong(byte[] b, int from) {
        long v = 0;
        for (int i = from; i < from + 8; i++) {
            v = (v << 8) | (b[i] & 0xff);
        }
        return v;
    }
}
