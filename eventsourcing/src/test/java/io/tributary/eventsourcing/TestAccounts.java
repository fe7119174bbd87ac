package io.tributary.eventsourcing;

import java.math.BigDecimal;
import java.time.Instant;

/** A small account domain for the tests: records, sealed families, exact money. */
final class TestAccounts {
    private TestAccounts() {
    }

    sealed interface Event permits Opened, Deposited, Withdrawn, Closed {
    }

    record Opened(String owner, Instant at) implements Event {
    }

    record Deposited(BigDecimal amount, String memo) implements Event {
    }

    record Withdrawn(BigDecimal amount) implements Event {
    }

    record Closed() implements Event {
    }

    sealed interface Command permits Open, Deposit, Withdraw, Close {
    }

    record Open(String owner, Instant at) implements Command {
    }

    record Deposit(BigDecimal amount) implements Command {
    }

    record Withdraw(BigDecimal amount) implements Command {
    }

    record Close() implements Command {
    }

    record Account(boolean open, boolean closed, String owner, BigDecimal balance, long changes) {
        static final Account NONE = new Account(false, false, "", BigDecimal.ZERO, 0);
    }

    static final Decider<Command, Account, Event> DECIDER = new Decider<>() {
        @Override
        public Account initialState() {
            return Account.NONE;
        }

        @Override
        public Decision<Event> decide(Command command, Account state) {
            if (command instanceof Open open) {
                return state.open() || state.closed() ? Decision.reject("account already exists")
                        : Decision.accept(new Opened(open.owner(), open.at()));
            }
            if (!state.open()) {
                return Decision.reject(state.closed() ? "account is closed" : "account is not open");
            }
            if (command instanceof Deposit deposit) {
                return Decision.accept(new Deposited(deposit.amount(), ""));
            }
            if (command instanceof Withdraw withdraw) {
                return state.balance().compareTo(withdraw.amount()) < 0
                        ? Decision.reject("insufficient funds: balance " + state.balance() + ", asked " + withdraw.amount())
                        : Decision.accept(new Withdrawn(withdraw.amount()));
            }
            return state.balance().signum() != 0 ? Decision.reject("balance must be zero to close")
                    : Decision.accept(new Closed());
        }

        @Override
        public Account evolve(Account state, Event event) {
            long n = state.changes() + 1;
            if (event instanceof Opened o) {
                return new Account(true, false, o.owner(), BigDecimal.ZERO, n);
            }
            if (event instanceof Deposited d) {
                return new Account(true, false, state.owner(), state.balance().add(d.amount()), n);
            }
            if (event instanceof Withdrawn w) {
                return new Account(true, false, state.owner(), state.balance().subtract(w.amount()), n);
            }
            return new Account(false, true, state.owner(), state.balance(), n);
        }
    };

    /** Deposited is at schema version 2: version 1 had no memo. */
    static EventCodec<Event> codec() {
        return EventCodec.builder(Event.class)
                .register(Opened.class, "AccountOpened")
                .register(Deposited.class, "MoneyDeposited", 2)
                .register(Withdrawn.class, "MoneyWithdrawn")
                .register(Closed.class, "AccountClosed")
                .upcaster(Upcaster.of("MoneyDeposited", 1, json -> json.put("memo", "")))
                .build();
    }
}
