package io.tributary.examples.bank;

import java.math.BigDecimal;

/**
 * The state of a bank account, computed by replaying its events.
 *
 * @param accountId the account's id (empty before it is opened)
 * @param owner     its owner (empty before it is opened)
 * @param balance   the exact balance
 * @param status    where the account is in its life
 */
public record Account(String accountId, String owner, BigDecimal balance, Status status) {

    /** Where an account is in its life. */
    public enum Status {
        /** No event yet. */
        NOT_OPENED,
        /** Money can move. */
        OPEN,
        /** Closed for good. */
        CLOSED
    }

    /** The state before any event. */
    public static final Account NOT_OPENED = new Account("", "", BigDecimal.ZERO, Status.NOT_OPENED);

    /** A copy with another balance. */
    public Account withBalance(BigDecimal newBalance) {
        return new Account(accountId, owner, newBalance, status);
    }
}
