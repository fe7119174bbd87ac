package io.tributary.eventsourcing;

import io.tributary.core.StreamName;
import java.util.Objects;

/**
 * A command addressed to one stream, for {@link AggregateRepository#handleAll}.
 *
 * @param stream  the stream
 * @param command the command
 */
public record StreamCommand<C>(StreamName stream, C command) {
    /** Validates the parts. */
    public StreamCommand {
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(command, "command");
    }

    /** A command for {@code stream}. */
    public static <C> StreamCommand<C> of(StreamName stream, C command) {
        return new StreamCommand<>(stream, command);
    }
}
