package io.tributary.cqrs;

import io.tributary.core.StreamName;
import java.util.List;
import java.util.Objects;

/**
 * What the {@link CommandBus} did with a command: accepted, with the consistency token of its
 * write, or rejected with a reason. A rejection is a business outcome and a value, never an
 * exception.
 */
public sealed interface CommandOutcome permits CommandOutcome.Accepted, CommandOutcome.Rejected {

    /** The stream the command was handled on. */
    StreamName stream();

    /** True for {@link Accepted}. */
    default boolean isAccepted() {
        return this instanceof Accepted;
    }

    /**
     * The command was accepted and its events are durable.
     *
     * @param stream   the stream written
     * @param version  the stream's version after the write
     * @param position the consistency token: the global position of the last event written (or
     *                 of the stream's last event when the command produced none; {@code -1} for
     *                 an empty stream). Pass it to {@link ProjectionRunner#awaitPosition} to read
     *                 your own write.
     * @param events   the events recorded, as decided (possibly empty)
     */
    record Accepted(StreamName stream, long version, long position, List<Object> events) implements CommandOutcome {
        /** Validates and copies. */
        public Accepted {
            Objects.requireNonNull(stream, "stream");
            events = List.copyOf(events);
        }
    }

    /**
     * The command was rejected; nothing was written.
     *
     * @param stream the stream the command was decided on
     * @param reason why, in words a user understands
     */
    record Rejected(StreamName stream, String reason) implements CommandOutcome {
        /** Validates the parts. */
        public Rejected {
            Objects.requireNonNull(stream, "stream");
            Objects.requireNonNull(reason, "reason");
        }
    }
}
