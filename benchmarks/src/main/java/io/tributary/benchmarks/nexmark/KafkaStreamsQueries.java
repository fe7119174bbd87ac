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
import io.tributary.benchmarks.nexmark.Values.Q8Part;
import io.tributary.benchmarks.nexmark.Values.Q8Row;
import io.tributary.benchmarks.nexmark.Values.TopBids;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.JoinWindows;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.StreamJoined;
import org.apache.kafka.streams.kstream.Suppressed;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.state.BuiltInDslStoreSuppliers;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;

/**
 * The NEXMark queries on Kafka Streams, run by its {@code TopologyTestDriver} (no broker): the
 * encoded events are piped into topics {@code person}, {@code auction} and {@code bid} with their
 * event times as record timestamps; state stores are in memory without changelog topics (like
 * Tributary's heap state and Flink's heap backend without checkpoints), record caches off so every
 * update flows on. Re-keying goes through repartition topics, as Kafka Streams always does.
 */
final class KafkaStreamsQueries {
    private static final Long NO_KEY = 0L;

    private KafkaStreamsQueries() {
    }

    /** Runs {@code query} over {@code events} (generated from {@code config}); returns the elapsed nanoseconds. */
    static long run(Query query, NexmarkConfig config, EncodedEvents events, Results out) throws IOException {
        Topology topology = build(query, config, out);
        Path stateDir = Files.createTempDirectory("nexmark-kstreams");
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "nexmark-" + query.id());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        props.put(StreamsConfig.DSL_STORE_SUPPLIERS_CLASS_CONFIG, BuiltInDslStoreSuppliers.InMemoryDslStoreSuppliers.class);
        try (TopologyTestDriver driver = new TopologyTestDriver(topology, props)) {
            ByteArraySerializer bytes = new ByteArraySerializer();
            // the driver knows only the topics the topology reads; events of others are not delivered
            // (a Kafka consumer would not fetch them either)
            Set<String> read = topics(query);
            TestInputTopic<byte[], byte[]> persons = read.contains("person") ? driver.createInputTopic("person", bytes, bytes) : null;
            TestInputTopic<byte[], byte[]> auctions = read.contains("auction") ? driver.createInputTopic("auction", bytes, bytes) : null;
            TestInputTopic<byte[], byte[]> bids = read.contains("bid") ? driver.createInputTopic("bid", bytes, bytes) : null;
            QueryCpu.start();
            long start = System.nanoTime();
            for (int n = 0; n < events.size(); n++) {
                TestInputTopic<byte[], byte[]> topic = events.isBid(n) ? bids : events.isAuction(n) ? auctions : persons;
                if (topic != null) {
                    topic.pipeInput(null, events.data(n), Instant.ofEpochMilli(events.time(n)));
                }
            }
            // end of input: Kafka Streams closes windows only when stream time passes them, so a
            // sentinel far in the future (negative ids, never part of a closed window) closes them all
            Instant end = Instant.ofEpochMilli(config.timestampMs(config.events()) + 86_400_000L);
            if (query == Query.Q5 || query == Query.Q7) {
                bids.pipeInput(null, EventCodec.encode(new Bid(-1, -1, 0, end.toEpochMilli(), "")), end);
            } else if (query == Query.Q8) {
                persons.pipeInput(null, EventCodec.encode(new Person(-1, "", "", "", "", "", end.toEpochMilli(), "")), end);
            }
            long nanos = System.nanoTime() - start;
            QueryCpu.stop();
            return nanos;
        } finally {
            deleteTree(stateDir);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** An in-memory key-value store without changelog (the DSL store supplier makes it in-memory). */
    private static <V> Materialized<Long, V, KeyValueStore<Bytes, byte[]>> keyValueStore(Serde<V> values) {
        return Materialized.<Long, V, KeyValueStore<Bytes, byte[]>>with(Serdes.Long(), values).withLoggingDisabled();
    }

    /** An in-memory window store without changelog. */
    private static <V> Materialized<Long, V, WindowStore<Bytes, byte[]>> windowStore(Serde<V> values) {
        return Materialized.<Long, V, WindowStore<Bytes, byte[]>>with(Serdes.Long(), values).withLoggingDisabled();
    }

    /** The topics {@code query} reads. */
    private static Set<String> topics(Query query) {
        return switch (query) {
            case Q0, Q1, Q2, Q5, Q7 -> Set.of("bid");
            case Q3, Q8 -> Set.of("person", "auction");
            case Q4, Q6 -> Set.of("auction", "bid");
        };
    }

    private static <V extends NexmarkEvent> KStream<byte[], V> source(StreamsBuilder b, String topic, Class<V> kind) {
        return b.stream(topic, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
                .mapValues(bytes -> kind.cast(EventCodec.decode(bytes)));
    }

    /** The topology of {@code query}, its results going to {@code out}. */
    static Topology build(Query query, NexmarkConfig config, Results out) {
        StreamsBuilder b = new StreamsBuilder();
        switch (query) {
            case Q0 -> source(b, "bid", Bid.class).foreach((k, bid) -> out.append(bid));
            case Q1 -> source(b, "bid", Bid.class)
                    .mapValues(bid -> new Bid(bid.auction(), bid.bidder(), bid.price() * 89 / 100, bid.dateTime(), bid.extra()))
                    .foreach((k, bid) -> out.append(bid));
            case Q2 -> source(b, "bid", Bid.class)
                    .filter((k, bid) -> bid.auction() % Query.AUCTION_SKIP == 0)
                    .mapValues(bid -> new AuctionPrice(bid.auction(), bid.price()))
                    .foreach((k, row) -> out.append(row));
            case Q3 -> {
                KStream<Long, Person> persons = source(b, "person", Person.class)
                        .filter((k, p) -> Query.q3Person(p))
                        .selectKey((k, p) -> p.id());
                source(b, "auction", Auction.class)
                        .filter((k, a) -> a.category() == Query.Q3_CATEGORY)
                        .selectKey((k, a) -> a.seller())
                        .join(persons, (a, p) -> new Q3Row(p.name(), p.city(), p.state(), a.id()),
                                JoinWindows.ofTimeDifferenceWithNoGrace(Query.FOREVER),
                                StreamJoined.with(Serdes.Long(), ValueSerdes.AUCTION, ValueSerdes.PERSON).withLoggingDisabled())
                        .foreach((k, row) -> out.append(row));
            }
            case Q4 -> auctionMaxima(b, config)
                    .groupBy((k, m) -> m.category(), Grouped.with(Serdes.Long(), ValueSerdes.AUCTION_MAX))
                    .aggregate(() -> CategoryAvg.EMPTY, (k, m, avg) -> avg.apply(m),
                            keyValueStore(ValueSerdes.CATEGORY_AVG))
                    .toStream()
                    .foreach(out::upsert);
            case Q5 -> source(b, "bid", Bid.class)
                    .groupBy((k, bid) -> bid.auction(), Grouped.with(Serdes.Long(), ValueSerdes.BID))
                    .windowedBy(TimeWindows.ofSizeWithNoGrace(Query.HOP_SIZE).advanceBy(Query.HOP_ADVANCE))
                    .count(windowStore(Serdes.Long()))
                    .suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded().withLoggingDisabled()))
                    .toStream()
                    .map((w, n) -> KeyValue.pair(w.window().start(), new AuctionCount(w.window().start(), w.key(), n)))
                    .groupByKey(Grouped.with(Serdes.Long(), ValueSerdes.AUCTION_COUNT))
                    .aggregate(() -> HotItems.EMPTY, (k, c, hot) -> hot.add(c), keyValueStore(ValueSerdes.HOT_ITEMS))
                    .toStream()
                    .foreach(out::upsert);
            case Q6 -> auctionMaxima(b, config)
                    .groupBy((k, m) -> m.seller(), Grouped.with(Serdes.Long(), ValueSerdes.AUCTION_MAX))
                    .aggregate(() -> LastTen.EMPTY, (k, m, last) -> last.apply(m), keyValueStore(ValueSerdes.LAST_TEN))
                    .toStream()
                    .foreach(out::upsert);
            case Q7 -> source(b, "bid", Bid.class)
                    .groupBy((k, bid) -> NO_KEY, Grouped.with(Serdes.Long(), ValueSerdes.BID))
                    .windowedBy(TimeWindows.ofSizeWithNoGrace(Query.TUMBLE))
                    .aggregate(TopBids::new, (k, bid, top) -> top.add(bid), windowStore(ValueSerdes.TOP_BIDS))
                    .suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded().withLoggingDisabled()))
                    .toStream()
                    .foreach((w, top) -> top.rows(w.window().start()).forEach(out::append));
            case Q8 -> {
                KStream<Long, Q8Part> sellers = source(b, "auction", Auction.class)
                        .map((k, a) -> KeyValue.pair(a.seller(), new Q8Part(a.seller(), "", false)));
                source(b, "person", Person.class)
                        .map((k, p) -> KeyValue.pair(p.id(), new Q8Part(p.id(), p.name(), true)))
                        .merge(sellers)
                        .groupByKey(Grouped.with(Serdes.Long(), ValueSerdes.Q8_PART))
                        .windowedBy(TimeWindows.ofSizeWithNoGrace(Query.TUMBLE))
                        .aggregate(() -> NewUser.EMPTY, (k, part, user) -> user.add(part), windowStore(ValueSerdes.NEW_USER))
                        .suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded().withLoggingDisabled()))
                        .toStream()
                        .filter((w, user) -> user.both())
                        .foreach((w, user) -> out.append(new Q8Row(w.key(), user.name(), w.window().start())));
            }
            default -> throw new IllegalArgumentException("unknown query " + query);
        }
        return b.build();
    }

    /** Q4's and Q6's first stage, as in {@link TributaryQueries}. */
    private static KStream<Long, AuctionMax> auctionMaxima(StreamsBuilder b, NexmarkConfig config) {
        KStream<Long, Bid> bids = source(b, "bid", Bid.class).selectKey((k, bid) -> bid.auction());
        return source(b, "auction", Auction.class)
                .selectKey((k, a) -> a.id())
                // an auction at t joins the bids at [t, t + longest auction]
                .join(bids, (a, bid) -> new AuctionBid(a.id(), a.category(), a.seller(), a.expires(), bid.price(), bid.dateTime()),
                        JoinWindows.ofTimeDifferenceWithNoGrace(Duration.ofMillis(config.maxAuctionLengthMs())).before(Duration.ZERO),
                        StreamJoined.with(Serdes.Long(), ValueSerdes.AUCTION, ValueSerdes.BID).withLoggingDisabled())
                .filter((k, ab) -> ab.bidTime() <= ab.expires())
                .groupByKey(Grouped.with(Serdes.Long(), ValueSerdes.AUCTION_BID))
                .aggregate(() -> AuctionMax.EMPTY, (k, ab, max) -> max.add(ab), keyValueStore(ValueSerdes.AUCTION_MAX))
                .toStream();
    }
}
