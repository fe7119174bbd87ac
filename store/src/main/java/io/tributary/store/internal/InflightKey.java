package io.tributary.store.internal;

import java.util.UUID;

/**
 * An event id within a stream, for the writer's map of ids written but not yet indexed.
 *
 * @param eventId the id
 * @param stream  the stream name
 */
record InflightKey(UUID eventId, String stream) {
}
