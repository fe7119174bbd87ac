package io.tributary.streams.internal;

import java.time.Clock;

/** Events per second over roughly the last few seconds (two alternating buckets). */
public final class RateMeter {
    private static final long BUCKET_MS = 5_000;
    private final Clock clock;
    private long bucketStart;
    private long current;
    private long previous;
    private volatile double rate;

    /** A meter reading {@code clock}. */
    public RateMeter(Clock clock) {
        this.clock = clock;
        this.bucketStart = clock.millis();
    }

    /** Records {@code n} events now. */
    public synchronized void record(long n) {
        long now = clock.millis();
        if (now - bucketStart >= BUCKET_MS) {
            previous = now - bucketStart >= 2 * BUCKET_MS ? 0 : current;
            current = 0;
            bucketStart = now;
        }
        current += n;
        long elapsed = Math.max(1, now - bucketStart);
        rate = (previous + current) * 1000.0 / (BUCKET_MS + elapsed);
    }

    /** The rate. */
    public double perSecond() {
        return rate;
    }
}
