package io.tributary.store;

/**
 * A snapshot of an embedded store's counters.
 *
 * @param headPosition     position of the newest readable event, -1 when empty
 * @param appendsCompleted append requests acknowledged since open
 * @param eventsAppended   events acknowledged since open
 * @param bytesWritten     log bytes written since open
 * @param fsyncs           fsync calls of appends since open
 * @param fsyncNanos       time spent in those fsync calls, in nanoseconds (with {@code fsyncs}: the mean)
 * @param maxFsyncNanos    the longest of them, in nanoseconds
 * @param groupCommits     write calls (groups) since open
 * @param segments         segment files in the data directory
 * @param queuedAppends    append requests waiting for the writer now
 */
public record StoreStats(long headPosition, long appendsCompleted, long eventsAppended, long bytesWritten,
                         long fsyncs, long fsyncNanos, long maxFsyncNanos, long groupCommits, int segments, int queuedAppends) {
}
