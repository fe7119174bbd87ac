package io.tributary.streams.internal;

/**
 * A source record decoded from an event.
 *
 * @param source             the index of the source in the topology
 * @param key                the key
 * @param value              the value
 * @param timestampMs        the event time
 * @param watermarkCandidate the event time minus the source's bound; {@link Long#MIN_VALUE} when it does not move the watermark
 */
public record Decoded(int source, Object key, Object value, long timestampMs, long watermarkCandidate) {
}
