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
import java.io.Serializable;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.streaming.api.functions.co.ProcessJoinFunction;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.assigners.SlidingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * The NEXMark queries on Apache Flink's DataStream API, on a local mini-cluster in this JVM with
 * parallelism 1 (the other engines run on one thread too), heap state (the default hash-map
 * backend), object reuse on (as the Flink NEXMark suite configures it), event time with bounded
 * out-of-orderness watermarks. The source reads event {@code n} of the {@link EncodedEvents} for
 * every {@code n} of a sequence and decodes it, as the other engines do.
 * Results go to a sink that writes into the JVM's {@link Results} (same JVM: a mini-cluster).
 */
final class FlinkQueries {
    private static final Long NO_KEY = 0L;
    /** The collector of the running job (one job per JVM at a time). */
    private static volatile Results current;
    private static final AtomicLong FIRST_EVENT_NS = new AtomicLong();
    private static final AtomicLong END_NS = new AtomicLong();

    private FlinkQueries() {
    }

    /**
     * Runs {@code query} over the events of {@code config}; returns the nanoseconds from the first
     * event generated to the end of input reaching the sink (so the mini-cluster's start and stop
     * are not counted).
     */
    static long run(Query query, NexmarkConfig config, EncodedEvents events, Results out) throws Exception {
        current = out;
        EncodedEvents.current = events;
        FIRST_EVENT_NS.set(0);
        END_NS.set(0);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, new Configuration());
        env.getConfig().enableObjectReuse();
        build(env, query, config);
        env.execute("nexmark-" + query.id());
        if (FIRST_EVENT_NS.get() == 0 || END_NS.get() == 0) {
            throw new IllegalStateException("the Flink job ended without processing events");
        }
        return END_NS.get() - FIRST_EVENT_NS.get();
    }

    /** A serializable function of two arguments. */
    interface Fn2<A, B, R> extends Serializable {
        R apply(A a, B b);
    }

    /** A serializable supplier. */
    interface Init<A> extends Serializable {
        A get();
    }

    /** A key and the latest value of a table query's result. @param key key @param value value */
    public record Upsert(long key, Object value) {
    }

    /** Reads and decodes event {@code n} of the measurement's {@link EncodedEvents}. */
    private static final class Read implements MapFunction<Long, NexmarkEvent> {
        private static final long serialVersionUID = 1L;
        private transient EncodedEvents events;

        @Override
        public NexmarkEvent map(Long n) {
            if (events == null) {
                events = EncodedEvents.current;
                if (FIRST_EVENT_NS.compareAndSet(0, System.nanoTime())) {
                    QueryCpu.start();
                }
            }
            return EventCodec.decode(events.data(n.intValue()));
        }
    }

    private static void build(StreamExecutionEnvironment env, Query query, NexmarkConfig config) {
        DataStream<NexmarkEvent> events = env.fromSequence(0, config.events() - 1)
                .map(new Read()).returns(TypeInformation.of(NexmarkEvent.class))
                .assignTimestampsAndWatermarks(WatermarkStrategy.<NexmarkEvent>forBoundedOutOfOrderness(Query.WATERMARK_DELAY)
                        .withTimestampAssigner((e, ts) -> e.dateTime()));
        DataStream<Bid> bids = events.filter(e -> e instanceof Bid).map(e -> (Bid) e).returns(Bid.class);
        DataStream<Auction> auctions = events.filter(e -> e instanceof Auction).map(e -> (Auction) e).returns(Auction.class);
        DataStream<Person> persons = events.filter(e -> e instanceof Person).map(e -> (Person) e).returns(Person.class);
        switch (query) {
            case Q0 -> bids.sinkTo(new AppendSink<>());
            case Q1 -> bids.map(b -> new Bid(b.auction(), b.bidder(), b.price() * 89 / 100, b.dateTime(), b.extra())).returns(Bid.class)
                    .sinkTo(new AppendSink<>());
            case Q2 -> bids.filter(b -> b.auction() % Query.AUCTION_SKIP == 0)
                    .map(b -> new AuctionPrice(b.auction(), b.price())).returns(AuctionPrice.class)
                    .sinkTo(new AppendSink<>());
            case Q3 -> auctions.filter(a -> a.category() == Query.Q3_CATEGORY)
                    .connect(persons.filter(Query::q3Person))
                    .keyBy(Auction::seller, Person::id, Types.LONG)
                    .process(new Q3Join()).returns(Q3Row.class)
                    .sinkTo(new AppendSink<>());
            case Q4 -> auctionMaxima(auctions, bids, config)
                    .keyBy(AuctionMax::category, Types.LONG)
                    .process(new Fold<AuctionMax, CategoryAvg, Upsert>(CategoryAvg.class, () -> CategoryAvg.EMPTY, CategoryAvg::apply,
                            (k, avg) -> new Upsert(k, avg))).returns(Upsert.class)
                    .sinkTo(new UpsertSink());
            case Q5 -> bids.keyBy(Bid::auction, Types.LONG)
                    .window(SlidingEventTimeWindows.of(Query.HOP_SIZE, Query.HOP_ADVANCE))
                    .aggregate(new Count(), new CountWithWindow()).returns(AuctionCount.class)
                    .keyBy(AuctionCount::windowStart, Types.LONG)
                    .process(new Fold<AuctionCount, HotItems, Upsert>(HotItems.class, () -> HotItems.EMPTY, HotItems::add,
                            (k, hot) -> new Upsert(k, hot))).returns(Upsert.class)
                    .sinkTo(new UpsertSink());
            case Q6 -> auctionMaxima(auctions, bids, config)
                    .keyBy(AuctionMax::seller, Types.LONG)
                    .process(new Fold<AuctionMax, LastTen, Upsert>(LastTen.class, () -> LastTen.EMPTY, LastTen::apply,
                            (k, last) -> new Upsert(k, last))).returns(Upsert.class)
                    .sinkTo(new UpsertSink());
            case Q7 -> bids.keyBy(b -> NO_KEY, Types.LONG)
                    .window(TumblingEventTimeWindows.of(Query.TUMBLE))
                    .aggregate(new Highest(), new HighestRows()).returns(Q7Row.class)
                    .sinkTo(new AppendSink<>());
            case Q8 -> persons.map(p -> new Q8Part(p.id(), p.name(), true)).returns(Q8Part.class)
                    .union(auctions.map(a -> new Q8Part(a.seller(), "", false)).returns(Q8Part.class))
                    .keyBy(Q8Part::id, Types.LONG)
                    .window(TumblingEventTimeWindows.of(Query.TUMBLE))
                    .aggregate(new NewUsers(), new NewUserRows()).returns(Q8Row.class)
                    .sinkTo(new AppendSink<>());
            default -> throw new IllegalArgumentException("unknown query " + query);
        }
    }

    /** Q4's and Q6's first stage, as in {@link TributaryQueries}: an interval join, then the highest bid per auction. */
    private static DataStream<AuctionMax> auctionMaxima(DataStream<Auction> auctions, DataStream<Bid> bids, NexmarkConfig config) {
        return auctions.keyBy(Auction::id, Types.LONG)
                .intervalJoin(bids.keyBy(Bid::auction, Types.LONG))
                .between(Duration.ZERO, Duration.ofMillis(config.maxAuctionLengthMs()))
                .process(new JoinBid()).returns(AuctionBid.class)
                .filter(ab -> ab.bidTime() <= ab.expires())
                .keyBy(AuctionBid::auction, Types.LONG)
                .process(new Fold<AuctionBid, AuctionMax, AuctionMax>(AuctionMax.class, () -> AuctionMax.EMPTY, AuctionMax::add, (k, m) -> m))
                .returns(AuctionMax.class);
    }

    private static final class JoinBid extends ProcessJoinFunction<Auction, Bid, AuctionBid> {
        private static final long serialVersionUID = 1L;

        @Override
        public void processElement(Auction a, Bid b, Context ctx, Collector<AuctionBid> out) {
            out.collect(new AuctionBid(a.id(), a.category(), a.seller(), a.expires(), b.price(), b.dateTime()));
        }
    }

    /** A running aggregation per key (a grouped aggregate): emits {@code output(key, aggregate)} on every update. */
    private static final class Fold<I, A, O> extends KeyedProcessFunction<Long, I, O> {
        private static final long serialVersionUID = 1L;
        private final Class<A> type;
        private final Init<A> initial;
        private final Fn2<A, I, A> add;
        private final Fn2<Long, A, O> output;
        private transient ValueState<A> state;

        Fold(Class<A> type, Init<A> initial, Fn2<A, I, A> add, Fn2<Long, A, O> output) {
            this.type = type;
            this.initial = initial;
            this.add = add;
            this.output = output;
        }

        @Override
        public void open(OpenContext context) {
            state = getRuntimeContext().getState(new ValueStateDescriptor<>("fold", type));
        }

        @Override
        public void processElement(I value, Context ctx, Collector<O> out) throws Exception {
            A current = state.value();
            A next = add.apply(current == null ? initial.get() : current, value);
            state.update(next);
            out.collect(output.apply(ctx.getCurrentKey(), next));
        }
    }

    /** Q3: a regular (unbounded) inner join of auctions with their seller. */
    private static final class Q3Join extends KeyedCoProcessFunction<Long, Auction, Person, Q3Row> {
        private static final long serialVersionUID = 1L;
        private transient ValueState<Person> person;
        private transient ListState<Auction> waiting;

        @Override
        public void open(OpenContext context) {
            person = getRuntimeContext().getState(new ValueStateDescriptor<>("person", Person.class));
            waiting = getRuntimeContext().getListState(new ListStateDescriptor<>("auctions", Auction.class));
        }

        @Override
        public void processElement1(Auction a, Context ctx, Collector<Q3Row> out) throws Exception {
            Person p = person.value();
            if (p != null) {
                out.collect(new Q3Row(p.name(), p.city(), p.state(), a.id()));
            } else {
                waiting.add(a);
            }
        }

        @Override
        public void processElement2(Person p, Context ctx, Collector<Q3Row> out) throws Exception {
            person.update(p);
            for (Auction a : waiting.get()) {
                out.collect(new Q3Row(p.name(), p.city(), p.state(), a.id()));
            }
            waiting.clear();
        }
    }

    private static final class Count implements AggregateFunction<Bid, Long, Long> {
        private static final long serialVersionUID = 1L;

        @Override
        public Long createAccumulator() {
            return 0L;
        }

        @Override
        public Long add(Bid value, Long acc) {
            return acc + 1;
        }

        @Override
        public Long getResult(Long acc) {
            return acc;
        }

        @Override
        public Long merge(Long a, Long b) {
            return a + b;
        }
    }

    private static final class CountWithWindow extends ProcessWindowFunction<Long, AuctionCount, Long, TimeWindow> {
        private static final long serialVersionUID = 1L;

        @Override
        public void process(Long auction, Context ctx, Iterable<Long> counts, Collector<AuctionCount> out) {
            out.collect(new AuctionCount(ctx.window().getStart(), auction, counts.iterator().next()));
        }
    }

    private static final class Highest implements AggregateFunction<Bid, TopBids, TopBids> {
        private static final long serialVersionUID = 1L;

        @Override
        public TopBids createAccumulator() {
            return new TopBids();
        }

        @Override
        public TopBids add(Bid value, TopBids acc) {
            return acc.add(value);
        }

        @Override
        public TopBids getResult(TopBids acc) {
            return acc;
        }

        @Override
        public TopBids merge(TopBids a, TopBids b) {
            for (Bid bid : b.bids) {
                a.add(bid);
            }
            return a;
        }
    }

    private static final class HighestRows extends ProcessWindowFunction<TopBids, Q7Row, Long, TimeWindow> {
        private static final long serialVersionUID = 1L;

        @Override
        public void process(Long key, Context ctx, Iterable<TopBids> tops, Collector<Q7Row> out) {
            for (Q7Row r : tops.iterator().next().rows(ctx.window().getStart())) {
                out.collect(r);
            }
        }
    }

    private static final class NewUsers implements AggregateFunction<Q8Part, NewUser, NewUser> {
        private static final long serialVersionUID = 1L;

        @Override
        public NewUser createAccumulator() {
            return NewUser.EMPTY;
        }

        @Override
        public NewUser add(Q8Part value, NewUser acc) {
            return acc.add(value);
        }

        @Override
        public NewUser getResult(NewUser acc) {
            return acc;
        }

        @Override
        public NewUser merge(NewUser a, NewUser b) {
            return new NewUser(a.registered() ? a.name() : b.name(), a.registered() || b.registered(), a.sold() || b.sold());
        }
    }

    private static final class NewUserRows extends ProcessWindowFunction<NewUser, Q8Row, Long, TimeWindow> {
        private static final long serialVersionUID = 1L;

        @Override
        public void process(Long id, Context ctx, Iterable<NewUser> users, Collector<Q8Row> out) {
            NewUser u = users.iterator().next();
            if (u.both()) {
                out.collect(new Q8Row(id, u.name(), ctx.window().getStart()));
            }
        }
    }

    /** Appends every record to the current {@link Results}. */
    private static final class AppendSink<T> implements Sink<T> {
        private static final long serialVersionUID = 1L;

        @Override
        public SinkWriter<T> createWriter(WriterInitContext context) {
            Results out = current;
            return new SinkWriter<>() {
                @Override
                public void write(T element, Context ctx) {
                    out.append(element);
                }

                @Override
                public void flush(boolean endOfInput) {
                    if (endOfInput) {
                        END_NS.set(System.nanoTime());
                        QueryCpu.stop();
                    }
                }

                @Override
                public void close() {
                }
            };
        }
    }

    /** Upserts every record into the current {@link Results}. */
    private static final class UpsertSink implements Sink<Upsert> {
        private static final long serialVersionUID = 1L;

        @Override
        public SinkWriter<Upsert> createWriter(WriterInitContext context) {
            Results out = current;
            return new SinkWriter<>() {
                @Override
                public void write(Upsert element, Context ctx) {
                    out.upsert(element.key(), element.value());
                }

                @Override
                public void flush(boolean endOfInput) {
                    if (endOfInput) {
                        END_NS.set(System.nanoTime());
                        QueryCpu.stop();
                    }
                }

                @Override
                public void close() {
                }
            };
        }
    }
}
