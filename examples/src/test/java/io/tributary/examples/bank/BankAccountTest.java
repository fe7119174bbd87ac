package io.tributary.examples.bank;

import io.tributary.examples.bank.AccountCommand.CloseAccount;
import io.tributary.examples.bank.AccountCommand.Deposit;
import io.tributary.examples.bank.AccountCommand.OpenAccount;
import io.tributary.examples.bank.AccountCommand.SendTransfer;
import io.tributary.examples.bank.AccountCommand.Withdraw;
import io.tributary.examples.bank.AccountEvent.AccountClosed;
import io.tributary.examples.bank.AccountEvent.AccountOpened;
import io.tributary.examples.bank.AccountEvent.MoneyDeposited;
import io.tributary.examples.bank.AccountEvent.MoneyWithdrawn;
import io.tributary.examples.bank.AccountEvent.TransferSent;
import io.tributary.testkit.DeciderFixture;
import java.math.BigDecimal;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The bank account's rules, given / when / then, with every event round-tripped through the codec. */
class BankAccountTest {
    private static final AccountOpened OPENED = new AccountOpened("a1", "Ada");
    private final DeciderFixture<AccountCommand, Account, AccountEvent> account =
            DeciderFixture.of(new BankAccount()).withCodec(BankAccount.codec());

    private static BigDecimal money(String value) {
        return new BigDecimal(value);
    }

    @Nested
    class Opening {
        @Test
        void opensANewAccount() {
            account.given().when(new OpenAccount("a1", "Ada")).thenEvents(OPENED)
                    .thenState(new Account("a1", "Ada", BigDecimal.ZERO, Account.Status.OPEN));
        }

        @Test
        void refusesToOpenTwice() {
            account.given(OPENED).when(new OpenAccount("a1", "Ada")).thenRejected("account a1 already exists");
        }

        @Test
        void refusesMoneyBeforeOpening() {
            account.given().when(new Deposit(money("1"))).thenRejected("the account has not been opened");
        }
    }

    @Nested
    class MovingMoney {
        @Test
        void depositsExactAmounts() {
            account.given(OPENED, new MoneyDeposited(money("0.10")), new MoneyDeposited(money("0.20")))
                    .when(new Withdraw(money("0.30")))
                    .thenEvents(new MoneyWithdrawn(money("0.30")))
                    .thenState(new Account("a1", "Ada", money("0.00"), Account.Status.OPEN));
        }

        @Test
        void refusesAnOverdraftWithAReason() {
            account.given(OPENED, new MoneyDeposited(money("10.00")))
                    .when(new Withdraw(money("25.00")))
                    .thenRejected("insufficient funds: balance 10.00, requested 25.00 (no overdraft)");
        }

        @Test
        void refusesNonPositiveAndFractionalCentAmounts() {
            account.given(OPENED).when(new Deposit(money("-5"))).thenRejected("amount must be positive, got -5");
            account.given(OPENED).when(new Deposit(money("0.001"))).thenRejected("amount must be whole cents, got 0.001");
        }

        @Test
        void sendsATransferOnlyWhenCovered() {
            account.given(OPENED, new MoneyDeposited(money("50")))
                    .when(new SendTransfer("t1", "b2", money("50")))
                    .thenEvents(new TransferSent("t1", "b2", money("50")));
            account.given(OPENED, new MoneyDeposited(money("50")))
                    .when(new SendTransfer("t1", "b2", money("50.01")))
                    .thenRejectedSatisfying(reason -> org.assertj.core.api.Assertions.assertThat(reason).startsWith("insufficient funds"));
        }
    }

    @Nested
    class Closing {
        @Test
        void closesAnEmptyAccount() {
            account.given(OPENED, new MoneyDeposited(money("5")), new MoneyWithdrawn(money("5")))
                    .when(new CloseAccount()).thenEvents(new AccountClosed());
        }

        @Test
        void refusesToCloseWithMoneyLeft() {
            account.given(OPENED, new MoneyDeposited(money("5")))
                    .when(new CloseAccount()).thenRejected("balance is 5; withdraw or transfer it before closing");
        }

        @Test
        void refusesMoneyOnAClosedAccount() {
            account.given(OPENED, new AccountClosed()).when(new Deposit(money("1"))).thenRejected("account a1 is closed");
        }
    }
}
