package io.tributary.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.core.EventData;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StreamName;
import io.tributary.eventsourcing.Decider;
import io.tributary.eventsourcing.Decision;
import io.tributary.eventsourcing.EventCodec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Given / when / then tests for a {@link Decider}, without a store:
 *
 * <pre>{@code
 * DeciderFixture.of(new BankAccount())
 *         .given(new AccountOpened("acc-1", "Ada"), new MoneyDeposited(new BigDecimal("10.00")))
 *         .when(new Withdraw(new BigDecimal("25.00")))
 *         .thenRejected("insufficient funds: balance 10.00, requested 25.00");
 * }</pre>
 *
 * <p>The given events are evolved from {@link Decider#initialState()}; the command is decided on
 * the resulting state. With {@link #withCodec}, every given and decided event also goes through
 * the codec (encode, then decode), so a test fails when an event does not survive the store.
 * Failures are AssertJ {@link AssertionError}s that show the expected and actual outcome.
 *
 * @param <C> the command type
 * @param <S> the state type
 * @param <E> the event type
 */
public final class DeciderFixture<C, S, E> {
    private static final StreamName FIXTURE_STREAM = StreamName.of("fixture-1");
    private final Decider<C, S, E> decider;
    private final Optional<EventCodec<E>> codec;

    private DeciderFixture(Decider<C, S, E> decider, Optional<EventCodec<E>> codec) {
        this.decider = Objects.requireNonNull(decider, "decider");
        this.codec = codec;
    }

    /** A fixture for {@code decider}. */
    public static <C, S, E> DeciderFixture<C, S, E> of(Decider<C, S, E> decider) {
        return new DeciderFixture<>(decider, Optional.empty());
    }

    /** The same fixture, round-tripping every event through {@code eventCodec}. */
    public DeciderFixture<C, S, E> withCodec(EventCodec<E> eventCodec) {
        return new DeciderFixture<>(decider, Optional.of(eventCodec));
    }

    /** The history: these events happened (none for a new stream). */
    @SafeVarargs
    @SuppressWarnings("varargs") // the array is only copied
    public final When given(E... events) {
        return given(Arrays.asList(events));
    }

    /** The history: these events happened. */
    public When given(List<? extends E> events) {
        S state = decider.initialState();
        long version = 0;
        for (E event : events) {
            state = decider.evolve(state, roundTrip(event, version++));
        }
        return new When(state);
    }

    private E roundTrip(E event, long version) {
        if (codec.isEmpty()) {
            return event;
        }
        EventData data = codec.get().encode(event);
        E back = codec.get().decode(new RecordedEvent(FIXTURE_STREAM, version, version, data.eventId(), data.type(),
                data.data(), data.metadata(), Instant.EPOCH));
        assertThat(back).as("%s after encoding and decoding as '%s'", event, data.type()).isEqualTo(event);
        return back;
    }

    /** The state the given events led to; say what happens next with {@link #when}. */
    public final class When {
        private final S state;

        private When(S state) {
            this.state = state;
        }

        /** The state after the given events. */
        public S state() {
            return state;
        }

        /** Decides {@code command} on the state the given events led to. */
        public Then when(C command) {
            return new Then(state, command, decider.decide(command, state));
        }
    }

    /** The outcome of the command; assert on it. */
    public final class Then {
        private final S before;
        private final C command;
        private final Decision<E> decision;

        private Then(S before, C command, Decision<E> decision) {
            this.before = before;
            this.command = command;
            this.decision = Objects.requireNonNull(decision, "decide returned null");
        }

        private List<E> accepted() {
            if (decision instanceof Decision.Reject<E> reject) {
                throw new AssertionError("expected " + command + " to be accepted, but it was rejected: "
                        + reject.reason() + "\n  state: " + before);
            }
            return ((Decision.Accept<E>) decision).events();
        }

        /** Asserts the command was accepted with exactly these events, in this order. */
        @SafeVarargs
        @SuppressWarnings("varargs") // the array is only read
        public final Then thenEvents(E... expected) {
            List<E> events = accepted();
            assertThat(events).as("events decided for %s", command).containsExactly(expected);
            long version = 0;
            for (E event : events) {
                roundTrip(event, version++);
            }
            return this;
        }

        /** Asserts the command was accepted and changed nothing. */
        public Then thenNoEvents() {
            assertThat(accepted()).as("events decided for %s", command).isEmpty();
            return this;
        }

        /** Asserts the command was rejected with exactly this reason. */
        public Then thenRejected(String reason) {
            assertThat(rejection()).as("rejection reason for %s", command).isEqualTo(reason);
            return this;
        }

        /** Asserts the command was rejected, whatever the reason. */
        public Then thenRejected() {
            rejection();
            return this;
        }

        /** Asserts the command was rejected and hands the reason to {@code check}. */
        public Then thenRejectedSatisfying(Consumer<String> check) {
            check.accept(rejection());
            return this;
        }

        private String rejection() {
            if (decision instanceof Decision.Reject<E> reject) {
                return reject.reason();
            }
            throw new AssertionError("expected " + command + " to be rejected, but it was accepted with "
                    + ((Decision.Accept<E>) decision).events() + "\n  state: " + before);
        }

        /** Asserts the state after the decided events equals {@code expected}. */
        public Then thenState(S expected) {
            S state = before;
            for (E event : accepted()) {
                state = decider.evolve(state, event);
            }
            assertThat(state).as("state after %s", command).isEqualTo(expected);
            return this;
        }

        /** The events decided (empty when rejected). */
        public List<E> events() {
            return decision instanceof Decision.Accept<E> accept ? accept.events() : new ArrayList<>();
        }
    }
}
