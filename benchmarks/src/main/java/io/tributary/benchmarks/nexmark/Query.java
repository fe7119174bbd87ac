package io.tributary.benchmarks.nexmark;

import java.time.Duration;
import java.util.Locale;

/**
 * The NEXMark queries implemented on every engine, as the Beam and Flink NEXMark suites define
 * them (the deviations are noted per query and in BENCHMARKS.md).
 */
public enum Query {
    /** Pass-through: every bid. */
    Q0("pass-through", false),
    /** Currency conversion: every bid with its price in euros ({@code price * 89 / 100}, Beam's integer form). */
    Q1("currency conversion", false),
    /** Selection: auction and price of the bids on every 123rd auction. */
    Q2("selection", false),
    /** Local item suggestion: sellers in OR, ID or CA of auctions in category 10 (person ⋈ auction, unbounded). */
    Q3("local item suggestion", false),
    /** Average price per category of the auctions' winning bids (highest bid within the auction's lifetime). */
    Q4("average price per category", true),
    /** Hot items: per 10 s window sliding by 2 s, the auctions with the most bids. */
    Q5("hot items", true),
    /** Average selling price by seller, over their last ten auctions. */
    Q6("average selling price by seller", true),
    /** Highest bid per 10 s tumbling window. */
    Q7("highest bid", false),
    /** Monitor new users: people who registered and opened an auction in the same 10 s tumbling window. */
    Q8("monitor new users", false);

    /** Q5's window size. */
    static final Duration HOP_SIZE = Duration.ofSeconds(10);
    /** Q5's window advance. */
    static final Duration HOP_ADVANCE = Duration.ofSeconds(2);
    /** Q7's and Q8's tumbling window. */
    static final Duration TUMBLE = Duration.ofSeconds(10);
    /** Q2's selection: auctions whose id is a multiple of this. */
    static final long AUCTION_SKIP = 123;
    /** Q3's category. */
    static final long Q3_CATEGORY = 10;
    /**
     * How far behind the newest event time the watermark trails, on every engine. The generator's
     * events are in time order, so it changes no result; it keeps an event whose time equals the
     * newest from being late in a join whose window ends at its own time.
     */
    static final Duration WATERMARK_DELAY = Duration.ofSeconds(1);
    /** Q3's join is unbounded; a stream–stream join window this long stands for "all time". */
    static final Duration FOREVER = Duration.ofDays(365L * 100);

    private final String title;
    private final boolean upsert;

    Query(String title, boolean upsert) {
        this.title = title;
        this.upsert = upsert;
    }

    /** What the query computes, in a few words. */
    public String title() {
        return title;
    }

    /**
     * Whether the query's result is a table (its final value per key is compared) rather than an
     * append-only stream of rows (every row is compared).
     */
    public boolean upsert() {
        return upsert;
    }

    /** The lower-case name, {@code q0}... */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The query named {@code name} ({@code q5} or {@code Q5}). */
    public static Query parse(String name) {
        return valueOf(name.trim().toUpperCase(Locale.ROOT));
    }

    /** Whether {@code person} qualifies for Q3. */
    static boolean q3Person(Person p) {
        String s = p.state();
        return s.equals("OR") || s.equals("ID") || s.equals("CA");
    }
}
