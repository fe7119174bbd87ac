package io.tributary.store;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;

/**
 * Configuration of an embedded store. Immutable; validated when built. Every setting has a
 * default; start from {@link #builder(Path)}.
 *
 * @param dataDirectory         where segments, the checkpoint and the index live (created if missing)
 * @param durability            when appends are acknowledged; default {@link Durability#fsync()}
 * @param segmentSizeBytes      size of each preallocated segment file; default 256 MiB
 * @param maxEventBytes         largest event (data + metadata + type); default 1 MiB
 * @param maxRequestBytes       largest append request (a request over 1 MiB is written as several frames, still
 *                              all-or-nothing); default 64 MiB, or less with small segments: at most half a
 *                              segment
 * @param maxBatchBytes         group commit: most bytes written by one write call; default 4 MiB
 * @param maxQueuedAppends      back-pressure: appends waiting for the writer before
 *                              {@link io.tributary.core.StoreBusyException}; default 65,536
 * @param checkpointIntervalMs  how often the durable end is recorded in the checkpoint file; default 1,000
 * @param streamCacheSize       streams whose version is kept in memory for expected-version checks; default 100,000
 * @param clock                 source of event timestamps; default the UTC system clock
 */
public record StoreConfig(Path dataDirectory, Durability durability, long segmentSizeBytes, int maxEventBytes,
                          int maxRequestBytes, int maxBatchBytes, int maxQueuedAppends, long checkpointIntervalMs,
                          int streamCacheSize, Clock clock) {

    /** Validates every setting; throws {@link IllegalArgumentException} naming the setting. */
    public StoreConfig {
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        Objects.requireNonNull(durability, "durability");
        Objects.requireNonNull(clock, "clock");
        require(maxEventBytes >= 1024, "maxEventBytes must be at least 1024, got " + maxEventBytes);
        require(maxRequestBytes >= maxEventBytes,
                "maxRequestBytes (" + maxRequestBytes + ") must be at least maxEventBytes (" + maxEventBytes + ")");
        require(maxBatchBytes >= 4096, "maxBatchBytes must be at least 4096, got " + maxBatchBytes);
        require(segmentSizeBytes >= 2L * maxRequestBytes + 4096,
                "segmentSizeBytes (" + segmentSizeBytes + ") must be at least twice maxRequestBytes (" + maxRequestBytes + ") plus 4096");
        require(segmentSizeBytes <= (1L << 40), "segmentSizeBytes must be at most 1 TiB");
        require(maxQueuedAppends >= 1, "maxQueuedAppends must be at least 1, got " + maxQueuedAppends);
        require(checkpointIntervalMs >= 1, "checkpointIntervalMs must be at least 1, got " + checkpointIntervalMs);
        require(streamCacheSize >= 16, "streamCacheSize must be at least 16, got " + streamCacheSize);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** A builder with every default set, storing data in {@code dataDirectory}. */
    public static Builder builder(Path dataDirectory) {
        return new Builder(dataDirectory);
    }

    /** The defaults for {@code dataDirectory}. */
    public static StoreConfig defaults(Path dataDirectory) {
        return builder(dataDirectory).build();
    }

    /** Builds a {@link StoreConfig}; each setter documents its default on {@link StoreConfig}. */
    public static final class Builder {
        private final Path dataDirectory;
        private Durability durability = Durability.fsync();
        private long segmentSizeBytes = 256L << 20;
        private int maxEventBytes = 1 << 20;
        /** Null: derived from the segment size. */
        private Integer maxRequestBytes;
        private int maxBatchBytes = 4 << 20;
        private int maxQueuedAppends = 65_536;
        private long checkpointIntervalMs = 1_000;
        private int streamCacheSize = 100_000;
        private Clock clock = Clock.systemUTC();

        private Builder(Path dataDirectory) {
            this.dataDirectory = Objects.requireNonNull(dataDirectory, "dataDirectory");
        }

        /** Sets {@link StoreConfig#durability()}. */
        public Builder durability(Durability value) {
            this.durability = value;
            return this;
        }

        /** Sets {@link StoreConfig#segmentSizeBytes()}. */
        public Builder segmentSizeBytes(long value) {
            this.segmentSizeBytes = value;
            return this;
        }

        /** Sets {@link StoreConfig#maxEventBytes()}. */
        public Builder maxEventBytes(int value) {
            this.maxEventBytes = value;
            return this;
        }

        /** Sets {@link StoreConfig#maxRequestBytes()}. */
        public Builder maxRequestBytes(int value) {
            this.maxRequestBytes = value;
            return this;
        }

        /** Sets {@link StoreConfig#maxBatchBytes()}. */
        public Builder maxBatchBytes(int value) {
            this.maxBatchBytes = value;
            return this;
        }

        /** Sets {@link StoreConfig#maxQueuedAppends()}. */
        public Builder maxQueuedAppends(int value) {
            this.maxQueuedAppends = value;
            return this;
        }

        /** Sets {@link StoreConfig#checkpointIntervalMs()}. */
        public Builder checkpointIntervalMs(long value) {
            this.checkpointIntervalMs = value;
            return this;
        }

        /** Sets {@link StoreConfig#streamCacheSize()}. */
        public Builder streamCacheSize(int value) {
            this.streamCacheSize = value;
            return this;
        }

        /** Sets {@link StoreConfig#clock()}. */
        public Builder clock(Clock value) {
            this.clock = value;
            return this;
        }

        /** Validates and builds. */
        public StoreConfig build() {
            int request;
            if (maxRequestBytes != null) {
                request = maxRequestBytes;
            } else {
                long halfSegment = (segmentSizeBytes - 4096) / 2;
                if (halfSegment < maxEventBytes) {
                    throw new IllegalArgumentException("segmentSizeBytes (" + segmentSizeBytes + ") must be at least twice"
                            + " maxEventBytes (" + maxEventBytes + ") plus 4096: a segment holds at least two of the largest appends");
                }
                request = (int) Math.min(64L << 20, halfSegment);
            }
            return new StoreConfig(dataDirectory, durability, segmentSizeBytes, maxEventBytes, request,
                    maxBatchBytes, maxQueuedAppends, checkpointIntervalMs, streamCacheSize, clock);
        }
    }
}
