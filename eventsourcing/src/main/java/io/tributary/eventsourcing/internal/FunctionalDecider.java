package io.tributary.eventsourcing.internal;

import io.tributary.eventsourcing.Decider;
import io.tributary.eventsourcing.Decision;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * A {@link Decider} made of three functions; see {@link Decider#of}.
 *
 * @param initial the initial state supplier
 * @param decider the decision function
 * @param evolver the evolution function
 */
public record FunctionalDecider<C, S, E>(Supplier<S> initial,
                                         BiFunction<? super C, ? super S, Decision<E>> decider,
                                         BiFunction<? super S, ? super E, S> evolver) implements Decider<C, S, E> {
    /** Validates the parts. */
    public FunctionalDecider {
        Objects.requireNonNull(initial, "initialState");
        Objects.requireNonNull(decider, "decide");
        Objects.requireNonNull(evolver, "evolve");
    }

    @Override
    public S initialState() {
        return initial.get();
    }

    @Override
    public Decision<E> decide(C command, S state) {
        return decider.apply(command, state);
    }

    @Override
    public S evolve(S state, E event) {
        return evolver.apply(state, event);
    }
}
