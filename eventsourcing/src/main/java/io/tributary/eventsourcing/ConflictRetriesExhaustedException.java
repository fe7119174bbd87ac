package io.tributary.eventsourcing;

import io.tributary.core.StreamName;
import io.tributary.core.TributaryException;
import io.tributary.core.WrongExpectedVersionException;

/**
 * A command met a concurrent write on every attempt the repository allowed: each time it
 * reloaded, decided again and appended, another writer had appended first. Nothing of the
 * command was written. The stream is very hot: retry later, or raise
 * {@code maxConflictRetries}.
 */
public final class ConflictRetriesExhaustedException extends TributaryException {
    private static final long serialVersionUID = 1L;
    private final StreamName stream;
    private final int attempts;

    /** Creates the exception with the last conflict as its cause. */
    public ConflictRetriesExhaustedException(StreamName stream, int attempts, WrongExpectedVersionException last) {
        super("command on stream '" + stream + "' conflicted with concurrent writes on all " + attempts
                + " attempts; nothing was written; retry later or raise maxConflictRetries", last);
        this.stream = stream;
        this.attempts = attempts;
    }

    /** The stream of the last conflict. */
    public StreamName stream() {
        return stream;
    }

    /** How many times the command was decided and appended. */
    public int attempts() {
        return attempts;
    }
}
