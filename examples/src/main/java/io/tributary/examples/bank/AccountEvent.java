package io.tributary.examples.bank;

import java.math.BigDecimal;

/** What happened to a bank account: the source of truth. Amounts are exact decimals. */
public sealed interface AccountEvent {

    /**
     * The account was opened.
     *
     * @param accountId the account's id
     * @param owner     its owner
     */
    record AccountOpened(String accountId, String owner) implements AccountEvent {
    }

    /**
     * Money was paid in.
     *
     * @param amount a positive amount
     */
    record MoneyDeposited(BigDecimal amount) implements AccountEvent {
    }

    /**
     * Money was taken out.
     *
     * @param amount a positive amount
     */
    record MoneyWithdrawn(BigDecimal amount) implements AccountEvent {
    }

    /**
     * Money left for another account, in the same atomic append as its {@link TransferReceived}.
     *
     * @param transferId the transfer
     * @param toAccount  the receiving account's id
     * @param amount     a positive amount
     */
    record TransferSent(String transferId, String toAccount, BigDecimal amount) implements AccountEvent {
    }

    /**
     * Money arrived from another account.
     *
     * @param transferId  the transfer
     * @param fromAccount the sending account's id
     * @param amount      a positive amount
     */
    record TransferReceived(String transferId, String fromAccount, BigDecimal amount) implements AccountEvent {
    }

    /** The account was closed; no more money moves. */
    record AccountClosed() implements AccountEvent {
    }
}
