package io.tributary.eventsourcing;

import io.tributary.eventsourcing.internal.FunctionalDecider;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * An aggregate written as three pure functions: the state before any event, a decision on a
 * command given the current state, and the state after one event.
 *
 * <p>Commands, states and events are plain values — records, and sealed interfaces for their
 * families — with no base class and no annotation. Implement this interface, or build one from
 * lambdas with {@link #of}. All three functions must be pure: no I/O, no clock, no randomness
 * (put the time or ids a decision needs into the command). The repository calls them on the
 * caller's thread and may call {@code decide} several times for one command when it retries
 * after a concurrent write.
 *
 * @param <C> the command type
 * @param <S> the state type
 * @param <E> the event type (usually a sealed interface)
 */
public interface Decider<C, S, E> {

    /** The state of a stream with no events. */
    S initialState();

    /**
     * Decides what happens when {@code command} meets {@code state}: the events to record, or a
     * rejection with a reason. A rejection is a business outcome, not an error: never throw for it.
     */
    Decision<E> decide(C command, S state);

    /** The state after {@code event}; must not modify {@code state}. */
    S evolve(S state, E event);

    /**
     * A decider made of three functions.
     *
     * @param initialState supplies the state before any event
     * @param decide       the decision function
     * @param evolve       the evolution function
     */
    static <C, S, E> Decider<C, S, E> of(Supplier<S> initialState,
                                         BiFunction<? super C, ? super S, Decision<E>> decide,
                                         BiFunction<? super S, ? super E, S> evolve) {
        return new FunctionalDecider<>(initialState, decide, evolve);
    }
}
