package io.tributary.examples.bank;

import io.tributary.eventsourcing.Decider;
import io.tributary.eventsourcing.Decision;
import io.tributary.eventsourcing.EventCodec;
import io.tributary.examples.bank.AccountCommand.CloseAccount;
import io.tributary.examples.bank.AccountCommand.Deposit;
import io.tributary.examples.bank.AccountCommand.OpenAccount;
import io.tributary.examples.bank.AccountCommand.ReceiveTransfer;
import io.tributary.examples.bank.AccountCommand.SendTransfer;
import io.tributary.examples.bank.AccountCommand.Withdraw;
import io.tributary.examples.bank.AccountEvent.AccountClosed;
import io.tributary.examples.bank.AccountEvent.AccountOpened;
import io.tributary.examples.bank.AccountEvent.MoneyDeposited;
import io.tributary.examples.bank.AccountEvent.MoneyWithdrawn;
import io.tributary.examples.bank.AccountEvent.TransferReceived;
import io.tributary.examples.bank.AccountEvent.TransferSent;
import java.math.BigDecimal;

/**
 * The bank account as a decider: the rules (no overdraft, positive amounts in cents, close only
 * at zero) and how each event changes the balance.
 */
public final class BankAccount implements Decider<AccountCommand, Account, AccountEvent> {

    /** The codec of account events: explicit type names, exact JSON money. */
    public static EventCodec<AccountEvent> codec() {
        return EventCodec.builder(AccountEvent.class)
                .register(AccountOpened.class, "AccountOpened")
                .register(MoneyDeposited.class, "MoneyDeposited")
                .register(MoneyWithdrawn.class, "MoneyWithdrawn")
                .register(TransferSent.class, "TransferSent")
                .register(TransferReceived.class, "TransferReceived")
                .register(AccountClosed.class, "AccountClosed")
                .build();
    }

    @Override
    public Account initialState() {
        return Account.NOT_OPENED;
    }

    @Override
    public Decision<AccountEvent> decide(AccountCommand command, Account state) {
        if (command instanceof OpenAccount open) {
            return state.status() == Account.Status.NOT_OPENED
                    ? Decision.accept(new AccountOpened(open.accountId(), open.owner()))
                    : Decision.reject("account " + state.accountId() + " already exists");
        }
        if (state.status() != Account.Status.OPEN) {
            return Decision.reject(state.status() == Account.Status.CLOSED
                    ? "account " + state.accountId() + " is closed" : "the account has not been opened");
        }
        if (command instanceof Deposit deposit) {
            String problem = amountProblem(deposit.amount());
            return problem != null ? Decision.reject(problem) : Decision.accept(new MoneyDeposited(deposit.amount()));
        }
        if (command instanceof Withdraw withdraw) {
            String problem = debitProblem(state, withdraw.amount());
            return problem != null ? Decision.reject(problem) : Decision.accept(new MoneyWithdrawn(withdraw.amount()));
        }
        if (command instanceof SendTransfer send) {
            String problem = debitProblem(state, send.amount());
            if (problem == null && send.toAccount().equals(state.accountId())) {
                problem = "cannot transfer to the same account";
            }
            return problem != null ? Decision.reject(problem)
                    : Decision.accept(new TransferSent(send.transferId(), send.toAccount(), send.amount()));
        }
        if (command instanceof ReceiveTransfer receive) {
            String problem = amountProblem(receive.amount());
            return problem != null ? Decision.reject(problem)
                    : Decision.accept(new TransferReceived(receive.transferId(), receive.fromAccount(), receive.amount()));
        }
        if (command instanceof CloseAccount) {
            return state.balance().signum() != 0
                    ? Decision.reject("balance is " + state.balance() + "; withdraw or transfer it before closing")
                    : Decision.accept(new AccountClosed());
        }
        throw new IllegalArgumentException("unknown command " + command);
    }

    private static String amountProblem(BigDecimal amount) {
        if (amount.signum() <= 0) {
            return "amount must be positive, got " + amount;
        }
        if (amount.stripTrailingZeros().scale() > 2) {
            return "amount must be whole cents, got " + amount;
        }
        return null;
    }

    private static String debitProblem(Account state, BigDecimal amount) {
        String problem = amountProblem(amount);
        if (problem == null && state.balance().compareTo(amount) < 0) {
            problem = "insufficient funds: balance " + state.balance() + ", requested " + amount + " (no overdraft)";
        }
        return problem;
    }

    @Override
    public Account evolve(Account state, AccountEvent event) {
        if (event instanceof AccountOpened opened) {
            return new Account(opened.accountId(), opened.owner(), BigDecimal.ZERO, Account.Status.OPEN);
        }
        if (event instanceof MoneyDeposited deposited) {
            return state.withBalance(state.balance().add(deposited.amount()));
        }
        if (event instanceof MoneyWithdrawn withdrawn) {
            return state.withBalance(state.balance().subtract(withdrawn.amount()));
        }
        if (event instanceof TransferSent sent) {
            return state.withBalance(state.balance().subtract(sent.amount()));
        }
        if (event instanceof TransferReceived received) {
            return state.withBalance(state.balance().add(received.amount()));
        }
        return new Account(state.accountId(), state.owner(), state.balance(), Account.Status.CLOSED);
    }
}
