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

    /** The same UUID as {@code UUID.nameUUIDFromBytes(name.getBytes(UTF_8))}. */
    public UUID of(String name) {
        md5.reset();
        byte[] hash = md5.digest(name.getBytes(StandardCharsets.UTF_8));
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
