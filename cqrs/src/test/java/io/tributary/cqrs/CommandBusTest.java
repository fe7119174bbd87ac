package io.tributary.cqrs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.core.StreamName;
import io.tributary.eventsourcing.AggregateRepository;
import io.tributary.eventsourcing.Decider;
import io.tributary.eventsourcing.Decision;
import io.tributary.eventsourcing.EventCodec;
import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.Tributary;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandBusTest {
    sealed interface CounterCommand permits Add, Reset {
        String id();
    }

    record Add(String id, int amount) implements CounterCommand {
    }

    record Reset(String id) implements CounterCommand {
    }

    record Ping() {
    }

    record Unrouted() {
    }

    sealed interface CounterEvent permits Added, WasReset {
    }

    record Added(int amount) implements CounterEvent {
    }

    record WasReset() implements CounterEvent {
    }

    static final Decider<CounterCommand, Integer, CounterEvent> COUNTER = Decider.of(() -> 0,
            (c, total) -> c instanceof Add a
                    ? (total + a.amount() > 100 ? Decision.reject("a counter stops at 100; it is at " + total) : Decision.accept(new Added(a.amount())))
                    : Decision.accept(new WasReset()),
            (total, e) -> e instanceof Added a ? total + a.amount() : 0);

    @TempDir
    Path dir;
    EmbeddedEventStore store;
    CommandBus bus;

    @BeforeEach
    void setUp() {
        store = Tributary.open(dir);
        EventCodec<CounterEvent> codec = EventCodec.builder(CounterEvent.class)
                .register(Added.class, "Added").register(WasReset.class, "WasReset").build();
        AggregateRepository<CounterCommand, Integer, CounterEvent> counters = AggregateRepository.builder(store, COUNTER, codec).build();
        bus = CommandBus.builder()
                .route(CounterCommand.class, c -> StreamName.of("counter", c.id()), counters)
                .handler(Ping.class, p -> new CommandOutcome.Accepted(StreamName.of("ping-1"), -1, -1, List.of()))
                .build();
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    @Test
    void acceptedCommandsCarryTheConsistencyToken() {
        CommandOutcome first = bus.dispatch(new Add("a", 5));
        CommandOutcome second = bus.dispatch(new Add("a", 6));
        assertThat(first).isInstanceOfSatisfying(CommandOutcome.Accepted.class, a -> {
            assertThat(a.stream()).isEqualTo(StreamName.of("counter-a"));
            assertThat(a.version()).isZero();
            assertThat(a.events()).containsExactly(new Added(5));
        });
        assertThat(((CommandOutcome.Accepted) second).position()).isEqualTo(store.headPosition());
    }

    @Test
    void aRejectionIsAValueWithAReasonAndWritesNothing() {
        bus.dispatch(new Add("a", 90));
        long head = store.headPosition();
        CommandOutcome outcome = bus.dispatch(new Add("a", 20));
        assertThat(outcome).isEqualTo(new CommandOutcome.Rejected(StreamName.of("counter-a"), "a counter stops at 100; it is at 90"));
        assertThat(outcome.isAccepted()).isFalse();
        assertThat(store.headPosition()).isEqualTo(head);
    }

    @Test
    void routesBySupertypeAndToPlainHandlers() {
        assertThat(bus.dispatch(new Reset("b")).isAccepted()).isTrue();
        assertThat(bus.dispatch(new Ping()).stream().value()).isEqualTo("ping-1");
    }

    @Test
    void anUnknownCommandIsAClearError() {
        assertThatThrownBy(() -> bus.dispatch(new Unrouted()))
                .isInstanceOf(UnknownCommandException.class).hasMessageContaining("Unrouted");
    }

    @Test
    void refusesTwoHandlersForOneClass() {
        assertThatThrownBy(() -> CommandBus.builder().handler(Ping.class, p -> null).handler(Ping.class, p -> null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readYourWritesFromCommandToProjection() {
        Projection<DocumentWriter> totals = Projection.of("totals", io.tributary.core.ReadFilter.categories("counter"),
                (e, w) -> w.put("counters", e.stream().id(), java.util.Map.of("last", e.type())));
        try (DocumentStore docs = DocumentStore.inMemory();
             ProjectionRunner<DocumentWriter> runner = ProjectionRunner.start(store, totals, docs)) {
            CommandOutcome.Accepted a = (CommandOutcome.Accepted) bus.dispatch(new Add("c", 1));
            assertThat(runner.query(a.position(), Duration.ofSeconds(5), () -> docs.get("totals", "counters", "c"))).isPresent();
        }
    }
}
