package io.tributary.store;

/**
 * What a scavenge did.
 *
 * @param segmentsScanned   sealed segments examined
 * @param segmentsRewritten segments rewritten without the removed events
 * @param eventsRemoved     events removed (deleted, truncated, expired)
 * @param bytesReclaimed    bytes of event frames no longer stored
 */
public record ScavengeResult(int segmentsScanned, int segmentsRewritten, long eventsRemoved, long bytesReclaimed) {
}
