package io.tributary.benchmarks.nexmark;

/**
 * The generated events, encoded once before a measurement and kept in memory, so that every
 * engine is timed on reading the same bytes (as from a log in the page cache or a topic) and
 * processing them, not on generating them. Event {@code n}'s kind and event time are kept beside
 * its bytes so a driver can route it without decoding it.
 */
public final class EncodedEvents {
    /** The events of the current measurement: Flink's mini-cluster runs in the same JVM and reads them here. */
    static volatile EncodedEvents current;

    private final byte[][] data;
    private final long[] times;
    private final byte[] kinds;

    private EncodedEvents(int n) {
        data = new byte[n][];
        times = new long[n];
        kinds = new byte[n];
    }

    /** Generates and encodes the events of {@code config}. */
    public static EncodedEvents generate(NexmarkConfig config) {
        if (config.events() > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("at most " + (Integer.MAX_VALUE - 8) + " events fit in memory here");
        }
        int n = (int) config.events();
        EncodedEvents e = new EncodedEvents(n);
        NexmarkGenerator g = new NexmarkGenerator(config);
        for (int i = 0; i < n; i++) {
            NexmarkEvent event = g.event(i);
            e.data[i] = EventCodec.encode(event);
            e.times[i] = event.dateTime();
            e.kinds[i] = (byte) (event instanceof Bid ? 'B' : event instanceof Auction ? 'A' : 'P');
        }
        return e;
    }

    /** The number of events. */
    public int size() {
        return data.length;
    }

    /** The bytes of event {@code n}. */
    public byte[] data(int n) {
        return data[n];
    }

    /** The event time of event {@code n}. */
    public long time(int n) {
        return times[n];
    }

    /** Whether event {@code n} is a bid. */
    public boolean isBid(int n) {
        return kinds[n] == 'B';
    }

    /** Whether event {@code n} is an auction. */
    public boolean isAuction(int n) {
        return kinds[n] == 'A';
    }
}
