package io.tributary.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.core.AppendResult;
import io.tributary.core.Direction;
import io.tributary.core.EventData;
import io.tributary.core.ExpectedVersion;
import io.tributary.core.ReadFilter;
import io.tributary.core.ReadSlice;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StreamAppend;
import io.tributary.core.StreamMetadata;
import io.tributary.core.StreamName;
import io.tributary.core.Subscription;
import io.tributary.eventsourcing.AggregateRepository;
import io.tributary.eventsourcing.CommandResult;
import io.tributary.eventsourcing.Decider;
import io.tributary.eventsourcing.Decision;
import io.tributary.eventsourcing.EventCodec;
import io.tributary.eventsourcing.SnapshotPolicy;
import io.tributary.eventsourcing.SnapshotSettings;
import io.tributary.eventsourcing.StreamCommand;
import io.tributary.eventsourcing.Upcaster;
import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.Tributary;
import io.tributary.store.VerificationReport;
import io.tributary.store.Verifier;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's code, compiled and run, so the README cannot drift from the API. */
class ReadmeSnippetsTest {
    @TempDir
    Path data;

    @Test
    void theJavaApiTourRuns() throws Exception {
        try (EmbeddedEventStore store = Tributary.open(data)) {
            StreamName account = StreamName.of("account", 42);
            AppendResult r = store.append(account, ExpectedVersion.noStream(),
                    EventData.json("AccountOpened", "{\"owner\":\"Ada\"}"),
                    EventData.json("MoneyDeposited", "{\"amount\":\"100.00\"}")).join();
            assertThat(r.lastVersion()).isEqualTo(1);
            assertThat(store.append(account, ExpectedVersion.exact(0), EventData.json("MoneyWithdrawn", "{}")))
                    .failsWithin(Duration.ofSeconds(5));
            ReadSlice slice = store.readStream(account, 0, 100, Direction.FORWARD);
            ReadSlice latest = store.readStream(account, Long.MAX_VALUE, 1, Direction.BACKWARD);
            ReadSlice all = store.readAll(0, 1000, Direction.FORWARD, ReadFilter.all());
            ReadSlice accounts = store.readCategory("account", 0, 1000, Direction.FORWARD);
            ReadSlice deposits = store.readAll(0, 1000, Direction.FORWARD, ReadFilter.eventTypes("MoneyDeposited"));
            assertThat(slice.events()).hasSize(2);
            assertThat(latest.events()).extracting(RecordedEvent::version).containsExactly(1L);
            assertThat(all.events()).hasSize(2);
            assertThat(accounts.events()).hasSize(2);
            assertThat(deposits.events()).hasSize(1);
            store.append(StreamName.of("account-1"), ExpectedVersion.noStream(), EventData.json("A", "{}"),
                    EventData.json("B", "{}"), EventData.json("C", "{}"), EventData.json("D", "{}")).join();
            store.appendAll(List.of(
                    StreamAppend.of(StreamName.of("account-1"), ExpectedVersion.exact(3), EventData.json("MoneyWithdrawn", "{\"amount\":\"20\"}")),
                    StreamAppend.of(StreamName.of("account-2"), ExpectedVersion.any(), EventData.json("MoneyDeposited", "{\"amount\":\"20\"}"))
            )).join();
            try (Subscription sub = store.subscribeToCategory("account", 0)) {
                List<RecordedEvent> events = sub.poll(500, Duration.ofSeconds(1));
                assertThat(events).hasSize(8);
                // the next poll continues after them: one by one, read in place
                store.append(account, ExpectedVersion.any(), EventData.of("Deposited", "{\"amount\": 5}".getBytes(java.nio.charset.StandardCharsets.UTF_8))).join();
                List<String> seen = new java.util.ArrayList<>();
                sub.pollViews(500, Duration.ofSeconds(1), e -> seen.add(e.type() + " " + e.dataAsString()));
                assertThat(seen).containsExactly("Deposited {\"amount\": 5}");
            }
            store.setStreamMetadata(account, StreamMetadata.none().withMaxCount(1000)).join();
            store.deleteStream(StreamName.of("account-2"), ExpectedVersion.any(), false).join();
            store.deleteStream(StreamName.of("account-1"), ExpectedVersion.any(), true).join();
            store.scavenge();
        }
        VerificationReport report = Verifier.verify(data);
        assertThat(report.ok()).as(report.summary()).isTrue();
    }

    sealed interface AccountEvent {
    }

    record AccountOpened(String owner) implements AccountEvent {
    }

    record MoneyDeposited(BigDecimal amount) implements AccountEvent {
    }

    record MoneyWithdrawn(BigDecimal amount) implements AccountEvent {
    }

    record Deposit(BigDecimal amount) {
    }

    record Withdraw(BigDecimal amount) {
    }

    record Account(boolean open, BigDecimal balance) {
    }

    @Test
    void theEventSourcingTourRuns() {
        Decider<Object, Account, AccountEvent> bank = Decider.of(
                () -> new Account(false, BigDecimal.ZERO),
                (command, account) -> {
                    if (command instanceof Withdraw w && account.balance().compareTo(w.amount()) < 0) {
                        return Decision.reject("insufficient funds: balance " + account.balance());
                    }
                    return command instanceof Withdraw w ? Decision.accept(new MoneyWithdrawn(w.amount()))
                         : command instanceof Deposit d ? Decision.accept(new MoneyDeposited(d.amount()))
                         : Decision.accept(new AccountOpened("Ada"));
                },
                (account, event) -> event instanceof MoneyDeposited d ? new Account(true, account.balance().add(d.amount()))
                        : event instanceof MoneyWithdrawn w ? new Account(true, account.balance().subtract(w.amount()))
                        : new Account(true, account.balance()));

        EventCodec<AccountEvent> codec = EventCodec.builder(AccountEvent.class)
                .register(AccountOpened.class, "AccountOpened")
                .register(MoneyDeposited.class, "MoneyDeposited", 2)
                .register(MoneyWithdrawn.class, "MoneyWithdrawn")
                .upcaster(Upcaster.of("MoneyDeposited", 1, json -> json.put("amount", json.remove("cents").decimalValue().movePointLeft(2))))
                .build();

        try (EmbeddedEventStore store = Tributary.open(data)) {
            AggregateRepository<Object, Account, AccountEvent> accounts = AggregateRepository.builder(store, bank, codec)
                    .snapshots(SnapshotSettings.of(Account.class, 1, SnapshotPolicy.everyEvents(100)))
                    .build();
            StreamName ada = StreamName.of("account-ada");
            accounts.handle(ada, new Deposit(new BigDecimal("100.00")));
            CommandResult<Account, AccountEvent> r = accounts.handle(ada, new Withdraw(new BigDecimal("250.00")));
            assertThat(r).isInstanceOf(CommandResult.Rejected.class);
            assertThat(accounts.load(ada).state().balance()).isEqualByComparingTo("100.00");
            assertThat(accounts.loadAtVersion(ada, 0).state().balance()).isEqualByComparingTo("100.00");
            assertThat(accounts.loadAsOf(ada, Instant.parse("2024-01-01T00:00:00Z")).state().balance())
                    .isEqualByComparingTo("0");
            assertThat(accounts.auditTrail(ada)).hasSize(1);
            accounts.handleAll(List.of(StreamCommand.of(ada, new Withdraw(BigDecimal.TEN)),
                    StreamCommand.of(StreamName.of("account-bob"), new Deposit(BigDecimal.TEN))));
            assertThat(accounts.load(ada).state().balance()).isEqualByComparingTo("90.00");
        }
    }
}
