package io.tributary.core;

/**
 * The outcome of a successful append to one stream.
 *
 * @param stream       the stream written
 * @param firstVersion the version of the first appended event
 * @param lastVersion  the version of the last appended event (the new stream version)
 * @param position     the global position of the last event of the whole request: the
 *                     consistency token to wait for in read models and processors
 */
public record AppendResult(StreamName stream, long firstVersion, long lastVersion, long position) {
}
