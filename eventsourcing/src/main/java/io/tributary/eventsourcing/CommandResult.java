package io.tributary.eventsourcing;

import io.tributary.core.StreamName;
import java.util.List;

/**
 * What handling a command on one stream produced: accepted with its events, or rejected with a
 * reason. A rejection is a value, not an exception.
 */
public sealed interface CommandResult<S, E> permits CommandResult.Accepted, CommandResult.Rejected {

    /** The stream the command was handled on. */
    StreamName stream();

    /** How many times the command was decided (1 unless concurrent writes forced retries). */
    int attempts();

    /**
     * The command was accepted and its events are durable.
     *
     * @param stream   the stream
     * @param state    the state after the new events
     * @param events   the recorded events (empty when the decision produced none; nothing was written)
     * @param version  the stream's version after the append
     * @param position the consistency token: the global position of the last event written
     *                 (or, with no new events, of the stream's last event; {@code -1} for an empty stream)
     * @param attempts how many times the command was decided
     */
    record Accepted<S, E>(StreamName stream, S state, List<E> events, long version, long position, int attempts)
            implements CommandResult<S, E> {
        /** Copies the list. */
        public Accepted {
            events = List.copyOf(events);
        }
    }

    /**
     * The decider rejected the command; nothing was written.
     *
     * @param stream   the stream
     * @param reason   the decider's reason
     * @param state    the state the command was decided on
     * @param version  the version of that state
     * @param attempts how many times the command was decided
     */
    record Rejected<S, E>(StreamName stream, String reason, S state, long version, int attempts)
            implements CommandResult<S, E> {
    }
}
