package io.tributary.streams.internal;

/** An operator that acts when event time advances (closes windows, expires join buffers). */
@FunctionalInterface
public interface WatermarkListener {
    /** The watermark is now {@code watermarkMs}. */
    void onWatermark(long watermarkMs);
}
