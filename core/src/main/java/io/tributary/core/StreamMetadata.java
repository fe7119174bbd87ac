package io.tributary.core;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Per-stream settings that limit which events stay readable. Events outside the limits
 * disappear from stream reads at once and their space is reclaimed by the next scavenge.
 *
 * @param maxCount       keep at most this many of the newest events
 * @param maxAge         keep events younger than this
 * @param truncateBefore hide events with a version below this
 * @param custom         application bytes (JSON by convention), possibly empty
 */
public record StreamMetadata(OptionalLong maxCount, Optional<Duration> maxAge, OptionalLong truncateBefore,
                             byte[] custom) {
    private static final StreamMetadata NONE =
            new StreamMetadata(OptionalLong.empty(), Optional.empty(), OptionalLong.empty(), new byte[0]);

    /** Validates the limits. */
    public StreamMetadata {
        Objects.requireNonNull(maxCount, "maxCount");
        Objects.requireNonNull(maxAge, "maxAge");
        Objects.requireNonNull(truncateBefore, "truncateBefore");
        Objects.requireNonNull(custom, "custom");
        if (maxCount.isPresent() && maxCount.getAsLong() < 1) {
            throw new InvalidRequestException("maxCount must be at least 1, got " + maxCount.getAsLong());
        }
        if (maxAge.isPresent() && (maxAge.get().isNegative() || maxAge.get().isZero())) {
            throw new InvalidRequestException("maxAge must be positive, got " + maxAge.get());
        }
        if (truncateBefore.isPresent() && truncateBefore.getAsLong() < 0) {
            throw new InvalidRequestException("truncateBefore must be >= 0, got " + truncateBefore.getAsLong());
        }
    }

    /** No limits, no custom data. */
    public static StreamMetadata none() {
        return NONE;
    }

    /** A copy with {@code maxCount} set. */
    public StreamMetadata withMaxCount(long count) {
        return new StreamMetadata(OptionalLong.of(count), maxAge, truncateBefore, custom);
    }

    /** A copy with {@code maxAge} set. */
    public StreamMetadata withMaxAge(Duration age) {
        return new StreamMetadata(maxCount, Optional.of(age), truncateBefore, custom);
    }

    /** A copy with {@code truncateBefore} set. */
    public StreamMetadata withTruncateBefore(long version) {
        return new StreamMetadata(maxCount, maxAge, OptionalLong.of(version), custom);
    }

    /** A copy with custom bytes. */
    public StreamMetadata withCustom(byte[] bytes) {
        return new StreamMetadata(maxCount, maxAge, truncateBefore, bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StreamMetadata other
                && maxCount.equals(other.maxCount)
                && maxAge.equals(other.maxAge)
                && truncateBefore.equals(other.truncateBefore)
                && Arrays.equals(custom, other.custom);
    }

    @Override
    public int hashCode() {
        return Objects.hash(maxCount, maxAge, truncateBefore, Arrays.hashCode(custom));
    }

    @Override
    public String toString() {
        return "StreamMetadata[maxCount=" + maxCount + ", maxAge=" + maxAge + ", truncateBefore="
                + truncateBefore + ", custom=" + custom.length + " bytes]";
    }
}
