package io.tributary.streams.internal;

/**
 * What a task commits together with its state.
 *
 * @param position    the last input position whose effects are in the state; -1: none
 * @param watermarkMs the watermark; {@link Long#MIN_VALUE}: none yet
 * @param lateEvents  late events counted so far
 * @param sourceWatermarkMs the processor-wide watermark at {@code position} (partitioned runs, where
 *                    a partition's own watermark may lag it); {@link Long#MIN_VALUE}: none
 */
public record Checkpoint(long position, long watermarkMs, long lateEvents, long sourceWatermarkMs) {
    /** The checkpoint of a task that has processed nothing. */
    public static final Checkpoint EMPTY = new Checkpoint(-1, Long.MIN_VALUE, 0, Long.MIN_VALUE);
}
