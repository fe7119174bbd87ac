package io.tributary.benchmarks.nexmark;

/** A NEXMark event: a new person, a new auction or a bid. A closed set. */
public sealed interface NexmarkEvent permits Person, Auction, Bid {
    /** The event time, in milliseconds since the epoch. */
    long dateTime();
}
