package io.tributary.benchmarks.nexmark;

/**
 * A bid on an auction (NEXMark's {@code Bid}).
 *
 * @param auction  the auction's id
 * @param bidder   the bidding person's id
 * @param price    the price, in cents
 * @param dateTime when the bid was made, epoch milliseconds
 * @param extra    padding up to the average bid size
 */
public record Bid(long auction, long bidder, long price, long dateTime, String extra) implements NexmarkEvent {
}
