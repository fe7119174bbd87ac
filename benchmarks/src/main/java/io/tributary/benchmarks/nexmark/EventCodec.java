package io.tributary.benchmarks.nexmark;

import io.tributary.core.EventView;

/** Encodes NEXMark events to bytes and back: the input every engine reads. */
public final class EventCodec {
    private static final int PERSON = 1;
    private static final int AUCTION = 2;
    private static final int BID = 3;

    private EventCodec() {
    }

    /** The bytes of {@code event}. */
    public static byte[] encode(NexmarkEvent event) {
        if (event instanceof Bid b) {
            return new Wire.Out(48 + b.extra().length()).putByte(BID).putLong(b.auction()).putLong(b.bidder())
                    .putLong(b.price()).putLong(b.dateTime()).putString(b.extra()).toBytes();
        } else if (event instanceof Auction a) {
            return new Wire.Out(100 + a.itemName().length() + a.description().length() + a.extra().length())
                    .putByte(AUCTION).putLong(a.id()).putString(a.itemName()).putString(a.description())
                    .putLong(a.initialBid()).putLong(a.reserve()).putLong(a.dateTime()).putLong(a.expires())
                    .putLong(a.seller()).putLong(a.category()).putString(a.extra()).toBytes();
        } else if (event instanceof Person p) {
            return new Wire.Out(64 + p.name().length() + p.emailAddress().length() + p.creditCard().length()
                    + p.city().length() + p.extra().length())
                    .putByte(PERSON).putLong(p.id()).putString(p.name()).putString(p.emailAddress())
                    .putString(p.creditCard()).putString(p.city()).putString(p.state()).putLong(p.dateTime())
                    .putString(p.extra()).toBytes();
        }
        throw new IllegalArgumentException("not a NEXMark event: " + event);
    }

    /** The event in {@code bytes}. */
    public static NexmarkEvent decode(byte[] bytes) {
        return decode(new Wire.In(bytes));
    }

    /**
     * The event in {@code event}'s data, read in place (no copy of the bytes): the same event as
     * {@code decode(event.data())}. Tributary's sources decode the log's views with it.
     */
    public static NexmarkEvent decode(EventView event) {
        return decode(new Wire.ViewIn(event));
    }

    private static NexmarkEvent decode(Wire.Reader in) {
        int kind = in.getByte();
        switch (kind) {
            case BID:
                return new Bid(in.getLong(), in.getLong(), in.getLong(), in.getLong(), in.getString());
            case AUCTION:
                return new Auction(in.getLong(), in.getString(), in.getString(), in.getLong(), in.getLong(), in.getLong(),
                        in.getLong(), in.getLong(), in.getLong(), in.getString());
            case PERSON:
                return new Person(in.getLong(), in.getString(), in.getString(), in.getString(), in.getString(),
                        in.getString(), in.getLong(), in.getString());
            default:
                throw new IllegalArgumentException("unknown NEXMark event kind " + kind);
        }
    }

    /** The kind of event in {@code bytes}, without decoding it: {@code "Person"}, {@code "Auction"} or {@code "Bid"}. */
    public static String kind(byte[] bytes) {
        switch (bytes[0]) {
            case BID:
                return "Bid";
            case AUCTION:
                return "Auction";
            case PERSON:
                return "Person";
            default:
                throw new IllegalArgumentException("unknown NEXMark event kind " + bytes[0]);
        }
    }
}
