package io.tributary.examples.bank;

import io.tributary.core.Direction;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StreamName;
import io.tributary.eventsourcing.AggregateRepository;
import io.tributary.eventsourcing.AggregateState;
import io.tributary.eventsourcing.AuditEntry;
import io.tributary.eventsourcing.CommandResult;
import io.tributary.eventsourcing.MultiCommandResult;
import io.tributary.eventsourcing.SnapshotPolicy;
import io.tributary.eventsourcing.SnapshotSettings;
import io.tributary.eventsourcing.StreamCommand;
import io.tributary.examples.bank.AccountCommand.CloseAccount;
import io.tributary.examples.bank.AccountCommand.Deposit;
import io.tributary.examples.bank.AccountCommand.OpenAccount;
import io.tributary.examples.bank.AccountCommand.ReceiveTransfer;
import io.tributary.examples.bank.AccountCommand.SendTransfer;
import io.tributary.examples.bank.AccountCommand.Withdraw;
import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.StoreConfig;
import io.tributary.store.Tributary;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The seed's bank account, event-sourced on the embedded store: open two accounts, deposit and
 * withdraw, refuse an overdraft, transfer between the accounts in one atomic two-stream append,
 * close an account; then print the event stream, the current state computed from it, the state
 * as of an earlier day, and the audit trail.
 *
 * <p>Run it with {@code ./tributary bank [--data DIR]} or this class's {@link #main}. The store's
 * clock is simulated so that the story spans several days.
 */
public final class BankExample {
    private final PrintStream out;
    private final SimulatedClock clock;
    private final AggregateRepository<AccountCommand, Account, AccountEvent> accounts;

    private BankExample(EmbeddedEventStore store, SimulatedClock clock, PrintStream out) {
        this.out = out;
        this.clock = clock;
        this.accounts = AggregateRepository.builder(store, new BankAccount(), BankAccount.codec())
                .snapshots(SnapshotSettings.of(Account.class, 1, SnapshotPolicy.everyEvents(100)))
                .build();
    }

    /** Entry point: {@code BankExample [--data DIR]}. */
    public static void main(String[] args) throws IOException {
        Path data = null;
        if (args.length == 2 && args[0].equals("--data")) {
            data = Path.of(args[1]);
        } else if (args.length != 0) {
            System.err.println("usage: BankExample [--data DIR]");
            System.exit(2);
        }
        run(data, System.out);
    }

    /** Runs the example in {@code dataDir} (a fresh temporary directory when null), printing to {@code out}. */
    public static void run(Path dataDir, PrintStream out) throws IOException {
        Path dir = dataDir != null ? dataDir : Files.createTempDirectory("tributary-bank-");
        SimulatedClock clock = new SimulatedClock(Instant.now().truncatedTo(ChronoUnit.DAYS));
        out.println("Tributary event-sourced bank account — data directory: " + dir);
        try (EmbeddedEventStore store = Tributary.open(StoreConfig.builder(dir).clock(clock).build())) {
            new BankExample(store, clock, out).story(store);
        }
    }

    private void story(EmbeddedEventStore store) {
        String suffix = Long.toString(System.nanoTime() % 100_000);
        String aliceId = "alice" + suffix;
        String bobId = "bob" + suffix;
        StreamName alice = StreamName.of("account", aliceId);
        StreamName bob = StreamName.of("account", bobId);

        section("Day 1: commands are decided on the current state; accepted ones become events");
        handle(alice, new OpenAccount(aliceId, "Alice"));
        handle(alice, new Deposit(new BigDecimal("100.00")));
        handle(bob, new OpenAccount(bobId, "Bob"));
        handle(bob, new Deposit(new BigDecimal("20.00")));
        Instant endOfDay1 = clock.instant().plus(Duration.ofHours(12));

        clock.advance(Duration.ofDays(1));
        section("Day 2: a withdrawal, an overdraft refused with a reason, a transfer across two streams");
        handle(alice, new Withdraw(new BigDecimal("30.00")));
        handle(alice, new Withdraw(new BigDecimal("500.00")));
        transfer(alice, bob, "t-1", new BigDecimal("45.50"));
        transfer(bob, alice, "t-2", new BigDecimal("1000.00"));

        clock.advance(Duration.ofDays(1));
        section("Day 3: Bob empties and closes his account; a closed account refuses money");
        handle(bob, new Withdraw(new BigDecimal("65.50")));
        handle(bob, new CloseAccount());
        handle(bob, new Deposit(new BigDecimal("1.00")));

        section("The event stream of " + alice + " (the source of truth)");
        for (RecordedEvent e : store.readStream(alice, 0, 1_000, Direction.FORWARD).events()) {
            out.printf("  v%d  pos %-4d %s  %-16s %s%n", e.version(), e.position(), e.timestamp(), e.type(), e.dataAsString());
        }

        section("Current state, computed by replaying the events");
        printState(accounts.load(alice));
        printState(accounts.load(bob));

        section("Time travel: the state as of " + endOfDay1 + " (end of day 1) and at version 2");
        printState(accounts.loadAsOf(alice, endOfDay1));
        printState(accounts.loadAtVersion(alice, 2));

        section("Audit trail of " + bob + ": every event with the state after it");
        for (AuditEntry<Account, AccountEvent> entry : accounts.auditTrail(bob)) {
            out.printf("  v%d  %s  %-60s -> balance %s, %s%n", entry.version(), entry.timestamp(), entry.event(),
                    entry.stateAfter().balance(), entry.stateAfter().status());
        }
    }

    private void handle(StreamName account, AccountCommand command) {
        CommandResult<Account, AccountEvent> result = accounts.handle(account, command);
        if (result instanceof CommandResult.Accepted<Account, AccountEvent> accepted) {
            out.printf("  %-18s %-50s accepted: %s -> balance %s (v%d, position %d)%n", account, command,
                    accepted.events(), accepted.state().balance(), accepted.version(), accepted.position());
        } else if (result instanceof CommandResult.Rejected<Account, AccountEvent> rejected) {
            out.printf("  %-18s %-50s REJECTED: %s%n", account, command, rejected.reason());
        }
    }

    private void transfer(StreamName from, StreamName to, String transferId, BigDecimal amount) {
        MultiCommandResult<Account, AccountEvent> result = accounts.handleAll(List.of(
                StreamCommand.of(from, new SendTransfer(transferId, to.id(), amount)),
                StreamCommand.of(to, new ReceiveTransfer(transferId, from.id(), amount))));
        if (result instanceof MultiCommandResult.Accepted<Account, AccountEvent> accepted) {
            out.printf("  transfer %s of %s from %s to %s: one atomic append to both streams (position %d); balances %s and %s%n",
                    transferId, amount, from, to, accepted.position(), accepted.results().get(0).state().balance(),
                    accepted.results().get(1).state().balance());
        } else if (result instanceof MultiCommandResult.Rejected<Account, AccountEvent> rejected) {
            out.printf("  transfer %s of %s from %s to %s REJECTED (%s): %s — nothing written to either stream%n",
                    transferId, amount, from, to, rejected.stream(), rejected.reason());
        }
    }

    private void printState(AggregateState<Account> state) {
        Account a = state.state();
        out.printf("  %-18s owner %-6s balance %8s  %-7s (version %d)%n", state.stream(), a.owner(), a.balance(),
                a.status(), state.version());
    }

    private void section(String title) {
        out.println();
        out.println("== " + title);
    }

    /** A clock the story moves forward by days; the store stamps events with it. */
    private static final class SimulatedClock extends Clock {
        private final AtomicReference<Instant> start;
        private final long realStartNanos = System.nanoTime();

        SimulatedClock(Instant start) {
            this.start = new AtomicReference<>(start.plus(Duration.ofHours(9)));
        }

        void advance(Duration d) {
            start.updateAndGet(t -> t.plus(d));
        }

        @Override
        public Instant instant() {
            return start.get().plusNanos(System.nanoTime() - realStartNanos);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("the simulated clock is UTC only");
        }
    }
}
