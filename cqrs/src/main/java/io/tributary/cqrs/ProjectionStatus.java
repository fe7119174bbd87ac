package io.tributary.cqrs;

import java.util.Optional;

/**
 * A snapshot of a running projection.
 *
 * @param name            the projection
 * @param slot            the read-model slot it writes (changes after a shadow rebuild)
 * @param state           what it is doing
 * @param position        the last log position it has processed (applied, or examined and not
 *                        selected by its filter); {@code -1} before the first
 * @param checkpoint      the last position committed with the read model
 * @param headPosition    the newest position of the log
 * @param lagEvents       {@code headPosition - position}: log positions still to examine
 * @param lagMs           how far behind in time: the age (now, by the runner's clock, minus its
 *                        commit timestamp) of the oldest event not yet processed; 0 when caught up
 * @param eventsPerSecond events applied per second over the last few seconds
 * @param eventsApplied   events applied since the runner started
 * @param eventsParked    events parked in the dead-letter stream since the runner started
 * @param failurePolicy   the failure policy in force
 * @param lastError       the last failure, if any, with the position it happened at
 */
public record ProjectionStatus(String name, String slot, State state, long position, long checkpoint, long headPosition,
                               long lagEvents, long lagMs, double eventsPerSecond, long eventsApplied, long eventsParked,
                               FailurePolicy failurePolicy, Optional<String> lastError) {

    /** What a projection is doing. */
    public enum State {
        /** Reading events older than the head when it last looked. */
        CATCHING_UP,
        /** At the head, waiting for new events. */
        LIVE,
        /** A batch failed; waiting to retry it. */
        RETRYING,
        /** Being reset or rebuilt. */
        REBUILDING,
        /** Stopped after a failure (see {@code lastError}) or closed. */
        STOPPED
    }
}
