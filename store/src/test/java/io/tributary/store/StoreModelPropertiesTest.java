package io.tributary.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.core.AppendResult;
import io.tributary.core.Direction;
import io.tributary.core.EventData;
import io.tributary.core.ExpectedVersion;
import io.tributary.core.ListStreamsRequest;
import io.tributary.core.MultiAppendResult;
import io.tributary.core.ReadFilter;
import io.tributary.core.ReadSlice;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StreamAppend;
import io.tributary.core.StreamDeletedException;
import io.tributary.core.StreamInfo;
import io.tributary.core.StreamMetadata;
import io.tributary.core.StreamName;
import io.tributary.core.StreamNotFoundException;
import io.tributary.core.WrongExpectedVersionException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;

/**
 * Random sequences of operations run against the embedded store and against a small in-memory
 * model of the {@link io.tributary.core.EventStore} semantics; after every operation the
 * outcomes (result or exception) and every read (each stream both ways, stream infos and
 * metadata, the global log, the stream list) must agree.
 *
 * <p>The model: versions are per stream and continue after a soft delete; a soft-deleted stream
 * reads as {@link StreamNotFoundException} and is recreated by an append; a hard delete is
 * forever ({@link StreamDeletedException} for reads, appends, deletes and metadata); soft-deleting
 * a stream without events is {@link StreamNotFoundException}; maxCount and truncateBefore hide
 * older events from stream reads while the global log (without a scavenge) keeps them.
 */
class StoreModelPropertiesTest {
    private static final List<StreamName> STREAMS = List.of(StreamName.of("acct-1"), StreamName.of("acct-2"),
            StreamName.of("order-1"), StreamName.of("café-1"), StreamName.of("x"));

    // ------------------------------------------------------------------ operations

    /** How an operation states its expected version, resolved against the model's current version. */
    enum Exp {
        ANY, NO_STREAM, STREAM_EXISTS, EXACT_CURRENT, EXACT_AHEAD, EXACT_STALE;

        ExpectedVersion resolve(long current) {
            return switch (this) {
                case ANY -> ExpectedVersion.any();
                case NO_STREAM -> ExpectedVersion.noStream();
                case STREAM_EXISTS -> ExpectedVersion.streamExists();
                // The precise, correct expectation: the current version, or noStream when there is none.
                case EXACT_CURRENT -> current < 0 ? ExpectedVersion.noStream() : ExpectedVersion.exact(current);
                case EXACT_AHEAD -> ExpectedVersion.exact(current + 1);
                case EXACT_STALE -> ExpectedVersion.exact(current >= 1 ? current - 1 : 5);
            };
        }
    }

    /** An operation of the sequence. */
    sealed interface Op {
    }

    /** One stream's part of an append: {@code events} new events. */
    record Part(int stream, Exp expected, int events) {
    }

    /** An append to one stream, or an atomic append to several. */
    record Append(List<Part> parts) implements Op {
    }

    /** A soft or hard delete. */
    record Delete(int stream, boolean hard, Exp expected) implements Op {
    }

    /** Sets metadata: maxCount and truncateBefore, either of them absent when 0. */
    record SetMetadata(int stream, int maxCount, int truncateBefore) implements Op {
    }

    /** Closes the store and opens it again. */
    record Reopen() implements Op {
    }

    @Provide
    Arbitrary<List<Op>> operations() {
        Arbitrary<Integer> stream = Arbitraries.integers().between(0, STREAMS.size() - 1);
        Arbitrary<Exp> exp = Arbitraries.frequency(List.of(Tuple.of(8, Exp.ANY), Tuple.of(8, Exp.EXACT_CURRENT),
                Tuple.of(2, Exp.NO_STREAM), Tuple.of(1, Exp.STREAM_EXISTS), Tuple.of(1, Exp.EXACT_AHEAD),
                Tuple.of(1, Exp.EXACT_STALE)));
        Arbitrary<Part> part = Combinators.combine(stream, exp, Arbitraries.integers().between(1, 3)).as(Part::new);
        Arbitrary<Op> append = part.list().ofMinSize(1).ofMaxSize(3).uniqueElements(Part::stream).map(Append::new);
        Arbitrary<Op> softDelete = Combinators.combine(stream, exp).as((s, e) -> new Delete(s, false, e));
        Arbitrary<Op> hardDelete = Combinators.combine(stream, exp).as((s, e) -> new Delete(s, true, e));
        Arbitrary<Op> metadata = Combinators.combine(stream, Arbitraries.integers().between(0, 4),
                Arbitraries.integers().between(0, 7)).as(SetMetadata::new);
        Arbitrary<Op> reopen = Arbitraries.just(new Reopen());
        Arbitrary<Op> op = Arbitraries.frequencyOf(List.of(Tuple.of(12, append), Tuple.of(3, softDelete),
                Tuple.of(1, hardDelete), Tuple.of(3, metadata), Tuple.of(1, reopen)));
        return op.list().ofMinSize(10).ofMaxSize(40).withSizeDistribution(RandomDistribution.uniform());
    }

    // ------------------------------------------------------------------ the property

    /**
     * Outcomes and the touched streams' infos are compared after every operation; everything
     * else after every reopen and at the end, before and after a last reopen.
     */
    @Property(tries = 40)
    void theStoreBehavesLikeTheModel(@ForAll("operations") List<Op> ops) throws IOException {
        Path dir = Files.createTempDirectory("tributary-model-");
        try (Harness h = new Harness(dir)) {
            for (int i = 0; i < ops.size(); i++) {
                Op op = ops.get(i);
                String where = "op #" + i + " " + op;
                h.apply(op, where);
                if (op instanceof Reopen) {
                    h.compareState("after " + where);
                }
            }
            h.compareState("at the end");
            h.reopen();
            h.compareState("after the last reopen");
        } finally {
            deleteTree(dir);
        }
    }

    // ------------------------------------------------------------------ the model

    private static final byte LIVE = 0;
    private static final byte SOFT_DELETED = 1;
    private static final byte TOMBSTONED = 2;

    /** An event as the comparison sees it (timestamps are not modelled). */
    record Ev(String stream, long version, long position, UUID id, String type, String data) {
        static Ev of(RecordedEvent e) {
            return new Ev(e.stream().value(), e.version(), e.position(), e.eventId(), e.type(), e.dataAsString());
        }
    }

    /** The model's view of one stream. */
    static final class ModelStream {
        boolean known;
        long lastVersion = -1;
        long lastPosition = -1;
        byte state = LIVE;
        long deletedBefore;
        StreamMetadata metadata = StreamMetadata.none();

        long current() {
            return state == LIVE ? lastVersion : -1;
        }

        boolean exists() {
            return state == LIVE && lastVersion >= 0;
        }

        long firstVisible() {
            long first = deletedBefore;
            if (metadata.truncateBefore().isPresent()) {
                first = Math.max(first, metadata.truncateBefore().getAsLong());
            }
            if (metadata.maxCount().isPresent()) {
                first = Math.max(first, lastVersion - metadata.maxCount().getAsLong() + 1);
            }
            return first;
        }
    }

    /** The in-memory model of the store. */
    static final class Model {
        final List<ModelStream> streams = new ArrayList<>();
        final List<Ev> log = new ArrayList<>();

        Model() {
            for (int i = 0; i < STREAMS.size(); i++) {
                streams.add(new ModelStream());
            }
        }

        static boolean satisfies(ExpectedVersion ev, long current) {
            return ev == ExpectedVersion.any()
                    || (ev == ExpectedVersion.noStream() && current < 0)
                    || (ev == ExpectedVersion.streamExists() && current >= 0)
                    || (ev instanceof ExpectedVersion.Exact e && e.version() == current);
        }

        /** The outcome of an append: the result, or the class of the exception. */
        Object append(List<Integer> streamIdx, List<ExpectedVersion> expected, List<List<EventData>> events) {
            for (int i = 0; i < streamIdx.size(); i++) {
                ModelStream s = streams.get(streamIdx.get(i));
                if (s.state == TOMBSTONED) {
                    return StreamDeletedException.class;
                }
                if (!satisfies(expected.get(i), s.current())) {
                    return WrongExpectedVersionException.class;
                }
            }
            long position = log.size();
            List<AppendResult> results = new ArrayList<>();
            for (int i = 0; i < streamIdx.size(); i++) {
                ModelStream s = streams.get(streamIdx.get(i));
                StreamName name = STREAMS.get(streamIdx.get(i));
                long first = s.lastVersion + 1;
                for (EventData e : events.get(i)) {
                    s.lastVersion++;
                    s.lastPosition = position;
                    log.add(new Ev(name.value(), s.lastVersion, position++, e.eventId(), e.type(), e.dataAsString()));
                }
                s.known = true;
                s.state = LIVE;
                results.add(new AppendResult(name, first, s.lastVersion, -1));
            }
            long last = position - 1;
            return new MultiAppendResult(results.stream()
                    .map(r -> new AppendResult(r.stream(), r.firstVersion(), r.lastVersion(), last)).toList(), last);
        }

        Object delete(int stream, ExpectedVersion expected, boolean hard) {
            ModelStream s = streams.get(stream);
            if (s.state == TOMBSTONED) {
                return StreamDeletedException.class;
            }
            if (!satisfies(expected, s.current())) {
                return WrongExpectedVersionException.class;
            }
            if (!hard && s.current() < 0) {
                return StreamNotFoundException.class;
            }
            s.known = true;
            s.state = hard ? TOMBSTONED : SOFT_DELETED;
            s.deletedBefore = Math.max(s.deletedBefore, s.lastVersion + 1);
            return "ok";
        }

        Object setMetadata(int stream, StreamMetadata metadata) {
            ModelStream s = streams.get(stream);
            if (s.state == TOMBSTONED) {
                return StreamDeletedException.class;
            }
            s.known = true;
            s.metadata = metadata;
            return "ok";
        }

        /** A stream read forward from version 0: the visible events, or the class of the exception. */
        Object readStream(int stream) {
            ModelStream s = streams.get(stream);
            if (s.state == TOMBSTONED) {
                return StreamDeletedException.class;
            }
            if (!s.exists()) {
                return StreamNotFoundException.class;
            }
            String name = STREAMS.get(stream).value();
            long first = s.firstVisible();
            return log.stream().filter(e -> e.stream().equals(name) && e.version() >= first).toList();
        }

        Optional<StreamInfo> streamInfo(int stream) {
            ModelStream s = streams.get(stream);
            return s.exists() ? Optional.of(new StreamInfo(STREAMS.get(stream), s.lastVersion, s.lastPosition))
                    : Optional.empty();
        }

        List<StreamInfo> listStreams() {
            List<StreamInfo> out = new ArrayList<>();
            for (int i = 0; i < STREAMS.size(); i++) {
                streamInfo(i).ifPresent(out::add);
            }
            // The store lists in the byte order of the UTF-8 names.
            out.sort((a, b) -> Arrays.compareUnsigned(a.stream().value().getBytes(StandardCharsets.UTF_8),
                    b.stream().value().getBytes(StandardCharsets.UTF_8)));
            return out;
        }
    }

    // ------------------------------------------------------------------ the harness

    /** The store and the model side by side. */
    static final class Harness implements AutoCloseable {
        private final StoreConfig config;
        private final Model model = new Model();
        private EmbeddedEventStore store;
        private long nextEvent;

        Harness(Path dir) {
            // No fsync, and a short checkpoint interval, which is also the writer's idle tick: close
            // (which waits for the tick) is quick.
            this.config = StoreConfig.builder(dir).segmentSizeBytes(64 << 10).maxRequestBytes(16 << 10)
                    .maxEventBytes(4 << 10).maxBatchBytes(16 << 10).checkpointIntervalMs(2)
                    .durability(Durability.none()).build();
            this.store = Tributary.open(config);
        }

        void reopen() {
            store.close();
            store = Tributary.open(config);
        }

        private EventData newEvent() {
            long n = nextEvent++;
            return new EventData(new UUID(0x7ADE, n), "Type" + n % 3, ("{\"n\":" + n + "}").getBytes(StandardCharsets.UTF_8),
                    new byte[0]);
        }

        void apply(Op op, String where) {
            if (op instanceof Append a) {
                List<Integer> idx = new ArrayList<>();
                List<ExpectedVersion> expected = new ArrayList<>();
                List<List<EventData>> events = new ArrayList<>();
                List<StreamAppend> parts = new ArrayList<>();
                for (Part p : a.parts()) {
                    ExpectedVersion ev = p.expected().resolve(model.streams.get(p.stream()).current());
                    List<EventData> es = new ArrayList<>();
                    for (int i = 0; i < p.events(); i++) {
                        es.add(newEvent());
                    }
                    idx.add(p.stream());
                    expected.add(ev);
                    events.add(es);
                    parts.add(new StreamAppend(STREAMS.get(p.stream()), ev, es));
                }
                Object actual;
                if (parts.size() == 1) {
                    // The single-stream entry point: its result is the part's result.
                    actual = outcome(store.append(parts.get(0).stream(), parts.get(0).expected(), parts.get(0).events()));
                    Object expectedOutcome = model.append(idx, expected, events);
                    if (expectedOutcome instanceof MultiAppendResult m) {
                        expectedOutcome = m.results().get(0);
                    }
                    assertThat(actual).as(where).isEqualTo(expectedOutcome);
                } else {
                    actual = outcome(store.appendAll(parts));
                    assertThat(actual).as(where).isEqualTo(model.append(idx, expected, events));
                }
                for (int i : idx) {
                    compareInfo(i, where);
                }
            } else if (op instanceof Delete d) {
                ExpectedVersion ev = d.expected().resolve(model.streams.get(d.stream()).current());
                Object actual = outcome(store.deleteStream(STREAMS.get(d.stream()), ev, d.hard()));
                assertThat(actual).as(where + " with " + ev).isEqualTo(model.delete(d.stream(), ev, d.hard()));
                compareInfo(d.stream(), where);
            } else if (op instanceof SetMetadata m) {
                StreamMetadata md = StreamMetadata.none();
                if (m.maxCount() > 0) {
                    md = md.withMaxCount(m.maxCount());
                }
                if (m.truncateBefore() > 0) {
                    md = md.withTruncateBefore(m.truncateBefore());
                }
                Object actual = outcome(store.setStreamMetadata(STREAMS.get(m.stream()), md));
                assertThat(actual).as(where).isEqualTo(model.setMetadata(m.stream(), md));
                assertThat(store.getStreamMetadata(STREAMS.get(m.stream()))).as(where + ": metadata")
                        .isEqualTo(model.streams.get(m.stream()).metadata);
            } else if (op instanceof Reopen) {
                reopen();
            }
        }

        private void compareInfo(int stream, String where) {
            assertThat(store.streamInfo(STREAMS.get(stream))).as(where + ": info of " + STREAMS.get(stream))
                    .isEqualTo(model.streamInfo(stream));
        }

        /** The future's result ("ok" for none), or the class of its exception. */
        private static Object outcome(CompletableFuture<?> f) {
            try {
                Object r = f.join();
                return r == null ? "ok" : r;
            } catch (CompletionException e) {
                return e.getCause().getClass();
            }
        }

        private static Object readOutcome(Supplier<ReadSlice> read) {
            try {
                return read.get().events().stream().map(Ev::of).toList();
            } catch (StreamNotFoundException | StreamDeletedException e) {
                return e.getClass();
            }
        }

        void compareState(String where) {
            for (int i = 0; i < STREAMS.size(); i++) {
                StreamName s = STREAMS.get(i);
                String what = where + ": stream " + s;
                Object expected = model.readStream(i);
                assertThat(readOutcome(() -> store.readStream(s, 0, 1000, Direction.FORWARD))).as(what)
                        .isEqualTo(expected);
                Object backward = expected instanceof List<?> l ? reversed(l) : expected;
                assertThat(readOutcome(() -> store.readStream(s, Long.MAX_VALUE, 1000, Direction.BACKWARD)))
                        .as(what + " backward").isEqualTo(backward);
                assertThat(store.streamInfo(s)).as(what + " info").isEqualTo(model.streamInfo(i));
                assertThat(store.getStreamMetadata(s)).as(what + " metadata").isEqualTo(model.streams.get(i).metadata);
            }
            List<Ev> all = new ArrayList<>();
            long from = 0;
            while (true) {
                ReadSlice slice = store.readAll(from, 7, Direction.FORWARD, ReadFilter.all());
                slice.events().stream().map(Ev::of).forEach(all::add);
                if (slice.isEnd()) {
                    break;
                }
                from = slice.next().getAsLong();
            }
            assertThat(all).as(where + ": $all").isEqualTo(model.log);
            assertThat(store.headPosition()).as(where + ": head").isEqualTo(model.log.size() - 1L);
            assertThat(store.listStreams(ListStreamsRequest.first(100))).as(where + ": stream list")
                    .isEqualTo(model.listStreams());
        }

        private static List<Object> reversed(List<?> list) {
            List<Object> out = new ArrayList<>(list);
            Collections.reverse(out);
            return out;
        }

        @Override
        public void close() {
            store.close();
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
