package io.tributary.benchmarks.nexmark;

import java.io.Serializable;

/**
 * Parameters of the NEXMark generator, with the Beam suite's defaults: 1,000 active people, 100
 * auctions in flight, hot auctions / sellers / bidders ratios 2 / 4 / 4, average sizes 200 / 500 /
 * 100 bytes, and one event every 100 µs of event time (10,000 events/s).
 *
 * @param events             how many events to generate
 * @param seed               mixed into every event's random source: same seed, same events
 * @param baseTimeMs         the event time of event 0, epoch milliseconds
 * @param interEventDelayUs  event time between consecutive events, microseconds
 * @param numActivePeople    people that new auctions and bids pick from
 * @param numInFlightAuctions auctions that new bids pick from
 * @param hotAuctionRatio    1 in this many bids goes to a random auction, the others to a hot one
 * @param hotSellersRatio    1 in this many auctions has a random seller, the others a hot one
 * @param hotBiddersRatio    1 in this many bids has a random bidder, the others a hot one
 */
public record NexmarkConfig(long events, long seed, long baseTimeMs, long interEventDelayUs, int numActivePeople,
                            int numInFlightAuctions, int hotAuctionRatio, int hotSellersRatio, int hotBiddersRatio)
        implements Serializable {
    private static final long serialVersionUID = 1L;
    /** 2015-07-15T00:00:00Z, the base time the Beam suite's tests use. */
    public static final long DEFAULT_BASE_TIME_MS = 1_436_918_400_000L;

    /** Validates. */
    public NexmarkConfig {
        if (events < 0 || interEventDelayUs <= 0 || numActivePeople <= 0 || numInFlightAuctions <= 0
                || hotAuctionRatio <= 0 || hotSellersRatio <= 0 || hotBiddersRatio <= 0) {
            throw new IllegalArgumentException("NEXMark parameters must be positive (events may be 0)");
        }
    }

    /** The Beam defaults for {@code events} events and {@code seed}. */
    public static NexmarkConfig defaults(long events, long seed) {
        return new NexmarkConfig(events, seed, DEFAULT_BASE_TIME_MS, 100, 1000, 100, 2, 4, 4);
    }

    /** The longest auction, in milliseconds: auctions last 1 to twice the time it takes to open {@code numInFlightAuctions} auctions. */
    public long maxAuctionLengthMs() {
        long eventsForAuctions = (long) numInFlightAuctions * NexmarkGenerator.TOTAL_PROPORTION / NexmarkGenerator.AUCTION_PROPORTION;
        long horizonMs = eventsForAuctions * interEventDelayUs / 1000;
        return Math.max(horizonMs * 2, 1);
    }

    /** The event time of event {@code n}. */
    public long timestampMs(long n) {
        return baseTimeMs + n * interEventDelayUs / 1000;
    }
}
