package io.tributary.eventsourcing;

import io.tributary.core.StreamName;
import java.util.List;

/**
 * What handling commands on several streams together produced: all accepted and written in one
 * atomic append, or one rejected and nothing written.
 */
public sealed interface MultiCommandResult<S, E> permits MultiCommandResult.Accepted, MultiCommandResult.Rejected {

    /** How many times the commands were decided (1 unless concurrent writes forced retries). */
    int attempts();

    /**
     * Every command was accepted; their events were appended atomically.
     *
     * @param results  one result per command, in request order
     * @param position the consistency token: the global position of the last event written
     *                 ({@code -1} when no command produced events)
     * @param attempts how many times the commands were decided
     */
    record Accepted<S, E>(List<CommandResult.Accepted<S, E>> results, long position, int attempts)
            implements MultiCommandResult<S, E> {
        /** Copies the list. */
        public Accepted {
            results = List.copyOf(results);
        }
    }

    /**
     * One command was rejected, so none was written.
     *
     * @param stream   the stream whose command was rejected (the first in request order)
     * @param reason   the decider's reason
     * @param attempts how many times the commands were decided
     */
    record Rejected<S, E>(StreamName stream, String reason, int attempts) implements MultiCommandResult<S, E> {
    }
}
