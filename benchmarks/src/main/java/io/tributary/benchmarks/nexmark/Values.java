package io.tributary.benchmarks.nexmark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The intermediate values and result rows of the queries, shared by the three engines so that
 * they compute with the same code and print the same canonical rows ({@code row()}). Values are
 * immutable records (Flink serializes them as POJOs, Kafka Streams through {@link ValueSerdes}),
 * except {@link TopBids}, which an aggregation updates in place.
 */
public final class Values {
    /** No aggregate yet. */
    static final long NONE = -1;

    private Values() {
    }

    /** Q2's row. @param auction the auction @param price its bid price */
    public record AuctionPrice(long auction, long price) {
        String row() {
            return auction + " " + price;
        }
    }

    /** Q3's row. @param name seller name @param city city @param state state @param auction auction id */
    public record Q3Row(String name, String city, String state, long auction) {
        String row() {
            return name + "|" + city + "|" + state + "|" + auction;
        }
    }

    /**
     * A bid joined with its auction (Q4, Q6).
     *
     * @param auction  the auction id
     * @param category its category
     * @param seller   its seller
     * @param expires  when it closes
     * @param price    the bid's price
     * @param bidTime  the bid's time
     */
    public record AuctionBid(long auction, long category, long seller, long expires, long price, long bidTime) {
    }

    /**
     * The highest bid of an auction so far, with the previous highest ({@link #NONE} for the
     * first), so the next aggregation can retract the old value (Q4, Q6).
     *
     * @param auction  the auction id
     * @param category its category
     * @param seller   its seller
     * @param expires  when it closes
     * @param previous the previous maximum, {@link #NONE} if this is the first bid
     * @param max      the maximum price
     */
    public record AuctionMax(long auction, long category, long seller, long expires, long previous, long max) {
        /** The aggregate before any bid. */
        public static final AuctionMax EMPTY = new AuctionMax(NONE, NONE, NONE, NONE, NONE, NONE);

        AuctionMax add(AuctionBid b) {
            return new AuctionMax(b.auction(), b.category(), b.seller(), b.expires(), max, Math.max(max, b.price()));
        }
    }

    /**
     * Q4's aggregate: the sum and number of the auctions' highest bids in a category.
     *
     * @param sum   sum of the maxima
     * @param count number of auctions
     */
    public record CategoryAvg(long sum, long count) {
        /** No auction yet. */
        public static final CategoryAvg EMPTY = new CategoryAvg(0, 0);

        CategoryAvg apply(AuctionMax m) {
            return m.previous() == NONE ? new CategoryAvg(sum + m.max(), count + 1) : new CategoryAvg(sum + m.max() - m.previous(), count);
        }

        String row(long category) {
            return category + " " + (sum / count) + " " + count;
        }
    }

    /**
     * Q6's aggregate: the highest bids of a seller's last (by expiry, then id) ten auctions.
     * Order-independent: the final value does not depend on the order updates arrive in.
     *
     * @param expires  expiry times, ascending with {@code ids}
     * @param ids      auction ids
     * @param prices   their highest bids
     */
    public record LastTen(long[] expires, long[] ids, long[] prices) {
        /** No auction yet. */
        public static final LastTen EMPTY = new LastTen(new long[0], new long[0], new long[0]);
        static final int SIZE = 10;

        LastTen apply(AuctionMax m) {
            int n = ids.length;
            for (int i = 0; i < n; i++) {
                if (ids[i] == m.auction()) {
                    long[] p = prices.clone();
                    p[i] = m.max();
                    return new LastTen(expires, ids, p);
                }
            }
            // insertion point by (expires, id)
            int at = 0;
            while (at < n && (expires[at] < m.expires() || (expires[at] == m.expires() && ids[at] < m.auction()))) {
                at++;
            }
            if (n == SIZE && at == 0) {
                return this; // older than the ten kept: never among the last ten
            }
            long[] e = new long[n + 1];
            long[] id = new long[n + 1];
            long[] p = new long[n + 1];
            System.arraycopy(expires, 0, e, 0, at);
            System.arraycopy(ids, 0, id, 0, at);
            System.arraycopy(prices, 0, p, 0, at);
            e[at] = m.expires();
            id[at] = m.auction();
            p[at] = m.max();
            System.arraycopy(expires, at, e, at + 1, n - at);
            System.arraycopy(ids, at, id, at + 1, n - at);
            System.arraycopy(prices, at, p, at + 1, n - at);
            if (n + 1 > SIZE) {
                return new LastTen(Arrays.copyOfRange(e, 1, n + 1), Arrays.copyOfRange(id, 1, n + 1), Arrays.copyOfRange(p, 1, n + 1));
            }
            return new LastTen(e, id, p);
        }

        String row(long seller) {
            long sum = 0;
            for (long p : prices) {
                sum += p;
            }
            return seller + " " + (sum / prices.length) + " " + prices.length;
        }
    }

    /**
     * Q5's stage-one result: the bids of an auction in a hopping window.
     *
     * @param windowStart the window's start
     * @param auction     the auction id
     * @param count       its bids in the window
     */
    public record AuctionCount(long windowStart, long auction, long count) {
    }

    /**
     * Q5's aggregate per window: the highest bid count and the auctions that have it.
     *
     * @param max      the highest count
     * @param auctions the auctions with that count, ascending
     */
    public record HotItems(long max, long[] auctions) {
        /** No auction yet. */
        public static final HotItems EMPTY = new HotItems(0, new long[0]);

        HotItems add(AuctionCount c) {
            if (c.count() > max) {
                return new HotItems(c.count(), new long[] {c.auction()});
            } else if (c.count() == max) {
                long[] a = Arrays.copyOf(auctions, auctions.length + 1);
                a[auctions.length] = c.auction();
                Arrays.sort(a);
                return new HotItems(max, a);
            }
            return this;
        }

        void rows(long windowStart, List<String> out) {
            for (long a : auctions) {
                out.add(windowStart + " " + a + " " + max);
            }
        }
    }

    /**
     * Q7's aggregate per window: the highest price and the bids with it. Updated in place.
     */
    public static final class TopBids {
        long max = NONE;
        final List<Bid> bids = new ArrayList<>();

        /** An empty aggregate. */
        public TopBids() {
        }

        TopBids add(Bid b) {
            if (b.price() > max) {
                max = b.price();
                bids.clear();
                bids.add(b);
            } else if (b.price() == max) {
                bids.add(b);
            }
            return this;
        }

        List<Q7Row> rows(long windowStart) {
            List<Q7Row> rows = new ArrayList<>(bids.size());
            for (Bid b : bids) {
                rows.add(new Q7Row(windowStart, b.auction(), b.price(), b.bidder(), b.dateTime()));
            }
            return rows;
        }
    }

    /** Q7's row. @param windowStart window @param auction auction @param price price @param bidder bidder @param dateTime bid time */
    public record Q7Row(long windowStart, long auction, long price, long bidder, long dateTime) {
        String row() {
            return windowStart + " " + auction + " " + price + " " + bidder + " " + dateTime;
        }
    }

    /**
     * Q8's input: a new person or a new auction's seller, keyed by person id.
     *
     * @param id     person id or seller
     * @param name   the person's name, empty for an auction
     * @param person whether it is a person
     */
    public record Q8Part(long id, String name, boolean person) {
    }

    /**
     * Q8's aggregate per person and window.
     *
     * @param name       the person's name if registered in the window, else empty
     * @param registered whether the person registered in the window
     * @param sold       whether they opened an auction in the window
     */
    public record NewUser(String name, boolean registered, boolean sold) {
        /** Nothing seen. */
        public static final NewUser EMPTY = new NewUser("", false, false);

        NewUser add(Q8Part p) {
            return p.person() ? new NewUser(p.name(), true, sold) : (sold ? this : new NewUser(name, registered, true));
        }

        boolean both() {
            return registered && sold;
        }
    }

    /** Q8's row. @param id person id @param name name @param windowStart window */
    public record Q8Row(long id, String name, long windowStart) {
        String row() {
            return id + "|" + name + "|" + windowStart;
        }
    }
}
