package io.tributary.eventsourcing;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of {@link Decider#decide}: events to record, or a rejection with a reason.
 *
 * @param <E> the event type
 */
public sealed interface Decision<E> permits Decision.Accept, Decision.Reject {

    /** Accepts the command with these events (none is allowed: the command changes nothing). */
    @SafeVarargs
    @SuppressWarnings("varargs") // the array is only copied, never exposed
    static <E> Decision<E> accept(E... events) {
        return new Accept<>(Arrays.asList(events));
    }

    /** Accepts the command with these events. */
    static <E> Decision<E> accept(List<? extends E> events) {
        return new Accept<>(List.copyOf(events));
    }

    /** Rejects the command; {@code reason} says why, for the caller and the user. */
    static <E> Decision<E> reject(String reason) {
        return new Reject<>(reason);
    }

    /**
     * The command is accepted with these events.
     *
     * @param events the events to record, in order; possibly empty
     */
    record Accept<E>(List<E> events) implements Decision<E> {
        /** Copies the list; rejects null events. */
        public Accept {
            Objects.requireNonNull(events, "events");
            events = List.copyOf(events);
        }
    }

    /**
     * The command is rejected; nothing is recorded.
     *
     * @param reason why, in words a user understands
     */
    record Reject<E>(String reason) implements Decision<E> {
        /** Validates the reason. */
        public Reject {
            if (reason == null || reason.isBlank()) {
                throw new IllegalArgumentException("a rejection needs a reason");
            }
        }
    }
}
