package io.tributary.core;

/**
 * What the store knows about a live stream.
 *
 * @param stream       the stream
 * @param lastVersion  the version of its last event
 * @param lastPosition the global position of its last event
 */
public record StreamInfo(StreamName stream, long lastVersion, long lastPosition) {
}
