package io.tributary.eventsourcing;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.core.Direction;
import io.tributary.core.EventData;
import io.tributary.core.ExpectedVersion;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StreamName;
import io.tributary.eventsourcing.TestAccounts.Account;
import io.tributary.eventsourcing.TestAccounts.Command;
import io.tributary.eventsourcing.TestAccounts.Deposit;
import io.tributary.eventsourcing.TestAccounts.Event;
import io.tributary.eventsourcing.TestAccounts.Open;
import io.tributary.eventsourcing.TestAccounts.Withdraw;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class SnapshotTest {
    private static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");
    private static final StreamName ADA = StreamName.of("account-ada");
    private static final StreamName SNAPSHOTS = StreamName.of("snapshot-account-ada");

    private final ManualClock clock = new ManualClock(T0);
    private final FakeEventStore store = new FakeEventStore(clock);
    private final EventCodec<Event> codec = TestAccounts.codec();

    private AggregateRepository<Command, Account, Event> repository(SnapshotSettings<Account> settings) {
        return AggregateRepository.builder(store, TestAccounts.DECIDER, codec).snapshots(settings).clock(clock).build();
    }

    private AggregateRepository<Command, Account, Event> withoutSnapshots() {
        return AggregateRepository.builder(store, TestAccounts.DECIDER, codec).build();
    }

    private static SnapshotSettings<Account> every(long events) {
        return SnapshotSettings.of(Account.class, 1, SnapshotPolicy.everyEvents(events));
    }

    private void deposits(AggregateRepository<Command, Account, Event> repository, int count) {
        repository.handle(ADA, new Open("Ada", T0));
        for (int i = 1; i < count; i++) {
            repository.handle(ADA, new Deposit(new BigDecimal("0.01")));
        }
    }

    private List<RecordedEvent> snapshots() {
        return store.readStream(SNAPSHOTS, 0, 100, Direction.FORWARD).events();
    }

    @Nested
    class Policy {
        @Test
        void snapshotsEveryNEventsIntoTheSnapshotStream() {
            AggregateRepository<Command, Account, Event> repository = repository(every(10));

            deposits(repository, 25);

            assertThat(snapshots()).extracting(e -> e.metadataAsString())
                    .allSatisfy(m -> assertThat(m).contains("\"stateSchemaVersion\":1"));
            assertThat(snapshots()).hasSize(2);
            assertThat(snapshots().get(1).metadataAsString()).contains("\"version\":19");
        }

        @Test
        void snapshotsWhenTheReplayTookLongerThanTheThreshold() {
            ManualClock slow = new ManualClock(T0, Duration.ofMillis(30)); // every read of the clock takes 30 ms
            AggregateRepository<Command, Account, Event> repository = AggregateRepository
                    .builder(store, TestAccounts.DECIDER, codec)
                    .snapshots(SnapshotSettings.of(Account.class, 1, SnapshotPolicy.whenReplayLongerThan(Duration.ofMillis(100))
                            .or(SnapshotPolicy.everyEvents(1_000))))
                    .clock(slow).build();
            deposits(withoutSnapshots(), 5);
            repository.handle(ADA, new Deposit(BigDecimal.ONE));
            assertThat(store.streamInfo(SNAPSHOTS)).isEmpty(); // 30 ms replay: no snapshot

            AggregateRepository<Command, Account, Event> fast = AggregateRepository
                    .builder(store, TestAccounts.DECIDER, codec)
                    .snapshots(SnapshotSettings.of(Account.class, 1, SnapshotPolicy.whenReplayLongerThan(Duration.ofMillis(10))))
                    .clock(slow).build();
            fast.handle(ADA, new Deposit(BigDecimal.ONE));
            assertThat(snapshots()).hasSize(1);
        }

        @Test
        void keepsABoundedNumberOfSnapshots() {
            AggregateRepository<Command, Account, Event> repository = repository(
                    new SnapshotSettings<>(Account.class, 1, SnapshotPolicy.everyEvents(2), 3));

            deposits(repository, 20);

            assertThat(snapshots()).hasSize(3);
        }
    }

    @Nested
    class Loading {
        @Test
        void startsFromTheNewestSnapshot() {
            AggregateRepository<Command, Account, Event> repository = repository(every(10));
            deposits(repository, 25);

            AggregateState<Account> state = repository.load(ADA);

            assertThat(state.snapshotVersion()).isEqualTo(OptionalLong.of(19));
            assertThat(state.replayedEvents()).isEqualTo(5);
            assertThat(state.state()).isEqualTo(withoutSnapshots().load(ADA).state());
        }

        @Test
        void ignoresASnapshotOfAnotherStateSchemaVersion() {
            deposits(repository(every(10)), 25);
            AggregateRepository<Command, Account, Event> v2 = repository(SnapshotSettings.of(Account.class, 2,
                    SnapshotPolicy.everyEvents(10)));

            AggregateState<Account> state = v2.load(ADA);

            assertThat(state.snapshotVersion()).isEmpty();
            assertThat(state.replayedEvents()).isEqualTo(25);
            assertThat(state.state()).isEqualTo(withoutSnapshots().load(ADA).state());
        }

        @Test
        void ignoresASnapshotWhoseStateNoLongerDecodes() {
            deposits(withoutSnapshots(), 3);
            store.append(SNAPSHOTS, ExpectedVersion.any(), new EventData(java.util.UUID.randomUUID(), "Snapshot",
                    "{\"balance\":\"not a state\"}".getBytes(StandardCharsets.UTF_8),
                    ("{\"stateType\":\"x\",\"stateSchemaVersion\":1,\"version\":2,\"position\":2,"
                            + "\"timestamp\":\"2024-01-01T00:00:00Z\"}").getBytes(StandardCharsets.UTF_8))).join();

            AggregateState<Account> state = repository(every(10)).load(ADA);

            assertThat(state.snapshotVersion()).isEmpty();
            assertThat(state.version()).isEqualTo(2);
        }

        @Test
        void timeTravelUsesOnlySnapshotsFromBeforeTheTarget() {
            AggregateRepository<Command, Account, Event> repository = repository(every(5));
            deposits(repository, 17);

            AggregateState<Account> atSeven = repository.loadAtVersion(ADA, 7);

            assertThat(atSeven.snapshotVersion()).isEqualTo(OptionalLong.of(4));
            assertThat(atSeven.state()).isEqualTo(withoutSnapshots().loadAtVersion(ADA, 7).state());
        }

        @Test
        void asOfLoadsUseSnapshotsTakenBeforeTheInstant() {
            AggregateRepository<Command, Account, Event> repository = repository(every(5));
            repository.handle(ADA, new Open("Ada", T0));
            for (int i = 1; i < 12; i++) {
                clock.advance(Duration.ofMinutes(1));
                repository.handle(ADA, new Deposit(BigDecimal.ONE));
            }

            AggregateState<Account> asOf = repository.loadAsOf(ADA, T0.plus(Duration.ofMinutes(7)));

            assertThat(asOf.version()).isEqualTo(7);
            assertThat(asOf.snapshotVersion()).isEqualTo(OptionalLong.of(4));
            assertThat(asOf.state()).isEqualTo(withoutSnapshots().loadAtVersion(ADA, 7).state());
        }
    }

    @Provide
    Arbitrary<List<Command>> commands() {
        Arbitrary<BigDecimal> amounts = Arbitraries.bigDecimals().between(BigDecimal.ZERO, new BigDecimal("1000")).ofScale(2);
        Arbitrary<Command> command = Arbitraries.oneOf(
                amounts.map(Deposit::new),
                amounts.map(Withdraw::new),
                Arbitraries.just(new TestAccounts.Close()));
        return command.list().ofMinSize(0).ofMaxSize(60);
    }

    @Property(tries = 60)
    void loadingFromASnapshotEqualsAFullReplay(@ForAll("commands") List<Command> commands,
                                               @ForAll @IntRange(min = 1, max = 7) int every) {
        FakeEventStore fresh = new FakeEventStore();
        AggregateRepository<Command, Account, Event> snapshotting = AggregateRepository
                .builder(fresh, TestAccounts.DECIDER, codec)
                .snapshots(SnapshotSettings.of(Account.class, 1, SnapshotPolicy.everyEvents(every))).build();
        AggregateRepository<Command, Account, Event> full = AggregateRepository
                .builder(fresh, TestAccounts.DECIDER, codec).build();
        snapshotting.handle(ADA, new Open("Ada", T0));
        for (Command c : commands) {
            snapshotting.handle(ADA, c);
        }

        AggregateState<Account> fromSnapshot = snapshotting.load(ADA);
        AggregateState<Account> replayed = full.load(ADA);

        assertThat(fromSnapshot.state()).isEqualTo(replayed.state());
        assertThat(fromSnapshot.version()).isEqualTo(replayed.version());
        assertThat(fromSnapshot.position()).isEqualTo(replayed.position());
        for (long v = 0; v <= replayed.version(); v++) {
            assertThat(snapshotting.loadAtVersion(ADA, v).state()).isEqualTo(full.loadAtVersion(ADA, v).state());
        }
    }
}
