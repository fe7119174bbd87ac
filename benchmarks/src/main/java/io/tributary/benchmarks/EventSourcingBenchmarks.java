package io.tributary.benchmarks;

import io.tributary.core.Direction;
import io.tributary.core.EventData;
import io.tributary.core.EventStore;
import io.tributary.core.ExpectedVersion;
import io.tributary.core.ReadSlice;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StreamAppend;
import io.tributary.core.StreamName;
import io.tributary.eventsourcing.AggregateRepository;
import io.tributary.eventsourcing.AggregateState;
import io.tributary.eventsourcing.CommandResult;
import io.tributary.eventsourcing.Decider;
import io.tributary.eventsourcing.Decision;
import io.tributary.eventsourcing.EventCodec;
import io.tributary.eventsourcing.SnapshotPolicy;
import io.tributary.eventsourcing.SnapshotSettings;
import io.tributary.store.Durability;
import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.StoreConfig;
import io.tributary.store.Tributary;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Event-sourcing benchmarks on the embedded store (issue 3): loading a 1,000-event aggregate
 * with and without a snapshot against reading the same 1,000 raw events, and commands per
 * second for many accounts under concurrent writers with the conflict-retry rate.
 *
 * <p>Flags: {@code --events N} (aggregate size, 1000), {@code --iterations N} (timed loads, 300),
 * {@code --warmup N} (untimed loads, 300), {@code --filler N} (events appended after the aggregates, 100000), {@code --accounts N} (10000), {@code --writers N} (4),
 * {@code --seconds S} (command load, 10), {@code --hot-accounts N} (a second command run on few
 * accounts to show conflicts, 4; 0 to skip), {@code --durability fsync|none} (command load, fsync),
 * {@code --seed N} (42), {@code --work-dir DIR}. Prints a Markdown report to stdout.
 */
public final class EventSourcingBenchmarks {
    private EventSourcingBenchmarks() {
    }

    /** The benchmark aggregate's events. */
    sealed interface Event permits Opened, Deposited, Withdrawn {
    }

    /** An account was opened. @param owner the owner */
    record Opened(String owner) implements Event {
    }

    /** Money in. @param amount the amount @param reference a payment reference */
    record Deposited(BigDecimal amount, String reference) implements Event {
    }

    /** Money out. @param amount the amount */
    record Withdrawn(BigDecimal amount) implements Event {
    }

    /** A command: move {@code amount} in (positive) or out (negative). @param amount the amount */
    record Move(BigDecimal amount) {
    }

    /** The state. @param balance the balance @param movements how many deposits and withdrawals */
    record Balance(BigDecimal balance, long movements) {
    }

    static final Decider<Move, Balance, Event> DECIDER = Decider.of(() -> new Balance(BigDecimal.ZERO, 0),
            (move, state) -> move.amount().signum() >= 0 ? Decision.accept(new Deposited(move.amount(), "bench"))
                    : state.balance().add(move.amount()).signum() < 0 ? Decision.reject("insufficient funds")
                    : Decision.accept(new Withdrawn(move.amount().negate())),
            (state, event) -> event instanceof Deposited d ? new Balance(state.balance().add(d.amount()), state.movements() + 1)
                    : event instanceof Withdrawn w ? new Balance(state.balance().subtract(w.amount()), state.movements() + 1)
                    : state);

    static final EventCodec<Event> CODEC = EventCodec.builder(Event.class)
            .register(Opened.class, "AccountOpened")
            .register(Deposited.class, "MoneyDeposited")
            .register(Withdrawn.class, "MoneyWithdrawn")
            .build();

    /** Entry point; see the class description for flags. */
    public static void main(String[] args) throws Exception {
        int events = intFlag(args, "--events", 1_000);
        int iterations = intFlag(args, "--iterations", 300);
        int warmup = intFlag(args, "--warmup", 300);
        int accounts = intFlag(args, "--accounts", 10_000);
        int writers = intFlag(args, "--writers", 4);
        int seconds = intFlag(args, "--seconds", 10);
        int filler = intFlag(args, "--filler", 100_000);
        int hotAccounts = intFlag(args, "--hot-accounts", 4);
        long seed = intFlag(args, "--seed", 42);
        boolean fsync = !"none".equals(flag(args, "--durability", "fsync"));
        Path work = Path.of(flag(args, "--work-dir", "benchmarks/target/es-bench-work"));
        Files.createDirectories(work);

        StringBuilder report = new StringBuilder();
        report.append(Machine.describe(work)).append("\n\n");
        loads(work.resolve("loads-" + System.nanoTime()), events, filler, warmup, iterations, report);
        commands(work.resolve("commands-" + System.nanoTime()), accounts, writers, seconds, fsync, seed, report);
        if (hotAccounts > 0) {
            commands(work.resolve("hot-" + System.nanoTime()), hotAccounts, writers, seconds, fsync, seed, report);
        }
        System.out.println(report);
    }

    // ---- loads ---------------------------------------------------------------------------

    private static void loads(Path dir, int events, int filler, int warmup, int iterations, StringBuilder report) throws IOException {
        try (EmbeddedEventStore store = Tributary.open(StoreConfig.builder(dir).durability(Durability.none()).build())) {
            StreamName plain = StreamName.of("account-plain");
            StreamName snap = StreamName.of("account-snap");
            writeAggregate(store, plain, events);
            writeAggregate(store, snap, events - 1);
            AggregateRepository<Move, Balance, Event> noSnapshots = AggregateRepository.builder(store, DECIDER, CODEC).build();
            AggregateRepository<Move, Balance, Event> withSnapshots = AggregateRepository.builder(store, DECIDER, CODEC)
                    .snapshots(SnapshotSettings.of(Balance.class, 1, SnapshotPolicy.everyEvents(1))).build();
            // The last event goes through the repository, which snapshots it: snap has `events` events and a snapshot at the end.
            withSnapshots.handle(snap, new Move(BigDecimal.ONE));
            // Push both aggregates out of the store's in-memory window of recent events, so reads hit the index and segments.
            for (int i = 0; i < filler; i += 1_000) {
                List<EventData> batch = new ArrayList<>();
                for (int j = 0; j < 1_000; j++) {
                    batch.add(CODEC.encode(new Deposited(BigDecimal.TEN, "filler")));
                }
                store.append(StreamName.of("filler", i / 1_000), ExpectedVersion.any(), batch).join();
            }
            AggregateState<Balance> check = withSnapshots.load(snap);
            if (check.replayedEvents() != 0 || !check.state().equals(noSnapshots.load(snap).state())) {
                throw new IllegalStateException("snapshot load is not what the benchmark expects: " + check);
            }
            List<RecordedEvent> raw = readAll(store, plain);

            long[] rawNs = new long[iterations];
            long[] decodeNs = new long[iterations];
            long[] fullNs = new long[iterations];
            long[] snapNs = new long[iterations];
            long sink = 0;
            for (int i = -warmup; i < iterations; i++) {
                // Interleaved so that all four see the same moments of machine noise.
                long t0 = System.nanoTime();
                List<RecordedEvent> read = readAll(store, plain);
                long t1 = System.nanoTime();
                Balance decoded = decodeAndEvolve(raw);
                long t2 = System.nanoTime();
                AggregateState<Balance> full = noSnapshots.load(plain);
                long t3 = System.nanoTime();
                AggregateState<Balance> fromSnapshot = withSnapshots.load(snap);
                long t4 = System.nanoTime();
                sink += read.size() + decoded.movements() + full.version() + fromSnapshot.version();
                if (i >= 0) {
                    rawNs[i] = t1 - t0;
                    decodeNs[i] = t2 - t1;
                    fullNs[i] = t3 - t2;
                    snapNs[i] = t4 - t3;
                }
            }
            double rawMedian = median(rawNs);
            report.append("## Event sourcing: loading a ").append(events).append("-event aggregate\n\n")
                    .append("Embedded store, ").append(iterations).append(" timed loads after ").append(warmup)
                    .append(" warm-up loads, interleaved; events ~").append(raw.get(1).data().length)
                    .append(" B of JSON data; ").append(filler)
                    .append(" newer events written after them (so reads do not come from the store's in-memory recent-event window; sink ")
                    .append(sink % 10).append(").\n\n")
                    .append("| measurement | median | p90 | vs raw read |\n|---|---|---|---|\n");
            row(report, "raw read of " + events + " events (`readStream`)", rawNs, rawMedian);
            row(report, "decode + evolve only (in memory, no store)", decodeNs, rawMedian);
            row(report, "`load` without snapshot (read + decode + evolve)", fullNs, rawMedian);
            row(report, "`load` with a snapshot at the last event", snapNs, rawMedian);
            report.append("\nCodec overhead: load without snapshot − raw read = ")
                    .append(String.format("%.2f", (median(fullNs) - rawMedian) / rawMedian))
                    .append("× the raw read (goal: under 2×).\n\n");
        }
    }

    private static void row(StringBuilder report, String name, long[] ns, double rawMedian) {
        report.append("| ").append(name).append(" | ").append(String.format("%.1f µs", median(ns) / 1_000))
                .append(" | ").append(String.format("%.1f µs", percentile(ns, 0.9) / 1_000))
                .append(" | ").append(String.format("%.2f×", median(ns) / rawMedian)).append(" |\n");
    }

    private static void writeAggregate(EventStore store, StreamName stream, int events) {
        List<EventData> batch = new ArrayList<>();
        batch.add(CODEC.encode(new Opened("bench")));
        for (int i = 1; i < events; i++) {
            batch.add(CODEC.encode(new Deposited(new BigDecimal("12.34"), "payment reference " + i)));
        }
        for (int from = 0; from < batch.size(); from += 500) {
            List<EventData> part = batch.subList(from, Math.min(batch.size(), from + 500));
            store.append(stream, from == 0 ? ExpectedVersion.noStream() : ExpectedVersion.exact(from - 1L), part).join();
        }
    }

    private static List<RecordedEvent> readAll(EventStore store, StreamName stream) {
        List<RecordedEvent> out = new ArrayList<>();
        long from = 0;
        while (true) {
            ReadSlice slice = store.readStream(stream, from, 1_000, Direction.FORWARD);
            out.addAll(slice.events());
            if (slice.isEnd()) {
                return out;
            }
            from = slice.next().getAsLong();
        }
    }

    private static Balance decodeAndEvolve(List<RecordedEvent> events) {
        Balance state = DECIDER.initialState();
        for (RecordedEvent e : events) {
            state = DECIDER.evolve(state, CODEC.decode(e));
        }
        return state;
    }

    // ---- commands ------------------------------------------------------------------------

    private static void commands(Path dir, int accounts, int writers, int seconds, boolean fsync, long seed,
                                 StringBuilder report) throws Exception {
        StoreConfig config = StoreConfig.builder(dir).durability(fsync ? Durability.fsync() : Durability.none()).build();
        try (EmbeddedEventStore store = Tributary.open(config)) {
            List<CompletableFuture<?>> opening = new ArrayList<>();
            for (int from = 0; from < accounts; from += 100) {
                List<StreamAppend> appends = new ArrayList<>();
                for (int a = from; a < Math.min(accounts, from + 100); a++) {
                    appends.add(StreamAppend.of(StreamName.of("account", a), ExpectedVersion.noStream(),
                            CODEC.encode(new Opened("owner " + a)), CODEC.encode(new Deposited(new BigDecimal("1000.00"), "initial"))));
                }
                opening.add(store.appendAll(appends));
            }
            CompletableFuture.allOf(opening.toArray(CompletableFuture[]::new)).join();
            AggregateRepository<Move, Balance, Event> repository = AggregateRepository.builder(store, DECIDER, CODEC)
                    .snapshots(SnapshotSettings.of(Balance.class, 1, SnapshotPolicy.everyEvents(100)))
                    .maxConflictRetries(100).build();

            AtomicBoolean stop = new AtomicBoolean();
            ExecutorService pool = Executors.newFixedThreadPool(writers);
            List<Future<long[]>> results = new ArrayList<>();
            long started = System.nanoTime();
            for (int w = 0; w < writers; w++) {
                Random random = new Random(seed + w);
                results.add(pool.submit(() -> {
                    long commands = 0;
                    long retries = 0;
                    long rejected = 0;
                    while (!stop.get()) {
                        StreamName account = StreamName.of("account", random.nextInt(accounts));
                        BigDecimal amount = BigDecimal.valueOf(random.nextInt(2_000) - 1_000, 2);
                        CommandResult<Balance, Event> r = repository.handle(account, new Move(amount));
                        commands++;
                        retries += r.attempts() - 1;
                        if (r instanceof CommandResult.Rejected) {
                            rejected++;
                        }
                    }
                    return new long[] {commands, retries, rejected};
                }));
            }
            Thread.sleep(seconds * 1_000L); // the benchmark's measuring window, not coordination
            stop.set(true);
            long commands = 0;
            long retries = 0;
            long rejected = 0;
            for (Future<long[]> f : results) {
                long[] r = f.get(60, TimeUnit.SECONDS);
                commands += r[0];
                retries += r[1];
                rejected += r[2];
            }
            double elapsed = (System.nanoTime() - started) / 1e9;
            pool.shutdown();
            report.append("## Event sourcing: commands on ").append(accounts).append(" accounts, ").append(writers)
                    .append(" concurrent writers\n\n")
                    .append("`repository.handle` (load + decide + append with `exact(version)`), durability `")
                    .append(fsync ? "fsync" : "none").append("`, ").append(seconds).append(" s, random account and amount per command (seed ")
                    .append(seed).append("), snapshots every 100 events.\n\n")
                    .append("| commands | commands/s | conflict retries | retry rate | rejected (no funds) |\n|---|---|---|---|---|\n")
                    .append("| ").append(commands).append(" | ").append(String.format("%.0f", commands / elapsed))
                    .append(" | ").append(retries).append(" | ").append(String.format("%.3f%%", 100.0 * retries / Math.max(1, commands)))
                    .append(" | ").append(rejected).append(" |\n\n");
        }
    }

    // ---- helpers -------------------------------------------------------------------------

    private static double median(long[] values) {
        return percentile(values, 0.5);
    }

    private static double percentile(long[] values, double p) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
    }

    private static String flag(String[] args, String name, String fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }

    private static int intFlag(String[] args, String name, int fallback) {
        return Integer.parseInt(flag(args, name, Integer.toString(fallback)));
    }
}
