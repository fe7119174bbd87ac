package io.tributary.cdc.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * {@link UUID#nameUUIDFromBytes} (version 3, MD5) of a name's UTF-8 bytes, with one reused digest instead of
 * a new one per call: the deterministic event ids of the capture paths. One thread uses an instance.
 */
public final class NameUuids {
    private final MessageDigest md5;

    /** A generator with its own digest. */
    public NameUuids() {
        try {
            this.md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is missing from this JVM", e);
        }
    }

    private final byte[] digits = new byte[20];

    /** The same UUID as {@code UUID.nameUUIDFromBytes(name.getBytes(UTF_8))}. */
    public UUID of(String name) {
        md5.reset();
        return uuid(md5.digest(name.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * The same UUID as {@code of(new String(prefix, UTF_8) + index)}: a name ending in a decimal number,
     * without building the string.
     */
    public UUID of(byte[] prefix, long index) {
        md5.reset();
        md5.update(prefix);
        if (index < 0) {
            md5.update(Long.toString(index).getBytes(StandardCharsets.US_ASCII));
        } else {
            int i = digits.length;
            long v = index;
            do {
                digits[--i] = (byte) ('0' + (v % 10));
                v /= 10;
            } while (v > 0);
            md5.update(digits, i, digits.length - i);
        }
        return uuid(md5.digest());
    }

    private static UUID uuid(byte[] hash) {
        hash[6] = (byte) ((hash[6] & 0x0f) | 0x30);
        hash[8] = (byte) ((hash[8] & 0x3f) | 0x80);
        long msb = 0;
        long lsb = 0;
        for (int i = 0; i < 8; i++) {
            msb = (msb << 8) | (hash[i] & 0xff);
            lsb = (lsb << 8) | (hash[i + 8] & 0xff);
        }
        return new UUID(msb, lsb);
    }
}
