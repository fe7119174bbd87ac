package io.tributary.benchmarks.nexmark;

import io.tributary.benchmarks.nexmark.Values.AuctionBid;
import io.tributary.benchmarks.nexmark.Values.AuctionCount;
import io.tributary.benchmarks.nexmark.Values.AuctionMax;
import io.tributary.benchmarks.nexmark.Values.AuctionPrice;
import io.tributary.benchmarks.nexmark.Values.CategoryAvg;
import io.tributary.benchmarks.nexmark.Values.HotItems;
import io.tributary.benchmarks.nexmark.Values.LastTen;
import io.tributary.benchmarks.nexmark.Values.NewUser;
import io.tributary.benchmarks.nexmark.Values.Q3Row;
import io.tributary.benchmarks.nexmark.Values.Q7Row;
import io.tributary.benchmarks.nexmark.Values.Q8Part;
import io.tributary.benchmarks.nexmark.Values.Q8Row;
import io.tributary.benchmarks.nexmark.Values.TopBids;
import io.tributary.core.ReadFilter;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StreamName;
import io.tributary.streams.Consumed;
import io.tributary.streams.Emit;
import io.tributary.streams.JoinWindows;
import io.tributary.streams.KStream;
import io.tributary.streams.KeyValue;
import io.tributary.streams.Materialized;
import io.tributary.streams.StreamsBuilder;
import io.tributary.streams.Topology;
import io.tributary.streams.TopologyTestDriver;
import io.tributary.streams.Windowed;
import io.tributary.streams.Windows;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The NEXMark queries on Tributary's {@code streams} DSL, run in process by its
 * {@link TopologyTestDriver} (heap state, no store on disk). The events are appended as they
 * would be to the log: one stream per kind ({@code person-nexmark}, {@code auction-nexmark},
 * {@code bid-nexmark}), event types {@code Person}, {@code Auction}, {@code Bid}, data encoded by
 * {@link EventCodec}; each source decodes them. Results leave through {@code peek} into a
 * {@link Results} (a sink, {@code to(...)}, would serialize every result into an event).
 */
final class TributaryQueries {
    private static final StreamName PERSONS = StreamName.of("person-nexmark");
    private static final StreamName AUCTIONS = StreamName.of("auction-nexmark");
    private static final StreamName BIDS = StreamName.of("bid-nexmark");
    private static final byte[] NO_METADATA = new byte[0];
    private static final Long NO_KEY = 0L;
    /**
     * Events per appended batch and per batch handed to the driver: a {@code StreamProcessor} polls
     * up to {@code maxBatchEvents} (default 1,000) matching events and processes them in a loop.
     */
    private static final int BATCH = 1000;

    private TributaryQueries() {
    }

    /** Runs {@code query} over {@code events} (generated from {@code config}); returns the elapsed nanoseconds. */
    static long run(Query query, NexmarkConfig config, EncodedEvents events, Results out) {
        Topology topology = build(query, config, out);
        ReadFilter filter = topology.inputFilter();
        try (TopologyTestDriver driver = new TopologyTestDriver(topology, "nexmark-" + query.id())) {
            QueryCpu.start();
            long start = System.nanoTime();
            List<RecordedEvent> batch = new ArrayList<>(BATCH);
            Instant appended = null;
            for (int n = 0; n < events.size(); n++) {
                StreamName stream;
                String type;
                if (events.isBid(n)) {
                    stream = BIDS;
                    type = "Bid";
                } else if (events.isAuction(n)) {
                    stream = AUCTIONS;
                    type = "Auction";
                } else {
                    stream = PERSONS;
                    type = "Person";
                }
                if (n % BATCH == 0) {
                    // The log records one timestamp per appended batch and its read shares that
                    // Instant among the batch's events (FrameCodec); the events were appended 1,000
                    // at a time. The queries take event time from the NEXMark fields, not from it.
                    appended = Instant.ofEpochMilli(events.time(n));
                }
                if (!filter.matches(stream.value(), type)) {
                    continue; // a processor reads the log through the topology's filter: it never sees these
                }
                batch.add(new RecordedEvent(stream, n, n, new UUID(0, n), type, events.data(n), NO_METADATA, appended));
                if (batch.size() == BATCH) {
                    driver.pipe(batch); // as a processor processes what one poll of its subscription returned
                    batch.clear();
                }
            }
            driver.pipe(batch);
            // end of input: close every window (Flink does the same with its final watermark)
            driver.advanceWatermark(Instant.ofEpochMilli(config.timestampMs(config.events()) + 86_400_000L));
            long nanos = System.nanoTime() - start;
            QueryCpu.stop();
            return nanos;
        }
    }

    private static <V extends NexmarkEvent> KStream<Long, V> source(StreamsBuilder b, String type, Class<V> kind) {
        Consumed<Long, V> consumed = Consumed.with(ReadFilter.eventTypes(type), e -> kind.cast(EventCodec.decode(e.data())))
                .withKey(e -> NO_KEY)
                .withTimestamps((e, v) -> v.dateTime())
                .withMaxOutOfOrderness(Query.WATERMARK_DELAY);
        return b.stream(consumed);
    }

    /** The topology of {@code query}, its results going to {@code out}. */
    static Topology build(Query query, NexmarkConfig config, Results out) {
        StreamsBuilder b = new StreamsBuilder();
        switch (query) {
            case Q0 -> source(b, "Bid", Bid.class).peek((k, bid) -> out.append(bid));
            case Q1 -> source(b, "Bid", Bid.class)
                    .mapValues(bid -> new Bid(bid.auction(), bid.bidder(), bid.price() * 89 / 100, bid.dateTime(), bid.extra()))
                    .peek((k, bid) -> out.append(bid));
            case Q2 -> source(b, "Bid", Bid.class)
                    .filter((k, bid) -> bid.auction() % Query.AUCTION_SKIP == 0)
                    .mapValues(bid -> new AuctionPrice(bid.auction(), bid.price()))
                    .peek((k, row) -> out.append(row));
            case Q3 -> {
                KStream<Long, Person> persons = source(b, "Person", Person.class)
                        .filter((k, p) -> Query.q3Person(p))
                        .selectKey((k, p) -> p.id());
                source(b, "Auction", Auction.class)
                        .filter((k, a) -> a.category() == Query.Q3_CATEGORY)
                        .selectKey((k, a) -> a.seller())
                        .join(persons, (a, p) -> new Q3Row(p.name(), p.city(), p.state(), a.id()), JoinWindows.of(Query.FOREVER))
                        .peek((k, row) -> out.append(row));
            }
            case Q4 -> auctionMaxima(b, config)
                    .groupBy((k, m) -> m.category())
                    .aggregate(() -> CategoryAvg.EMPTY, (k, m, avg) -> avg.apply(m), Materialized.defaults())
                    .toStream()
                    .peek(out::upsert);
            case Q5 -> source(b, "Bid", Bid.class)
                    .groupBy((k, bid) -> bid.auction())
                    .windowedBy(Windows.hopping(Query.HOP_SIZE, Query.HOP_ADVANCE))
                    .emit(Emit.ON_WINDOW_CLOSE)
                    .count()
                    .toStream()
                    .map((Windowed<Long> w, Long n) -> KeyValue.pair(w.window().startMs(), new AuctionCount(w.window().startMs(), w.key(), n)))
                    .groupByKey()
                    .aggregate(() -> HotItems.EMPTY, (k, c, hot) -> hot.add(c), Materialized.defaults())
                    .toStream()
                    .peek(out::upsert);
            case Q6 -> auctionMaxima(b, config)
                    .groupBy((k, m) -> m.seller())
                    .aggregate(() -> LastTen.EMPTY, (k, m, last) -> last.apply(m), Materialized.defaults())
                    .toStream()
                    .peek(out::upsert);
            case Q7 -> source(b, "Bid", Bid.class)
                    .groupBy((k, bid) -> NO_KEY)
                    .windowedBy(Windows.tumbling(Query.TUMBLE))
                    .emit(Emit.ON_WINDOW_CLOSE)
                    .aggregate(TopBids::new, (k, bid, top) -> top.add(bid), (k, x, y) -> x, Materialized.defaults())
                    .toStream()
                    .flatMap((Windowed<Long> w, TopBids top) -> {
                        List<KeyValue<Long, Q7Row>> rows = new ArrayList<>();
                        for (Q7Row r : top.rows(w.window().startMs())) {
                            rows.add(KeyValue.pair(r.auction(), r));
                        }
                        return rows;
                    })
                    .peek((k, row) -> out.append(row));
            case Q8 -> {
                KStream<Long, Q8Part> sellers = source(b, "Auction", Auction.class)
                        .map((k, a) -> KeyValue.pair(a.seller(), new Q8Part(a.seller(), "", false)));
                source(b, "Person", Person.class)
                        .map((k, p) -> KeyValue.pair(p.id(), new Q8Part(p.id(), p.name(), true)))
                        .merge(sellers)
                        .groupByKey()
                        .windowedBy(Windows.tumbling(Query.TUMBLE))
                        .emit(Emit.ON_WINDOW_CLOSE)
                        .aggregate(() -> NewUser.EMPTY, (k, part, user) -> user.add(part), (k, x, y) -> x, Materialized.defaults())
                        .toStream()
                        .filter((w, user) -> user.both())
                        .map((Windowed<Long> w, NewUser user) -> KeyValue.pair(w.key(), new Q8Row(w.key(), user.name(), w.window().startMs())))
                        .peek((k, row) -> out.append(row));
            }
            default -> throw new IllegalArgumentException("unknown query " + query);
        }
        return b.build();
    }

    /**
     * Q4's and Q6's first stage: bids joined with their auction when made during the auction's
     * lifetime, then the highest bid so far per auction (with the previous highest, to retract).
     */
    private static KStream<Long, AuctionMax> auctionMaxima(StreamsBuilder b, NexmarkConfig config) {
        KStream<Long, Bid> bids = source(b, "Bid", Bid.class).selectKey((k, bid) -> bid.auction());
        return source(b, "Auction", Auction.class)
                .selectKey((k, a) -> a.id())
                // an auction at t joins the bids at [t, t + longest auction]; the filter cuts at its own expiry
                .join(bids, (a, bid) -> new AuctionBid(a.id(), a.category(), a.seller(), a.expires(), bid.price(), bid.dateTime()),
                        new JoinWindows(0, config.maxAuctionLengthMs(), 0))
                .filter((k, ab) -> ab.bidTime() <= ab.expires())
                .groupByKey()
                .aggregate(() -> AuctionMax.EMPTY, (k, ab, max) -> max.add(ab), Materialized.defaults())
                .toStream();
    }
}
