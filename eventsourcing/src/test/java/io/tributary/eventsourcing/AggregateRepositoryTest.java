package io.tributary.eventsourcing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.core.EventData;
import io.tributary.core.ExpectedVersion;
import io.tributary.core.StreamName;
import io.tributary.eventsourcing.TestAccounts.Account;
import io.tributary.eventsourcing.TestAccounts.Close;
import io.tributary.eventsourcing.TestAccounts.Closed;
import io.tributary.eventsourcing.TestAccounts.Command;
import io.tributary.eventsourcing.TestAccounts.Deposit;
import io.tributary.eventsourcing.TestAccounts.Deposited;
import io.tributary.eventsourcing.TestAccounts.Event;
import io.tributary.eventsourcing.TestAccounts.Open;
import io.tributary.eventsourcing.TestAccounts.Opened;
import io.tributary.eventsourcing.TestAccounts.Withdraw;
import io.tributary.eventsourcing.TestAccounts.Withdrawn;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class AggregateRepositoryTest {
    private static final Instant T0 = Instant.parse("2024-01-01T09:00:00Z");
    private static final StreamName ADA = StreamName.of("account-ada");
    private static final StreamName BOB = StreamName.of("account-bob");

    private final ManualClock clock = new ManualClock(T0);
    private final FakeEventStore store = new FakeEventStore(clock);
    private final EventCodec<Event> codec = TestAccounts.codec();
    private final AggregateRepository<Command, Account, Event> repository =
            AggregateRepository.builder(store, TestAccounts.DECIDER, codec).maxConflictRetries(2).build();

    private static BigDecimal money(String amount) {
        return new BigDecimal(amount);
    }

    private void open(StreamName stream, String deposit) {
        repository.handle(stream, new Open(stream.id(), T0));
        repository.handle(stream, new Deposit(money(deposit)));
    }

    @Nested
    class Loading {
        @Test
        void givesTheInitialStateForAStreamWithoutEvents() {
            AggregateState<Account> state = repository.load(ADA);

            assertThat(state.state()).isEqualTo(Account.NONE);
            assertThat(state.version()).isEqualTo(-1);
            assertThat(state.exists()).isFalse();
        }

        @Test
        void replaysEveryEventInPages() {
            AggregateRepository<Command, Account, Event> smallPages =
                    AggregateRepository.builder(store, TestAccounts.DECIDER, codec).readBatchSize(3).build();
            repository.handle(ADA, new Open("Ada", T0));
            for (int i = 0; i < 10; i++) {
                repository.handle(ADA, new Deposit(money("1.10")));
            }

            AggregateState<Account> state = smallPages.load(ADA);

            assertThat(state.state().balance()).isEqualTo(money("11.00"));
            assertThat(state.version()).isEqualTo(10);
            assertThat(state.replayedEvents()).isEqualTo(11);
        }

        @Test
        void failsWithTheStreamAndVersionOfAnUndecodableEvent() {
            repository.handle(ADA, new Open("Ada", T0));
            store.append(ADA, ExpectedVersion.exact(0), EventData.json("MoneyDeposited", "{\"amount\":\"x\"}")).join();

            assertThatThrownBy(() -> repository.load(ADA))
                    .isInstanceOf(EventDecodingException.class)
                    .hasMessageContaining("account-ada@1 of type 'MoneyDeposited'");
        }

        @Test
        void upcastsOldEventsStoredByAnEarlierVersionOfTheApplication() {
            // Written the way release 1 wrote them: no metadata, MoneyDeposited without memo.
            store.append(ADA, ExpectedVersion.noStream(),
                    EventData.json("AccountOpened", "{\"owner\":\"Ada\",\"at\":\"2024-01-01T09:00:00Z\"}"),
                    EventData.json("MoneyDeposited", "{\"amount\":40.25}"),
                    EventData.json("MoneyDeposited", "{\"amount\":0.75}")).join();

            AggregateState<Account> state = repository.load(ADA);

            assertThat(state.state().balance()).isEqualTo(money("41.00"));
            assertThat(repository.auditTrail(ADA).get(1).event()).isEqualTo(new Deposited(money("40.25"), ""));
        }
    }

    @Nested
    class HandlingCommands {
        @Test
        void appendsTheDecidedEventsAndReturnsStateAndConsistencyToken() {
            repository.handle(ADA, new Open("Ada", T0));

            CommandResult<Account, Event> result = repository.handle(ADA, new Deposit(money("100.00")));

            assertThat(result).isInstanceOf(CommandResult.Accepted.class);
            CommandResult.Accepted<Account, Event> accepted = (CommandResult.Accepted<Account, Event>) result;
            assertThat(accepted.events()).containsExactly(new Deposited(money("100.00"), ""));
            assertThat(accepted.state().balance()).isEqualTo(money("100.00"));
            assertThat(accepted.version()).isEqualTo(1);
            assertThat(accepted.position()).isEqualTo(store.headPosition());
            assertThat(accepted.attempts()).isEqualTo(1);
            assertThat(repository.load(ADA).state()).isEqualTo(accepted.state());
        }

        @Test
        void returnsARejectionAsAValueAndWritesNothing() {
            open(ADA, "10.00");
            long head = store.headPosition();

            CommandResult<Account, Event> result = repository.handle(ADA, new Withdraw(money("10.01")));

            assertThat(result).isEqualTo(new CommandResult.Rejected<>(ADA,
                    "insufficient funds: balance 10.00, asked 10.01", repository.load(ADA).state(), 1, 1));
            assertThat(store.headPosition()).isEqualTo(head);
        }

        @Test
        void decidesAgainOnTheNewStateAfterAConcurrentWrite() {
            open(ADA, "100.00");
            // Another writer withdraws 70 between our load and our append.
            store.beforeAppend(s -> store.append(ADA, ExpectedVersion.exact(1), codec.encode(new Withdrawn(money("70")))).join());

            CommandResult<Account, Event> result = repository.handle(ADA, new Withdraw(money("50")));

            assertThat(result).isInstanceOf(CommandResult.Rejected.class);
            assertThat(((CommandResult.Rejected<Account, Event>) result).reason()).contains("balance 30.00");
            assertThat(result.attempts()).isEqualTo(2);
        }

        @Test
        void retriesAConflictAndSucceeds() {
            open(ADA, "100.00");
            store.beforeAppend(s -> store.append(ADA, ExpectedVersion.exact(1), codec.encode(new Deposited(money("1"), ""))).join());

            CommandResult<Account, Event> result = repository.handle(ADA, new Withdraw(money("50")));

            assertThat(result).isInstanceOf(CommandResult.Accepted.class);
            assertThat(result.attempts()).isEqualTo(2);
            assertThat(((CommandResult.Accepted<Account, Event>) result).version()).isEqualTo(3);
            assertThat(repository.load(ADA).state().balance()).isEqualTo(money("51.00"));
        }

        @Test
        void givesUpAfterTheBoundOnRetries() {
            open(ADA, "100.00");
            AggregateRepository<Command, Account, Event> impatient =
                    AggregateRepository.builder(store, TestAccounts.DECIDER, codec).maxConflictRetries(0).build();
            store.beforeAppend(s -> store.append(ADA, ExpectedVersion.any(), codec.encode(new Deposited(money("1"), ""))).join());

            assertThatThrownBy(() -> impatient.handle(ADA, new Deposit(money("5"))))
                    .isInstanceOf(ConflictRetriesExhaustedException.class)
                    .hasMessageContaining("account-ada")
                    .hasMessageContaining("1 attempts");
        }

        @Test
        void acceptsACommandThatProducesNoEventsWithoutWriting() {
            AggregateRepository<Command, Account, Event> idle = AggregateRepository.builder(store,
                    Decider.<Command, Account, Event>of(() -> Account.NONE, (c, s) -> Decision.accept(List.of()),
                            (s, e) -> s), codec).build();
            int before = store.appendRequests();

            CommandResult<Account, Event> result = idle.handle(ADA, new Close());

            assertThat(result).isEqualTo(new CommandResult.Accepted<>(ADA, Account.NONE, List.of(), -1, -1, 1));
            assertThat(store.appendRequests()).isEqualTo(before);
        }
    }

    @Nested
    class HandlingSeveralStreams {
        @Test
        void appendsAllStreamsAtomically() {
            open(ADA, "100.00");
            open(BOB, "5.00");

            MultiCommandResult<Account, Event> result = repository.handleAll(List.of(
                    StreamCommand.of(ADA, new Withdraw(money("60.00"))),
                    StreamCommand.of(BOB, new Deposit(money("60.00")))));

            assertThat(result).isInstanceOf(MultiCommandResult.Accepted.class);
            MultiCommandResult.Accepted<Account, Event> accepted = (MultiCommandResult.Accepted<Account, Event>) result;
            assertThat(accepted.results()).extracting(r -> r.state().balance()).containsExactly(money("40.00"), money("65.00"));
            assertThat(accepted.position()).isEqualTo(store.headPosition());
            assertThat(repository.load(BOB).state().balance()).isEqualTo(money("65.00"));
        }

        @Test
        void writesNothingWhenOneCommandIsRejected() {
            open(ADA, "10.00");
            open(BOB, "5.00");
            long head = store.headPosition();

            MultiCommandResult<Account, Event> result = repository.handleAll(List.of(
                    StreamCommand.of(BOB, new Deposit(money("60.00"))),
                    StreamCommand.of(ADA, new Withdraw(money("60.00")))));

            assertThat(result).isEqualTo(new MultiCommandResult.Rejected<>(ADA, "insufficient funds: balance 10.00, asked 60.00", 1));
            assertThat(store.headPosition()).isEqualTo(head);
        }

        @Test
        void retriesWhenOneStreamMoved() {
            open(ADA, "100.00");
            open(BOB, "5.00");
            store.beforeAppend(s -> store.append(BOB, ExpectedVersion.exact(1), codec.encode(new Deposited(money("1"), ""))).join());

            MultiCommandResult<Account, Event> result = repository.handleAll(List.of(
                    StreamCommand.of(ADA, new Withdraw(money("60.00"))),
                    StreamCommand.of(BOB, new Deposit(money("60.00")))));

            assertThat(result.attempts()).isEqualTo(2);
            assertThat(repository.load(BOB).state().balance()).isEqualTo(money("66.00"));
        }

        @Test
        void refusesTheSameStreamTwice() {
            assertThatThrownBy(() -> repository.handleAll(List.of(
                    StreamCommand.of(ADA, new Deposit(money("1"))), StreamCommand.of(ADA, new Deposit(money("2"))))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("appears twice");
        }
    }

    @Nested
    class TimeTravel {
        private void history() {
            repository.handle(ADA, new Open("Ada", T0));                // v0 at 09:00
            clock.advance(Duration.ofHours(1));
            repository.handle(ADA, new Deposit(money("100.00")));       // v1 at 10:00
            clock.advance(Duration.ofHours(1));
            repository.handle(ADA, new Withdraw(money("30.00")));       // v2 at 11:00
            clock.advance(Duration.ofHours(1));
            repository.handle(ADA, new Withdraw(money("70.00")));       // v3 at 12:00
            repository.handle(ADA, new Close());                        // v4 at 12:00
        }

        @Test
        void loadsTheStateAtAVersion() {
            history();

            assertThat(repository.loadAtVersion(ADA, 1).state().balance()).isEqualTo(money("100.00"));
            assertThat(repository.loadAtVersion(ADA, 2).state().balance()).isEqualTo(money("70.00"));
            assertThat(repository.loadAtVersion(ADA, 99).version()).isEqualTo(4);
        }

        @Test
        void loadsTheStateAsOfAnInstant() {
            history();

            assertThat(repository.loadAsOf(ADA, T0.minusSeconds(1)).exists()).isFalse();
            assertThat(repository.loadAsOf(ADA, T0.plus(Duration.ofMinutes(90))).state().balance()).isEqualTo(money("100.00"));
            assertThat(repository.loadAsOf(ADA, T0.plus(Duration.ofHours(2))).version()).isEqualTo(2);
            assertThat(repository.loadAsOf(ADA, T0.plus(Duration.ofDays(1))).state().closed()).isTrue();
        }

        @Test
        void listsEveryEventWithTheStateAfterIt() {
            history();

            List<AuditEntry<Account, Event>> trail = repository.auditTrail(ADA);

            assertThat(trail).extracting(AuditEntry::version).containsExactly(0L, 1L, 2L, 3L, 4L);
            assertThat(trail).extracting(e -> e.stateAfter().balance())
                    .containsExactly(money("0"), money("100.00"), money("70.00"), money("0.00"), money("0.00"));
            assertThat(trail.get(0).event()).isEqualTo(new Opened("Ada", T0));
            assertThat(trail.get(4).event()).isEqualTo(new Closed());
            assertThat(trail.get(2).timestamp()).isEqualTo(T0.plus(Duration.ofHours(2)));
        }
    }
}
