package io.tributary.examples.bank;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.core.Direction;
import io.tributary.core.EventData;
import io.tributary.core.ExpectedVersion;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StreamName;
import io.tributary.eventsourcing.AggregateRepository;
import io.tributary.eventsourcing.AggregateState;
import io.tributary.eventsourcing.CommandResult;
import io.tributary.eventsourcing.EventCodec;
import io.tributary.eventsourcing.MultiCommandResult;
import io.tributary.eventsourcing.SnapshotPolicy;
import io.tributary.eventsourcing.SnapshotSettings;
import io.tributary.eventsourcing.StreamCommand;
import io.tributary.eventsourcing.Upcaster;
import io.tributary.examples.bank.AccountCommand.Deposit;
import io.tributary.examples.bank.AccountCommand.OpenAccount;
import io.tributary.examples.bank.AccountCommand.ReceiveTransfer;
import io.tributary.examples.bank.AccountCommand.SendTransfer;
import io.tributary.examples.bank.AccountCommand.Withdraw;
import io.tributary.store.Durability;
import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.StoreConfig;
import io.tributary.store.Tributary;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The repository against the real embedded store: appends, conflicts, snapshots, upcasting, reopen. */
class BankOnEmbeddedStoreTest {
    private static final StreamName ALICE = StreamName.of("account-alice");
    private static final StreamName BOB = StreamName.of("account-bob");

    @TempDir
    Path dir;
    private EmbeddedEventStore store;

    @BeforeEach
    void open() {
        store = Tributary.open(StoreConfig.builder(dir).durability(Durability.none()).build());
    }

    @AfterEach
    void close() {
        store.close();
    }

    private AggregateRepository<AccountCommand, Account, AccountEvent> repository(long snapshotEvery) {
        return AggregateRepository.builder(store, new BankAccount(), BankAccount.codec())
                .snapshots(SnapshotSettings.of(Account.class, 1, SnapshotPolicy.everyEvents(snapshotEvery)))
                .maxConflictRetries(50)
                .build();
    }

    private static BigDecimal money(String value) {
        return new BigDecimal(value);
    }

    @Test
    void handlesCommandsAndSurvivesAReopen() {
        AggregateRepository<AccountCommand, Account, AccountEvent> accounts = repository(1_000);
        accounts.handle(ALICE, new OpenAccount("alice", "Alice"));
        CommandResult<Account, AccountEvent> deposit = accounts.handle(ALICE, new Deposit(money("100.10")));

        assertThat(deposit).isInstanceOf(CommandResult.Accepted.class);
        assertThat(((CommandResult.Accepted<Account, AccountEvent>) deposit).position()).isEqualTo(store.headPosition());
        store.close();
        store = Tributary.open(StoreConfig.builder(dir).durability(Durability.none()).build());

        assertThat(repository(1_000).load(ALICE).state()).isEqualTo(new Account("alice", "Alice", money("100.10"), Account.Status.OPEN));
    }

    @Test
    void transfersAtomicallyAcrossTwoStreams() {
        AggregateRepository<AccountCommand, Account, AccountEvent> accounts = repository(1_000);
        accounts.handle(ALICE, new OpenAccount("alice", "Alice"));
        accounts.handle(ALICE, new Deposit(money("10")));
        accounts.handle(BOB, new OpenAccount("bob", "Bob"));
        long head = store.headPosition();

        MultiCommandResult<Account, AccountEvent> refused = accounts.handleAll(List.of(
                StreamCommand.of(ALICE, new SendTransfer("t1", "bob", money("11"))),
                StreamCommand.of(BOB, new ReceiveTransfer("t1", "alice", money("11")))));
        MultiCommandResult<Account, AccountEvent> done = accounts.handleAll(List.of(
                StreamCommand.of(ALICE, new SendTransfer("t2", "bob", money("7.50"))),
                StreamCommand.of(BOB, new ReceiveTransfer("t2", "alice", money("7.50")))));

        assertThat(refused).isInstanceOf(MultiCommandResult.Rejected.class);
        assertThat(done).isInstanceOf(MultiCommandResult.Accepted.class);
        RecordedEvent sent = store.readStream(ALICE, 2, 1, Direction.FORWARD).events().get(0);
        RecordedEvent received = store.readStream(BOB, 1, 1, Direction.FORWARD).events().get(0);
        assertThat(sent.position()).isEqualTo(head + 1);
        assertThat(received.position()).isEqualTo(head + 2);
        assertThat(accounts.load(ALICE).state().balance()).isEqualTo(money("2.50"));
        assertThat(accounts.load(BOB).state().balance()).isEqualTo(money("7.50"));
    }

    @Test
    void concurrentWritersRetryAndLoseNoDeposit() throws Exception {
        AggregateRepository<AccountCommand, Account, AccountEvent> accounts = repository(7);
        accounts.handle(ALICE, new OpenAccount("alice", "Alice"));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<Integer>> attempts = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            attempts.add(pool.submit(() -> {
                int total = 0;
                for (int i = 0; i < 25; i++) {
                    total += accounts.handle(ALICE, new Deposit(money("0.01"))).attempts();
                }
                return total;
            }));
        }
        int totalAttempts = 0;
        for (Future<Integer> f : attempts) {
            totalAttempts += f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();

        AggregateState<Account> state = accounts.load(ALICE);
        assertThat(state.state().balance()).isEqualTo(money("1.00"));
        assertThat(state.version()).isEqualTo(100);
        assertThat(totalAttempts).isGreaterThanOrEqualTo(100);
        assertThat(state.state()).isEqualTo(AggregateRepository.builder(store, new BankAccount(), BankAccount.codec())
                .build().load(ALICE).state());
    }

    @Test
    void loadsFromASnapshotStoredInTheLog() {
        AggregateRepository<AccountCommand, Account, AccountEvent> accounts = repository(10);
        accounts.handle(ALICE, new OpenAccount("alice", "Alice"));
        for (int i = 0; i < 24; i++) {
            accounts.handle(ALICE, new Deposit(money("1.25")));
        }

        AggregateState<Account> state = accounts.load(ALICE);

        assertThat(state.snapshotVersion()).hasValue(19);
        assertThat(state.replayedEvents()).isEqualTo(5);
        assertThat(state.state().balance()).isEqualTo(money("30.00"));
        assertThat(store.streamInfo(StreamName.of("snapshot-account-alice"))).isPresent();
    }

    @Test
    void upcastsEventsStoredInAnOldShape() {
        // Release 1 stored deposits as {"cents":...} under the type "Deposited".
        store.append(ALICE, ExpectedVersion.noStream(),
                EventData.json("AccountOpened", "{\"accountId\":\"alice\",\"owner\":\"Alice\"}"),
                EventData.json("Deposited", "{\"cents\":1999}")).join();
        EventCodec<AccountEvent> codec = EventCodec.builder(AccountEvent.class)
                .register(AccountEvent.AccountOpened.class, "AccountOpened")
                .register(AccountEvent.MoneyDeposited.class, "MoneyDeposited")
                .register(AccountEvent.MoneyWithdrawn.class, "MoneyWithdrawn")
                .upcaster(Upcaster.renaming("Deposited", 1, "MoneyDeposited", 1, json -> {
                    BigDecimal cents = json.remove("cents").decimalValue();
                    return json.put("amount", cents.movePointLeft(2));
                }))
                .build();
        AggregateRepository<AccountCommand, Account, AccountEvent> accounts =
                AggregateRepository.builder(store, new BankAccount(), codec).build();

        CommandResult<Account, AccountEvent> result = accounts.handle(ALICE, new Withdraw(money("19.99")));

        assertThat(result).isInstanceOf(CommandResult.Accepted.class);
        assertThat(accounts.auditTrail(ALICE).get(1).event()).isEqualTo(new AccountEvent.MoneyDeposited(money("19.99")));
        assertThat(store.readStream(ALICE, 2, 1, Direction.FORWARD).events().get(0).metadataAsString())
                .isEqualTo("{\"schemaVersion\":1}");
    }
}
