package io.tributary.streams.internal;

/**
 * What a task commits together with its state.
 *
 * @param position    the last input position whose effects are in the state; -1: none
 * @param watermarkMs the watermark; {@link Long#MIN_VALUE}: none yet
 * @param lateEvents  late events counted so far
 * @param sourceWatermarkMs the processor-wide watermark at {@code position} (partitioned runs, where
 *                    a partition's own watermark may lag it); {@link Long#MIN_VALUE}: none
 * @param stageWatermarksMs partitioned runs with repartition streams: the watermark of each stage after
 *                    the first (stage {@code k} at index {@code k - 1}) at {@code position}; empty otherwise
 * @param upstreamWatermarksMs partitioned runs with repartition streams: the dispatcher's last-read
 *                    watermark of every (stage, upstream partition) at {@code position}, stage-major; empty otherwise
 */
public record Checkpoint(long position, long watermarkMs, long lateEvents, long sourceWatermarkMs,
                         long[] stageWatermarksMs, long[] upstreamWatermarksMs) {
    private static final long[] NONE = new long[0];

    /** The checkpoint of a task that has processed nothing. */
    public static final Checkpoint EMPTY = new Checkpoint(-1, Long.MIN_VALUE, 0, Long.MIN_VALUE);

    /** A checkpoint without stages (one task, or partitions without repartition streams). */
    public Checkpoint(long position, long watermarkMs, long lateEvents, long sourceWatermarkMs) {
        this(position, watermarkMs, lateEvents, sourceWatermarkMs, NONE, NONE);
    }
}
