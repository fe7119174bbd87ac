package io.tributary.eventsourcing;

import java.time.Instant;
import java.util.UUID;

/**
 * One line of an audit trail: a recorded event and the state right after it.
 *
 * @param version    the event's version in its stream
 * @param position   its global position
 * @param timestamp  when it was recorded
 * @param eventId    its id
 * @param event      the decoded (and upcast) event
 * @param stateAfter the state after applying it
 */
public record AuditEntry<S, E>(long version, long position, Instant timestamp, UUID eventId, E event, S stateAfter) {
}
