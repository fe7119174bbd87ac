package io.tributary.examples.bank;

import java.math.BigDecimal;

/** What a client asks of a bank account. */
public sealed interface AccountCommand {

    /**
     * Open the account.
     *
     * @param accountId the account's id
     * @param owner     its owner
     */
    record OpenAccount(String accountId, String owner) implements AccountCommand {
    }

    /**
     * Pay money in.
     *
     * @param amount the amount
     */
    record Deposit(BigDecimal amount) implements AccountCommand {
    }

    /**
     * Take money out; refused when the balance does not cover it (no overdraft).
     *
     * @param amount the amount
     */
    record Withdraw(BigDecimal amount) implements AccountCommand {
    }

    /**
     * The sending half of a transfer.
     *
     * @param transferId the transfer
     * @param toAccount  the receiving account
     * @param amount     the amount
     */
    record SendTransfer(String transferId, String toAccount, BigDecimal amount) implements AccountCommand {
    }

    /**
     * The receiving half of a transfer.
     *
     * @param transferId  the transfer
     * @param fromAccount the sending account
     * @param amount      the amount
     */
    record ReceiveTransfer(String transferId, String fromAccount, BigDecimal amount) implements AccountCommand {
    }

    /** Close the account; only with a zero balance. */
    record CloseAccount() implements AccountCommand {
    }
}
