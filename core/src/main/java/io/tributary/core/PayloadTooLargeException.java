package io.tributary.core;

/**
 * An event or a whole request exceeds the configured size limit. Nothing was written.
 */
public final class PayloadTooLargeException extends InvalidRequestException {
    private static final long serialVersionUID = 1L;
    private final long sizeBytes;
    private final long limitBytes;

    /** Creates the exception for a payload of {@code sizeBytes} over {@code limitBytes}. */
    public PayloadTooLargeException(String what, long sizeBytes, long limitBytes) {
        super(what + " is " + sizeBytes + " bytes, over the limit of " + limitBytes
                + " bytes; split it or raise the limit in the store configuration");
        this.sizeBytes = sizeBytes;
        this.limitBytes = limitBytes;
    }

    /** The size of the rejected payload in bytes. */
    public long sizeBytes() {
        return sizeBytes;
    }

    /** The limit that was exceeded, in bytes. */
    public long limitBytes() {
        return limitBytes;
    }
}
