package io.tributary.benchmarks.nexmark;

import io.tributary.core.ReadFilter;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StreamName;
import io.tributary.store.internal.FrameView;
import io.tributary.streams.Consumed;
import io.tributary.streams.OutputEvent;
import io.tributary.streams.Produced;
import io.tributary.streams.StreamsBuilder;
import io.tributary.streams.TopologyTestDriver;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.zip.CRC32C;

/**
 * Splits the query-thread CPU time per event of a stateless query (q0, q1, q2) on Tributary into
 * its layers, by running loops over the same events in turns in one JVM:
 * <ol>
 *   <li>{@code decode}: the bids decoded from their byte arrays and the query's own work done by hand
 *       (the floor every engine pays; Flink decodes the other events too);</li>
 *   <li>{@code recorded}: the same, but through a {@link RecordedEvent} and {@code UUID} per event
 *       (what the log's read delivered before views), the subscription's filter, batches of 1,000;</li>
 *   <li>{@code crc}: only the checksums of the log frames holding the events ({@link LogFrames});</li>
 *   <li>{@code frames}: the frames walked by hand as the store's scan walks them (checksum, a
 *       {@link FrameView} per frame, the filter per event, the bids decoded from the views in place)
 *       and the query's work;</li>
 *   <li>{@code drv-rec}: the driver fed a {@link RecordedEvent} per event
 *       ({@link TributaryQueries#runRecords}, the harness before views);</li>
 *   <li>{@code driver}: the real measurement, the driver fed views ({@link TributaryQueries#run});</li>
 *   <li>{@code sink} (q0 only, not part of the comparison with Flink): q0 over the frames with its
 *       results going to a sink ({@code to}) instead of {@code peek}: each bid encoded again and turned
 *       into the output event a processor would append, with its deterministic id.</li>
 * </ol>
 * {@code driver − frames} is what the streams engine itself (driver, task, source, operators) costs
 * per event. CPU time of the running thread, so other load on the machine disturbs it little;
 * garbage collection on other threads is not in it. Prints the median of the rounds after the first
 * third (warm-up).
 *
 * <p>Usage: {@code NexmarkCostSplit q0|q1|q2 [events=2000000] [rounds=12]}.
 */
public final class NexmarkCostSplit {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final StreamName PERSONS = StreamName.of("person-nexmark");
    private static final StreamName AUCTIONS = StreamName.of("auction-nexmark");
    private static final StreamName BIDS = StreamName.of("bid-nexmark");
    private static final ReadFilter FILTER = ReadFilter.eventTypes("Bid");
    private static final byte[] NO_METADATA = new byte[0];
    private static final int BATCH = 1000;
    private static final String[] LAYERS = {"decode", "recorded", "crc", "frames", "drv-rec", "driver", "sink"};

    private NexmarkCostSplit() {
    }

    /**
     * Runs the split and prints one line per layer.
     *
     * @param args query, events, rounds
     */
    public static void main(String[] args) {
        if (args.length < 1) {
            throw new IllegalArgumentException("usage: NexmarkCostSplit q0|q1|q2 [events] [rounds]");
        }
        Query query = Query.parse(args[0]);
        if (query != Query.Q0 && query != Query.Q1 && query != Query.Q2) {
            throw new IllegalArgumentException("only the stateless queries q0, q1, q2 are split, not " + args[0]);
        }
        int events = args.length > 1 ? Integer.parseInt(args[1]) : 2_000_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 12;
        NexmarkConfig config = NexmarkConfig.defaults(events, 42);
        EncodedEvents input = EncodedEvents.generate(config);
        LogFrames frames = LogFrames.encode(input);
        System.gc();
        int layers = query == Query.Q0 ? LAYERS.length : LAYERS.length - 1;
        double[][] nsPerEvent = new double[layers][rounds];
        double[][] bytesPerEvent = new double[layers][rounds];
        long digest = 0;
        for (int round = 0; round < rounds; round++) {
            for (int layer = 0; layer < layers; layer++) {
                Results out = new Results(query);
                long start = THREADS.getCurrentThreadCpuTime();
                long allocated = QueryCpu.allocatedBytes();
                switch (layer) {
                    case 0 -> decodeOnly(query, input, out);
                    case 1 -> recorded(query, input, out);
                    case 2 -> digest += checksums(frames);
                    case 3 -> frames(query, frames, out);
                    case 4 -> TributaryQueries.runRecords(query, config, input, out);
                    case 5 -> TributaryQueries.run(query, config, frames, out);
                    default -> sink(frames, out);
                }
                nsPerEvent[layer][round] = (THREADS.getCurrentThreadCpuTime() - start) / (double) events;
                bytesPerEvent[layer][round] = (QueryCpu.allocatedBytes() - allocated) / (double) events;
                digest += out.emitted();
                System.gc(); // the results of this layer are not the next one's garbage
            }
        }
        int from = rounds / 3;
        double[] medians = new double[layers];
        for (int layer = 0; layer < layers; layer++) {
            double[] v = Arrays.copyOfRange(nsPerEvent[layer], from, rounds);
            Arrays.sort(v);
            medians[layer] = v[v.length / 2];
            double[] b = Arrays.copyOfRange(bytesPerEvent[layer], from, rounds);
            Arrays.sort(b);
            System.out.printf(Locale.ROOT, "%s %-8s %6.1f ns/event %6.1f B/event (query-thread CPU and allocation, median of rounds %d-%d)%n",
                    query.id(), LAYERS[layer], medians[layer], b[b.length / 2], from + 1, rounds);
        }
        System.out.printf(Locale.ROOT, "%s RecordedEvent per event (recorded - decode) %.1f ns/event; log frames read in place"
                + " (frames - decode) %.1f ns/event, of which checksums %.1f ns/event%n", query.id(), medians[1] - medians[0],
                medians[3] - medians[0], medians[2]);
        System.out.printf(Locale.ROOT, "%s engine over views (driver - frames) %.1f ns/event; over records (drv-rec - recorded)"
                + " %.1f ns/event; driver on views vs on records %.1f ns/event [%d]%n", query.id(), medians[5] - medians[3],
                medians[4] - medians[1], medians[5] - medians[4], digest);
        if (layers > 6) {
            System.out.printf(Locale.ROOT, "%s a sink instead of peek (sink - driver) %.1f ns/event%n", query.id(), medians[6] - medians[5]);
        }
    }

    /** The checksums of every frame (what opening them costs first). */
    private static long checksums(LogFrames frames) {
        long sum = 0;
        CRC32C crc = new CRC32C();
        for (ByteBuffer f : frames.frames()) {
            crc.reset();
            crc.update(f.duplicate());
            sum += crc.getValue() & 1;
        }
        return sum;
    }

    /** The frames walked by hand as the store's scan walks them, the bids decoded from the views, the query by hand. */
    private static void frames(Query query, LogFrames frames, Results out) {
        FrameView view = new FrameView();
        for (ByteBuffer f : frames.frames()) {
            view.open(f, 0);
            while (view.next()) {
                if (FILTER.matches(view.stream().value(), view.type())) {
                    work(query, (Bid) EventCodec.decode(view.current()), out);
                }
            }
        }
        view.close();
    }

    /** q0 through a sink: the outputs are what a processor named {@code nexmark-q0} would append. */
    private static void sink(LogFrames frames, Results out) {
        StreamsBuilder b = new StreamsBuilder();
        b.stream(Consumed.ofViews(ReadFilter.eventTypes("Bid"), e -> (Bid) EventCodec.decode(e)).withViewKey(e -> 0L))
                .to(Produced.with((k, bid) -> "q0-nexmark", "Bid", (k, bid) -> EventCodec.encode(bid)));
        try (TopologyTestDriver driver = new TopologyTestDriver(b.build(), "nexmark-q0")) {
            FrameView view = new FrameView();
            for (ByteBuffer f : frames.frames()) {
                view.open(f, 0);
                while (view.next()) {
                    if (FILTER.matches(view.stream().value(), view.type())) {
                        driver.pipe(view.current());
                    }
                }
                // as a processor appends what one poll caused
                for (OutputEvent o : driver.readOutputs()) {
                    out.append(o);
                }
                driver.clearOutputs();
            }
            view.close();
        }
    }

    private static void decodeOnly(Query query, EncodedEvents input, Results out) {
        for (int n = 0; n < input.size(); n++) {
            if (input.isBid(n)) {
                work(query, (Bid) EventCodec.decode(input.data(n)), out);
            }
        }
    }

    /** What {@link TributaryQueries#run} builds per event, processed by hand instead of by the driver. */
    private static void recorded(Query query, EncodedEvents input, Results out) {
        List<RecordedEvent> batch = new ArrayList<>(BATCH);
        Instant appended = null;
        for (int n = 0; n < input.size(); n++) {
            StreamName stream;
            String type;
            if (input.isBid(n)) {
                stream = BIDS;
                type = "Bid";
            } else if (input.isAuction(n)) {
                stream = AUCTIONS;
                type = "Auction";
            } else {
                stream = PERSONS;
                type = "Person";
            }
            if (n % BATCH == 0) {
                appended = Instant.ofEpochMilli(input.time(n));
            }
            if (!FILTER.matches(stream.value(), type)) {
                continue;
            }
            batch.add(new RecordedEvent(stream, n, n, new UUID(0, n), type, input.data(n), NO_METADATA, appended));
            if (batch.size() == BATCH) {
                byHand(query, batch, out);
                batch.clear();
            }
        }
        byHand(query, batch, out);
    }

    private static void byHand(Query query, List<RecordedEvent> batch, Results out) {
        for (int i = 0, n = batch.size(); i < n; i++) {
            RecordedEvent e = batch.get(i);
            if (e.type().equals("Bid")) {
                work(query, (Bid) EventCodec.decode(e.data()), out);
            }
        }
    }

    private static void work(Query query, Bid bid, Results out) {
        switch (query) {
            case Q0 -> out.append(bid);
            case Q1 -> out.append(new Bid(bid.auction(), bid.bidder(), bid.price() * 89 / 100, bid.dateTime(), bid.extra()));
            default -> {
                if (bid.auction() % Query.AUCTION_SKIP == 0) {
                    out.append(new Values.AuctionPrice(bid.auction(), bid.price()));
                }
            }
        }
    }
}
