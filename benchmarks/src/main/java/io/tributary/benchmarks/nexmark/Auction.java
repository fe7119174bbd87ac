package io.tributary.benchmarks.nexmark;

/**
 * An item put up for auction (NEXMark's {@code Auction}).
 *
 * @param id          the auction's id (from 1000)
 * @param itemName    a short name
 * @param description a longer text
 * @param initialBid  the starting price, in cents
 * @param reserve     the reserve price, in cents
 * @param dateTime    when the auction opens, epoch milliseconds
 * @param expires     when it closes, epoch milliseconds
 * @param seller      the selling person's id
 * @param category    the category id (10 to 14)
 * @param extra       padding up to the average auction size
 */
public record Auction(long id, String itemName, String description, long initialBid, long reserve, long dateTime,
                      long expires, long seller, long category, String extra) implements NexmarkEvent {
}
