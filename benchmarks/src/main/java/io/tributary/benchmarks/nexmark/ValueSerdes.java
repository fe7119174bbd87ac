package io.tributary.benchmarks.nexmark;

import io.tributary.benchmarks.nexmark.Values.AuctionBid;
import io.tributary.benchmarks.nexmark.Values.AuctionCount;
import io.tributary.benchmarks.nexmark.Values.AuctionMax;
import io.tributary.benchmarks.nexmark.Values.CategoryAvg;
import io.tributary.benchmarks.nexmark.Values.HotItems;
import io.tributary.benchmarks.nexmark.Values.LastTen;
import io.tributary.benchmarks.nexmark.Values.NewUser;
import io.tributary.benchmarks.nexmark.Values.Q8Part;
import io.tributary.benchmarks.nexmark.Values.TopBids;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Kafka Streams serdes for the events and the queries' intermediate values: Kafka Streams keeps
 * state and repartitions as bytes, so it needs one for every value it stores or re-keys. Compact
 * binary ({@link Wire}), no reflection.
 */
final class ValueSerdes {
    static final Serde<Bid> BID = event(Bid.class);
    static final Serde<Auction> AUCTION = event(Auction.class);
    static final Serde<Person> PERSON = event(Person.class);
    static final Serde<AuctionBid> AUCTION_BID = of(32 + 16, (v, o) -> o.putLong(v.auction()).putLong(v.category())
            .putLong(v.seller()).putLong(v.expires()).putLong(v.price()).putLong(v.bidTime()),
            i -> new AuctionBid(i.getLong(), i.getLong(), i.getLong(), i.getLong(), i.getLong(), i.getLong()));
    static final Serde<AuctionMax> AUCTION_MAX = of(48, (v, o) -> o.putLong(v.auction()).putLong(v.category())
            .putLong(v.seller()).putLong(v.expires()).putLong(v.previous()).putLong(v.max()),
            i -> new AuctionMax(i.getLong(), i.getLong(), i.getLong(), i.getLong(), i.getLong(), i.getLong()));
    static final Serde<CategoryAvg> CATEGORY_AVG = of(16, (v, o) -> o.putLong(v.sum()).putLong(v.count()),
            i -> new CategoryAvg(i.getLong(), i.getLong()));
    static final Serde<LastTen> LAST_TEN = of(8 + 24 * LastTen.SIZE, (v, o) -> {
        o.putInt(v.ids().length);
        for (int k = 0; k < v.ids().length; k++) {
            o.putLong(v.expires()[k]).putLong(v.ids()[k]).putLong(v.prices()[k]);
        }
    }, i -> {
        int n = i.getInt();
        long[] e = new long[n];
        long[] id = new long[n];
        long[] p = new long[n];
        for (int k = 0; k < n; k++) {
            e[k] = i.getLong();
            id[k] = i.getLong();
            p[k] = i.getLong();
        }
        return new LastTen(e, id, p);
    });
    static final Serde<AuctionCount> AUCTION_COUNT = of(24, (v, o) -> o.putLong(v.windowStart()).putLong(v.auction()).putLong(v.count()),
            i -> new AuctionCount(i.getLong(), i.getLong(), i.getLong()));
    static final Serde<HotItems> HOT_ITEMS = of(32, (v, o) -> {
        o.putLong(v.max()).putInt(v.auctions().length);
        for (long a : v.auctions()) {
            o.putLong(a);
        }
    }, i -> {
        long max = i.getLong();
        long[] a = new long[i.getInt()];
        for (int k = 0; k < a.length; k++) {
            a[k] = i.getLong();
        }
        return new HotItems(max, a);
    });
    static final Serde<TopBids> TOP_BIDS = of(256, (v, o) -> {
        o.putLong(v.max).putInt(v.bids.size());
        for (Bid b : v.bids) {
            o.putLong(b.auction()).putLong(b.bidder()).putLong(b.price()).putLong(b.dateTime()).putString(b.extra());
        }
    }, i -> {
        TopBids t = new TopBids();
        t.max = i.getLong();
        int n = i.getInt();
        for (int k = 0; k < n; k++) {
            t.bids.add(new Bid(i.getLong(), i.getLong(), i.getLong(), i.getLong(), i.getString()));
        }
        return t;
    });
    static final Serde<Q8Part> Q8_PART = of(32, (v, o) -> o.putLong(v.id()).putString(v.name()).putByte(v.person() ? 1 : 0),
            i -> new Q8Part(i.getLong(), i.getString(), i.getByte() == 1));
    static final Serde<NewUser> NEW_USER = of(32, (v, o) -> o.putString(v.name()).putByte(v.registered() ? 1 : 0).putByte(v.sold() ? 1 : 0),
            i -> new NewUser(i.getString(), i.getByte() == 1, i.getByte() == 1));

    private ValueSerdes() {
    }

    private static <T extends NexmarkEvent> Serde<T> event(Class<T> kind) {
        return Serdes.serdeFrom((topic, v) -> v == null ? null : EventCodec.encode(v),
                (topic, bytes) -> bytes == null ? null : kind.cast(EventCodec.decode(bytes)));
    }

    private static <T> Serde<T> of(int capacity, BiConsumer<T, Wire.Out> write, Function<Wire.In, T> read) {
        return Serdes.serdeFrom((topic, v) -> {
            if (v == null) {
                return null;
            }
            Wire.Out out = new Wire.Out(capacity);
            write.accept(v, out);
            return out.toBytes();
        }, (topic, bytes) -> bytes == null ? null : read.apply(new Wire.In(bytes)));
    }
}
