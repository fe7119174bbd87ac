package io.tributary.cqrs;

/**
 * Handles one kind of command: decides and writes, and says what happened. Most commands need
 * no hand-written handler: {@link CommandBus.Builder#route} sends them to a decider through an
 * {@code AggregateRepository}.
 *
 * <p>Called on the dispatching thread; must be thread-safe when the bus is shared.
 *
 * @param <C> the command type
 */
@FunctionalInterface
public interface CommandHandler<C> {

    /** Handles {@code command}; a rejection is returned as {@link CommandOutcome.Rejected}, not thrown. */
    CommandOutcome handle(C command);
}
