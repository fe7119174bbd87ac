package io.tributary.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.tributary.store.internal.IndexDump;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM that appends from several threads ({@link CrashChild}) with SIGKILL at a
 * random moment, round after round on the same data directory, and checks after every kill that
 * the store recovered exactly what it acknowledged: nothing acknowledged is lost or changed, no
 * request is half visible, positions and versions have no gap, and the recovered index equals an
 * index rebuilt from the log.
 *
 * <p>The seed is printed and is part of every assertion message; replay a run with
 * {@code -Dcrash.seed=<seed>} (and {@code -Dcrash.rounds=<n>} for more or fewer rounds,
 * {@code -Dcrash.budgetSeconds=<s>} to allow more time). A replay
 * repeats every choice of the parent and the child, though not the thread interleaving at the
 * moment of the kill.
 */
class CrashRecoveryIT {
    private static final int ROUNDS = Integer.getInteger("crash.rounds", 16);
    /** No new round starts after this (slow machines run fewer rounds); at least {@link #MIN_ROUNDS} run. */
    private static final long BUDGET_SECONDS = Long.getLong("crash.budgetSeconds", 75);
    private static final int MIN_ROUNDS = 8;
    private static final long READY_TIMEOUT_MS = 60_000;
    private static final long PROGRESS_TIMEOUT_MS = 30_000;

    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path tmp;

    /** What the parent does in one round; every field comes from the seeded random. */
    record Round(int number, String durability, long checkpointMs, int threads, long childSeed,
                 long killAfterMs, int killAfterAcks, long extraDelayMs, boolean verifyOnCopy) {

        static Round random(int number, Random rnd) {
            String durability = number == 1 ? "fsync" : switch (rnd.nextInt(4)) {
                case 0, 1 -> "fsync";
                case 2 -> "interval:" + (1 + rnd.nextInt(20));
                default -> "none";
            };
            long checkpointMs = List.of(5L, 50L, 1000L).get(rnd.nextInt(3));
            int threads = 2 + rnd.nextInt(4);
            double kill = rnd.nextDouble();
            // 15%: kill at a time after launch, mostly while the child starts and recovers the previous
            // crash (recovery must survive being interrupted); else once the parent has seen a number of
            // acknowledgements, few or many.
            long killAfterMs = kill < 0.15 ? rnd.nextInt(800) : -1;
            int killAfterAcks = kill < 0.15 ? -1 : kill < 0.35 ? 1 + rnd.nextInt(30) : 30 + rnd.nextInt(1000);
            long extraDelayMs = rnd.nextBoolean() ? 0 : rnd.nextInt(25);
            return new Round(number, durability, checkpointMs, threads, rnd.nextLong(), killAfterMs, killAfterAcks,
                    extraDelayMs, rnd.nextBoolean());
        }

        @Override
        public String toString() {
            return "round " + number + " [durability " + durability + ", checkpoint every " + checkpointMs + " ms, "
                    + threads + " writer threads, kill " + (killAfterMs >= 0 ? killAfterMs + " ms after launch"
                    : "after " + killAfterAcks + " acks + " + extraDelayMs + " ms") + ", verified "
                    + (verifyOnCopy ? "on a copy (the next child recovers the crashed directory itself)" : "in place") + "]";
        }
    }

    @Test
    void recoversExactlyTheAcknowledgedAppendsAfterRepeatedSigkill() throws Exception {
        long seed = Long.getLong("crash.seed", new SecureRandom().nextLong());
        String replay = "seed=" + seed + " (replay with -Dcrash.seed=" + seed + ")";
        System.out.println("CrashRecoveryIT: " + ROUNDS + " rounds, " + replay + ", data in " + tmp);
        Random rnd = new Random(seed);
        Path dir = tmp.resolve("data");
        CrashModel model = new CrashModel();
        long started = System.nanoTime();
        int n = 1;
        for (; n <= ROUNDS; n++) {
            if (n > MIN_ROUNDS && System.nanoTime() - started > TimeUnit.SECONDS.toNanos(BUDGET_SECONDS)) {
                System.out.printf("CrashRecoveryIT: time budget of %d s used up, stopping before round %d%n",
                        BUDGET_SECONDS, n);
                break;
            }
            Round round = Round.random(n, rnd);
            String context = replay + ", " + round;
            long roundStart = System.nanoTime();
            model.startRound();
            Path retryFile = tmp.resolve("retry-" + n + ".txt");
            Files.write(retryFile, model.retryCandidates(rnd, 24));
            runChildUntilKilled(dir, round, retryFile, model, context);
            long killed = System.nanoTime();
            Path target = round.verifyOnCopy() ? copy(dir, tmp.resolve("verify-" + n)) : dir;
            CrashModel.Check check = verify(target, model, n);
            assertThat(check.problems()).as("after the kill of %s", context).isEmpty();
            CrashModel.RoundStats s = check.stats();
            System.out.printf("CrashRecoveryIT %s: %d requests (%d retries), %d acked, %d failed, %d in flight at the kill"
                            + " of which %d recovered; %d events, %d segments; child %d ms, checks %d ms%n", round,
                    s.intents(), s.retries(), s.acks(), s.failures(), s.inFlightAtKill(), s.inFlightRecovered(), s.events(),
                    segments(target), TimeUnit.NANOSECONDS.toMillis(killed - roundStart),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed));
            if (round.verifyOnCopy()) {
                delete(target);
            }
        }
        System.out.printf("CrashRecoveryIT: %d rounds in %d ms, %s%n", n - 1,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), replay);
    }

    /** Starts the child on {@code dir}, feeds its output to the model, kills it with SIGKILL at the round's moment. */
    private void runChildUntilKilled(Path dir, Round round, Path retryFile, CrashModel model, String context)
            throws Exception {
        Path files = tmp.resolve("child-" + round.number());
        List<String> args = List.of("append", dir.toString(), round.durability(), Long.toString(round.checkpointMs()),
                Integer.toString(round.number()), Long.toString(round.childSeed()), Integer.toString(round.threads()),
                retryFile.toString());
        try (ChildJvm child = ChildJvm.start(files, args)) {
            if (round.killAfterMs() >= 0) {
                consumeUntil(child, model, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(round.killAfterMs()), context);
            } else {
                awaitReady(child, model, context);
                while (model.acksThisRound() < round.killAfterAcks()) {
                    Optional<String> line = child.nextLine(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PROGRESS_TIMEOUT_MS));
                    if (line == null) {
                        fail("%s: no output for %d ms; %s", context, PROGRESS_TIMEOUT_MS, child.describe());
                    }
                    take(child, line, model, context);
                }
                consumeUntil(child, model, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(round.extraDelayMs()), context);
            }
            int exit = child.kill();
            assertThat(exit).as("%s: exit code of the killed child (SIGKILL gives %d); %s", context,
                    ChildJvm.SIGKILL_EXIT, child.describe()).isEqualTo(ChildJvm.SIGKILL_EXIT);
            // What the child wrote before it died still counts: every ack in the pipe was given.
            long drainDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            for (Optional<String> line = child.nextLine(drainDeadline); line == null || line.isPresent();
                 line = child.nextLine(drainDeadline)) {
                if (line == null) {
                    fail("%s: the output of the killed child did not end; %s", context, child.describe());
                }
                take(child, line, model, context);
            }
        }
    }

    private static void awaitReady(ChildJvm child, CrashModel model, String context) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READY_TIMEOUT_MS);
        while (true) {
            Optional<String> line = child.nextLine(deadline);
            if (line == null) {
                fail("%s: the child did not open the store within %d ms; %s", context, READY_TIMEOUT_MS, child.describe());
            }
            take(child, line, model, context);
            if (line.get().startsWith("READY")) {
                return;
            }
        }
    }

    /** Feeds lines to the model until the deadline; the random wait before a kill. */
    private static void consumeUntil(ChildJvm child, CrashModel model, long deadline, String context)
            throws InterruptedException {
        for (Optional<String> line = child.nextLine(deadline); line != null; line = child.nextLine(deadline)) {
            take(child, line, model, context);
        }
    }

    private static void take(ChildJvm child, Optional<String> line, CrashModel model, String context) {
        if (line.isEmpty()) {
            fail("%s: the child's output ended before it was killed; %s", context, child.describe());
        }
        if (line.get().startsWith("E ")) {
            fail("%s: the child reported an error: %s; %s", context, line.get(), child.describe());
        }
        model.accept(line.get());
    }

    /**
     * Runs every check on the crashed directory {@code dir}: the verifier before recovery, the
     * model against the reopened store, the recovered index against one rebuilt from the log, and
     * the verifier after a clean close.
     */
    private CrashModel.Check verify(Path dir, CrashModel model, int round) {
        List<String> problems = new ArrayList<>();
        // A child killed while its JVM was still starting never created the directory, or created it
        // (and its lock file) but was killed before the log: nothing to verify before recovery then.
        if (Files.isDirectory(dir.resolve("log"))) {
            VerificationReport crashed = Verifier.verify(dir);
            if (!crashed.ok()) {
                problems.add("the verifier found problems in the crashed directory (before recovery): " + crashed.summary());
            }
        }
        CrashModel.Check check;
        try (EmbeddedEventStore store = Tributary.open(CrashWorkload.config(dir, Durability.fsync(), 1000))) {
            check = model.verify(store);
        }
        problems.addAll(check.problems());

        Map<String, List<String>> recovered = IndexDump.dump(dir);
        Path rebuilt = copy(dir, tmp.resolve("rebuilt-" + round));
        delete(rebuilt.resolve("index"));
        Tributary.open(CrashWorkload.config(rebuilt, Durability.fsync(), 1000)).close();
        problems.addAll(compareIndexes(recovered, IndexDump.dump(rebuilt)));
        delete(rebuilt);

        VerificationReport after = Verifier.verify(dir);
        if (!after.ok()) {
            problems.add("the verifier found problems after recovery and a clean close: " + after.summary());
        }
        return new CrashModel.Check(problems, check.stats());
    }

    /** Every column family must hold exactly the same entries, the index checkpoint included. */
    private static List<String> compareIndexes(Map<String, List<String>> recovered, Map<String, List<String>> rebuilt) {
        List<String> problems = new ArrayList<>();
        Set<String> families = new TreeSet<>(recovered.keySet());
        families.addAll(rebuilt.keySet());
        for (String cf : families) {
            List<String> a = recovered.getOrDefault(cf, List.of());
            List<String> b = rebuilt.getOrDefault(cf, List.of());
            if (Objects.equals(a, b)) {
                continue;
            }
            Set<String> onlyRecovered = new LinkedHashSet<>(a);
            b.forEach(onlyRecovered::remove);
            Set<String> onlyRebuilt = new LinkedHashSet<>(b);
            a.forEach(onlyRebuilt::remove);
            problems.add("index column family '" + cf + "': the recovered index has " + a.size()
                    + " entries, the index rebuilt from the log " + b.size() + "; only in the recovered one: "
                    + first(onlyRecovered) + "; only in the rebuilt one: " + first(onlyRebuilt));
        }
        return problems;
    }

    private static List<String> first(Set<String> entries) {
        return entries.stream().limit(5).toList();
    }

    private static long segments(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("log"))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".log")).count();
        }
    }

    /** Copies a file or a directory tree; a missing {@code from} gives an empty directory. */
    static Path copy(Path from, Path to) {
        if (!Files.exists(from)) {
            try {
                return Files.createDirectories(to);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
            return to;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
