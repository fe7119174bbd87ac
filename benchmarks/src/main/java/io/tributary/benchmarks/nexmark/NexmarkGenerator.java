package io.tributary.benchmarks.nexmark;

import java.util.SplittableRandom;

/**
 * The NEXMark event generator, after the Beam suite's: of every 50 events 1 is a person, 3 are
 * auctions and 46 are bids; ids grow with the event number; auctions and bids refer to recent
 * people and auctions, mostly hot ones, sometimes slightly ahead (id leads of 10), as in a real
 * auction site. Event {@code n} is a pure function of the configuration and {@code n} (each event
 * has its own random source seeded from the seed and {@code n}), so any engine can generate any
 * slice of the events, in any order, and get the same ones. Event times never go backwards.
 */
public final class NexmarkGenerator {
    static final int PERSON_PROPORTION = 1;
    static final int AUCTION_PROPORTION = 3;
    static final int BID_PROPORTION = 46;
    static final int TOTAL_PROPORTION = PERSON_PROPORTION + AUCTION_PROPORTION + BID_PROPORTION;

    static final long FIRST_PERSON_ID = 1000;
    static final long FIRST_AUCTION_ID = 1000;
    static final long FIRST_CATEGORY_ID = 10;
    static final int NUM_CATEGORIES = 5;
    private static final int PERSON_ID_LEAD = 10;
    private static final int AUCTION_ID_LEAD = 10;
    private static final int HOT_AUCTION_RATIO = 100;
    private static final int HOT_SELLER_RATIO = 100;
    private static final int HOT_BIDDER_RATIO = 100;
    private static final int AVG_PERSON_BYTES = 200;
    private static final int AVG_AUCTION_BYTES = 500;
    private static final int AVG_BID_BYTES = 100;

    private static final String[] FIRST_NAMES = {"Peter", "Paul", "Luke", "John", "Saul", "Vicky", "Kate", "Julie", "Sarah",
        "Deiter", "Walter"};
    private static final String[] LAST_NAMES = {"Shultz", "Abrams", "Spencer", "White", "Bartels", "Walton", "Smith", "Jones",
        "Noris"};
    private static final String[] US_CITIES = {"Phoenix", "Los Angeles", "San Francisco", "Boise", "Portland", "Bend",
        "Redmond", "Seattle", "Kent", "Cheyenne"};
    private static final String[] US_STATES = {"AZ", "CA", "ID", "OR", "WA", "WY"};

    private final NexmarkConfig config;
    private final long maxAuctionLengthMs;

    /** A generator of the events of {@code config}. */
    public NexmarkGenerator(NexmarkConfig config) {
        this.config = config;
        this.maxAuctionLengthMs = config.maxAuctionLengthMs();
    }

    /** The configuration. */
    public NexmarkConfig config() {
        return config;
    }

    /** Event number {@code n} (from 0). */
    public NexmarkEvent event(long n) {
        SplittableRandom random = new SplittableRandom(config.seed() * 0x9E3779B97F4A7C15L + n);
        long ts = config.timestampMs(n);
        long rem = n % TOTAL_PROPORTION;
        if (rem < PERSON_PROPORTION) {
            return person(n, random, ts);
        } else if (rem < PERSON_PROPORTION + AUCTION_PROPORTION) {
            return auction(n, random, ts);
        }
        return bid(n, random, ts);
    }

    private Person person(long n, SplittableRandom r, long ts) {
        long id = lastBase0PersonId(n) + FIRST_PERSON_ID;
        String name = FIRST_NAMES[r.nextInt(FIRST_NAMES.length)] + " " + LAST_NAMES[r.nextInt(LAST_NAMES.length)];
        String email = letters(r, 7) + "@" + letters(r, 5) + ".com";
        String card = digits(r, 4) + " " + digits(r, 4) + " " + digits(r, 4) + " " + digits(r, 4);
        String city = US_CITIES[r.nextInt(US_CITIES.length)];
        String state = US_STATES[r.nextInt(US_STATES.length)];
        int size = 8 + name.length() + email.length() + card.length() + city.length() + state.length() + 8;
        return new Person(id, name, email, card, city, state, ts, extra(r, size, AVG_PERSON_BYTES));
    }

    private Auction auction(long n, SplittableRandom r, long ts) {
        long id = lastBase0AuctionId(n) + FIRST_AUCTION_ID;
        long seller;
        if (r.nextInt(config.hotSellersRatio()) > 0) {
            seller = (lastBase0PersonId(n) / HOT_SELLER_RATIO) * HOT_SELLER_RATIO;
        } else {
            seller = nextBase0PersonId(n, r);
        }
        seller += FIRST_PERSON_ID;
        long category = FIRST_CATEGORY_ID + r.nextInt(NUM_CATEGORIES);
        long initialBid = price(r);
        long expires = ts + 1 + r.nextLong(maxAuctionLengthMs);
        String itemName = letters(r, 20);
        String description = letters(r, 100);
        long reserve = initialBid + price(r);
        int size = 8 + itemName.length() + description.length() + 8 + 8 + 8 + 8 + 8;
        return new Auction(id, itemName, description, initialBid, reserve, ts, expires, seller, category,
                extra(r, size, AVG_AUCTION_BYTES));
    }

    private Bid bid(long n, SplittableRandom r, long ts) {
        long auction;
        if (r.nextInt(config.hotAuctionRatio()) > 0) {
            auction = (lastBase0AuctionId(n) / HOT_AUCTION_RATIO) * HOT_AUCTION_RATIO;
        } else {
            auction = nextBase0AuctionId(n, r);
        }
        auction += FIRST_AUCTION_ID;
        long bidder;
        if (r.nextInt(config.hotBiddersRatio()) > 0) {
            // the second person of the batch, so hot bidders and hot sellers differ
            bidder = (lastBase0PersonId(n) / HOT_BIDDER_RATIO) * HOT_BIDDER_RATIO + 1;
        } else {
            bidder = nextBase0PersonId(n, r);
        }
        bidder += FIRST_PERSON_ID;
        long price = price(r);
        return new Bid(auction, bidder, price, ts, extra(r, 32, AVG_BID_BYTES));
    }

    /** The base-0 id of the last person created by event {@code n}. */
    static long lastBase0PersonId(long n) {
        long epoch = n / TOTAL_PROPORTION;
        long offset = n % TOTAL_PROPORTION;
        if (offset >= PERSON_PROPORTION) {
            offset = PERSON_PROPORTION - 1;
        }
        return epoch * PERSON_PROPORTION + offset;
    }

    /** The base-0 id of the last auction created by event {@code n} (-1 if none yet). */
    static long lastBase0AuctionId(long n) {
        long epoch = n / TOTAL_PROPORTION;
        long offset = n % TOTAL_PROPORTION;
        if (offset < PERSON_PROPORTION) {
            epoch--;
            offset = AUCTION_PROPORTION - 1;
        } else if (offset >= PERSON_PROPORTION + AUCTION_PROPORTION) {
            offset = AUCTION_PROPORTION - 1;
        } else {
            offset -= PERSON_PROPORTION;
        }
        return epoch * AUCTION_PROPORTION + offset;
    }

    /** A recent person, possibly up to {@code PERSON_ID_LEAD} ahead of the last one created. */
    private long nextBase0PersonId(long n, SplittableRandom r) {
        long numPeople = lastBase0PersonId(n) + 1;
        long active = Math.min(numPeople, config.numActivePeople());
        return numPeople - active + r.nextLong(active + PERSON_ID_LEAD);
    }

    /** A recent auction, possibly up to {@code AUCTION_ID_LEAD} ahead of the last one created. */
    private long nextBase0AuctionId(long n, SplittableRandom r) {
        long max = lastBase0AuctionId(n);
        long min = Math.max(max - config.numInFlightAuctions(), 0);
        return min + r.nextLong(max - min + 1 + AUCTION_ID_LEAD);
    }

    /** A price in cents, log-uniform between 1 and 1,000,000 dollars. */
    private static long price(SplittableRandom r) {
        return Math.round(Math.pow(10.0, r.nextDouble() * 6.0) * 100.0);
    }

    private static String extra(SplittableRandom r, int currentSize, int averageSize) {
        if (currentSize >= averageSize) {
            return "";
        }
        int desired = averageSize - currentSize;
        int delta = (int) Math.round(desired * 0.2);
        int size = desired - delta + (delta == 0 ? 0 : r.nextInt(2 * delta));
        return letters(r, size);
    }

    private static String letters(SplittableRandom r, int length) {
        byte[] b = new byte[length];
        long bits = 0;
        for (int i = 0; i < length; i++) {
            if (i % 12 == 0) {
                bits = r.nextLong(); // 12 letters of 5 bits from each random long
            }
            b[i] = (byte) ('a' + (int) ((bits & 31) % 26));
            bits >>>= 5;
        }
        return new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    private static String digits(SplittableRandom r, int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) ('0' + r.nextInt(10));
        }
        return new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
