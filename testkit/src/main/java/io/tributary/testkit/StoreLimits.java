package io.tributary.testkit;

/**
 * The size limits a store under test was configured with, so the contract suite can check that
 * an event or a request just over a limit is rejected with
 * {@link io.tributary.core.PayloadTooLargeException} and one at the limit is accepted.
 *
 * <p>An event's size is {@link io.tributary.core.EventData#sizeBytes()} (data + metadata + type);
 * a request's size is the sum of its events' sizes.
 *
 * @param maxEventBytes   the largest event the store accepts, in bytes
 * @param maxRequestBytes the largest append request the store accepts, in bytes
 */
public record StoreLimits(int maxEventBytes, int maxRequestBytes) {

    /** Tributary's default limits: 1 MiB per event, 16 MiB per request. */
    public static final StoreLimits DEFAULTS = new StoreLimits(1 << 20, 16 << 20);

    /** Validates the limits; throws {@link IllegalArgumentException} naming the bad one. */
    public StoreLimits {
        if (maxEventBytes < 1024) {
            throw new IllegalArgumentException("maxEventBytes must be at least 1024, got " + maxEventBytes);
        }
        if (maxRequestBytes < maxEventBytes) {
            throw new IllegalArgumentException("maxRequestBytes (" + maxRequestBytes
                    + ") must be at least maxEventBytes (" + maxEventBytes + ")");
        }
    }
}
