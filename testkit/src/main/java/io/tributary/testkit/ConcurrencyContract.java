package io.tributary.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.core.AppendResult;
import io.tributary.core.Direction;
import io.tributary.core.EventData;
import io.tributary.core.ExpectedVersion;
import io.tributary.core.MultiAppendResult;
import io.tributary.core.ReadFilter;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StreamAppend;
import io.tributary.core.StreamName;
import io.tributary.core.StreamNotFoundException;
import io.tributary.core.WrongExpectedVersionException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Many threads writing and reading at once: optimistic concurrency and atomic visibility. */
abstract class ConcurrencyContract extends ContractSection {
    private static final int WRITERS = 8;

    private record Outcome(int round, UUID eventId, AppendResult result, long actualVersion) {
        boolean won() {
            return result != null;
        }
    }

    private record Success(StreamName stream, long version, UUID eventId) {
    }

    @Test
    void exactlyOneWriterWinsEachVersionWhenAllRaceForIt() throws Exception {
        // given: every round, all writers read the same version, then append expecting it
        StreamName account = stream("account-1");
        int rounds = 25;
        CyclicBarrier barrier = new CyclicBarrier(WRITERS);
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        List<Outcome> outcomes = new ArrayList<>();
        try {
            List<Future<List<Outcome>>> futures = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                futures.add(pool.submit(() -> {
                    List<Outcome> mine = new ArrayList<>();
                    for (int round = 0; round < rounds; round++) {
                        barrier.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                        long version = store().streamInfo(account).map(i -> i.lastVersion()).orElse(-1L);
                        barrier.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                        EventData event = event("Raced");
                        ExpectedVersion expected = version < 0 ? ExpectedVersion.noStream() : ExpectedVersion.exact(version);
                        try {
                            mine.add(new Outcome(round, event.eventId(), await(store().append(account, expected, event)), -2));
                        } catch (CompletionException e) {
                            WrongExpectedVersionException conflict = (WrongExpectedVersionException) unwrap(e);
                            mine.add(new Outcome(round, event.eventId(), null, conflict.actualVersion()));
                        }
                    }
                    return mine;
                }));
            }
            // when
            for (Future<List<Outcome>> future : futures) {
                outcomes.addAll(future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            }
        } finally {
            pool.shutdownNow();
        }

        // then: one winner per round, at the round's version; every loser saw the winner's version
        List<RecordedEvent> recorded = readStream(account);
        assertThat(versions(recorded)).isEqualTo(range(0, rounds - 1));
        for (int round = 0; round < rounds; round++) {
            int r = round;
            List<Outcome> inRound = outcomes.stream().filter(o -> o.round() == r).toList();
            List<Outcome> winners = inRound.stream().filter(Outcome::won).toList();
            assertThat(inRound).hasSize(WRITERS);
            assertThat(winners).as("winners of round %d", round).hasSize(1);
            Outcome winner = winners.get(0);
            assertThat(winner.result().firstVersion()).isEqualTo(round);
            assertThat(recorded.get(round).eventId()).isEqualTo(winner.eventId());
            assertThat(inRound).filteredOn(o -> !o.won()).extracting(Outcome::actualVersion).containsOnly((long) round);
        }
    }

    @Test
    void optimisticWritersOnSharedStreamsNeverLoseOrDuplicateAVersion() throws Exception {
        // given
        List<StreamName> streams = List.of(stream("account-1"), stream("account-2"), stream("account-3"));
        int successesPerWriter = 15;
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        List<Success> successes = new ArrayList<>();
        try {
            List<Future<List<Success>>> futures = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                Random random = new Random(w);
                futures.add(pool.submit(() -> {
                    List<Success> mine = new ArrayList<>();
                    for (int attempt = 0; mine.size() < successesPerWriter; attempt++) {
                        assertThat(attempt).as("attempts of one writer").isLessThan(10_000);
                        StreamName target = streams.get(random.nextInt(streams.size()));
                        long version = lastVersion(target);
                        EventData event = event("Deposited");
                        ExpectedVersion expected = version < 0 ? ExpectedVersion.noStream() : ExpectedVersion.exact(version);
                        try {
                            AppendResult result = await(store().append(target, expected, event));
                            assertThat(result.firstVersion()).isEqualTo(version + 1);
                            mine.add(new Success(target, result.firstVersion(), event.eventId()));
                        } catch (CompletionException e) {
                            // a conflict is the only acceptable failure; retry with a fresh read
                            assertThat(unwrap(e)).isInstanceOf(WrongExpectedVersionException.class);
                        }
                    }
                    return mine;
                }));
            }
            // when
            for (Future<List<Success>> future : futures) {
                successes.addAll(future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            }
        } finally {
            pool.shutdownNow();
        }

        // then: every success is in the log at the version it reported, and nothing else is
        assertThat(successes).hasSize(WRITERS * successesPerWriter);
        Map<StreamName, List<RecordedEvent>> byStream = new HashMap<>();
        int total = 0;
        for (StreamName stream : streams) {
            List<RecordedEvent> recorded = readStream(stream);
            assertThat(versions(recorded)).as("versions of %s", stream).isEqualTo(range(0, recorded.size() - 1));
            byStream.put(stream, recorded);
            total += recorded.size();
        }
        assertThat(total).isEqualTo(successes.size());
        Set<String> places = new HashSet<>();
        for (Success success : successes) {
            assertThat(places.add(success.stream() + "@" + success.version())).as("one winner per version").isTrue();
            assertThat(byStream.get(success.stream()).get((int) success.version()).eventId()).isEqualTo(success.eventId());
        }
        assertThat(positions(readAll(ReadFilter.all()))).isEqualTo(range(0, total - 1));
    }

    private long lastVersion(StreamName stream) {
        try {
            List<RecordedEvent> last = store().readStream(stream, Long.MAX_VALUE, 1, Direction.BACKWARD).events();
            return last.isEmpty() ? -1 : last.get(0).version();
        } catch (StreamNotFoundException e) {
            return -1;
        }
    }

    @Test
    void readersNeverSeePartOfAnAtomicAppend() throws Exception {
        // given: every request writes 3 events to each of two streams
        StreamName left = stream("left-1");
        StreamName right = stream("right-1");
        AtomicBoolean writing = new AtomicBoolean(true);
        Background<Integer> reader = Background.start("reader", () -> {
            int reads = 0;
            do {
                long head = store().headPosition();
                assertThat((head + 1) % 6).as("events visible at head %d", head).isZero();
                List<RecordedEvent> all = store().readAll(0, 10_000, Direction.FORWARD, ReadFilter.all()).events();
                assertThat(all.size() % 6).as("events visible in $all").isZero();
                List<RecordedEvent> lefts = store().readCategory("left", 0, 10_000, Direction.FORWARD).events();
                assertThat(lefts.size() % 3).as("events visible in a category").isZero();
                reads++;
            } while (writing.get());
            return reads;
        });

        // when
        List<MultiAppendResult> results = new ArrayList<>();
        try {
            for (int i = 0; i < 60; i++) {
                results.add(appendAll(
                        new StreamAppend(left, ExpectedVersion.any(), events(3, "Debited")),
                        new StreamAppend(right, ExpectedVersion.any(), events(3, "Credited"))));
            }
        } finally {
            writing.set(false);
        }

        // then
        assertThat(await(reader.result())).isPositive();
        assertThat(results).extracting(MultiAppendResult::position).isEqualTo(
                range(0, 59).stream().map(i -> i * 6 + 5).toList());
        assertThat(readAll(ReadFilter.all())).hasSize(360);
    }
}
