package io.tributary.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.eventsourcing.Decider;
import io.tributary.eventsourcing.Decision;
import io.tributary.eventsourcing.EventCodec;
import org.junit.jupiter.api.Test;

class DeciderFixtureTest {
    sealed interface Event permits Added, Reset {
    }

    record Added(int amount) implements Event {
    }

    record Reset() implements Event {
    }

    record Add(int amount) {
    }

    static final Decider<Add, Integer, Event> COUNTER = Decider.of(() -> 0,
            (command, total) -> total + command.amount() > 10 ? Decision.reject("total would exceed 10")
                    : command.amount() == 0 ? Decision.accept() : Decision.accept(new Added(command.amount())),
            (total, event) -> event instanceof Added a ? total + a.amount() : 0);

    static final EventCodec<Event> CODEC = EventCodec.builder(Event.class)
            .register(Added.class, "Added").register(Reset.class, "Reset").build();

    private final DeciderFixture<Add, Integer, Event> fixture = DeciderFixture.of(COUNTER).withCodec(CODEC);

    @Test
    void assertsTheDecidedEventsAndState() {
        fixture.given(new Added(3), new Reset(), new Added(4))
                .when(new Add(5))
                .thenEvents(new Added(5))
                .thenState(9);
    }

    @Test
    void assertsARejectionAndItsReason() {
        fixture.given(new Added(8)).when(new Add(5)).thenRejected("total would exceed 10");
        fixture.given(new Added(8)).when(new Add(5)).thenRejectedSatisfying(r -> assertThat(r).contains("exceed"));
    }

    @Test
    void assertsNoEvents() {
        fixture.given().when(new Add(0)).thenNoEvents();
    }

    @Test
    void failsWhenTheOutcomeDiffers() {
        assertThatThrownBy(() -> fixture.given().when(new Add(1)).thenEvents(new Added(2)))
                .isInstanceOf(AssertionError.class).hasMessageContaining("Added[amount=2]");
        assertThatThrownBy(() -> fixture.given(new Added(10)).when(new Add(1)).thenEvents(new Added(1)))
                .isInstanceOf(AssertionError.class).hasMessageContaining("rejected: total would exceed 10");
        assertThatThrownBy(() -> fixture.given().when(new Add(1)).thenRejected("nope"))
                .isInstanceOf(AssertionError.class).hasMessageContaining("accepted with [Added[amount=1]]");
    }

    @Test
    void failsWhenAnEventDoesNotSurviveTheCodec() {
        EventCodec<Event> partial = EventCodec.builder(Event.class).register(Reset.class, "Reset").build();
        assertThatThrownBy(() -> DeciderFixture.of(COUNTER).withCodec(partial).given(new Added(1)))
                .hasMessageContaining("Added is not registered");
    }
}
