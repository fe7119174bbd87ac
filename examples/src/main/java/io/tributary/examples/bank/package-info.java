/**
 * The seed's bank account, event-sourced: {@link io.tributary.examples.bank.BankAccount} is the
 * decider, {@link io.tributary.examples.bank.BankExample} runs the story on the embedded store
 * ({@code ./tributary bank}).
 */
package io.tributary.examples.bank;
