package io.tributary.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.Tributary;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MySQL/MariaDB version of {@link CaptureCrashIT}: kill -9 the capturing JVM at seeded random
 * points, during the snapshot and during streaming, while a workload (with transactions large
 * enough to be appended in chunks) keeps committing; restart it each time. At the end the log must
 * hold exactly the source's committed changes, in commit order, once. Replay a failure with
 * {@code -Dcrash.seed=<seed>} (the seed is printed).
 */
class MySqlCrashIT {
    static final int ROWS = 3000;
    static final int ROUNDS = Integer.getInteger("crash.rounds", 10);

    @TempDir
    Path dir;

    /** One committed change: op c/u/d of row id, resulting v (null for d). */
    record Op(int id, String op, Integer v) {
    }

    @Test
    void logHoldsExactlyTheCommittedChangesOnceAfterKillNineDuringSnapshotAndStreaming() throws Exception {
        long seed = Long.getLong("crash.seed", System.nanoTime());
        System.out.println("MySqlCrashIT seed " + seed + " (replay with -Dcrash.seed=" + seed + ")");
        try (MariaDb db = MariaDb.start()) {
            run(dir, seed, db, round -> db, true);
        }
    }

    /**
     * Kills and restarts the capture {@link #ROUNDS} times while a workload commits on {@code db}, each round's capture
     * reading {@code serverOfRound} (waiting first until that server has replicated all {@code db} has); the first three
     * rounds are killed during the snapshot when {@code killDuringSnapshot}, else the first round runs until the snapshot
     * is done. A last run on {@code db} catches up, then the log is checked.
     */
    static void run(Path dir, long seed, MariaDb db, java.util.function.IntFunction<MariaDb> serverOfRound,
                    boolean killDuringSnapshot) throws Exception {
        Random random = new Random(seed);
        db.exec("CREATE TABLE crash (id int PRIMARY KEY, v int NOT NULL)",
                "INSERT INTO crash SELECT seq, 0 FROM seq_1_to_" + ROWS);
        Map<Integer, Integer> initial = new TreeMap<>();
        for (int i = 1; i <= ROWS; i++) {
            initial.put(i, 0);
        }
        List<Op> committed = new ArrayList<>();
        Map<Integer, Integer> current = new TreeMap<>(initial);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> workloadError = new AtomicReference<>();
        Thread workload = null;
        List<String> kills = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            boolean inSnapshot = killDuringSnapshot && round < 3;
            MariaDb server = serverOfRound.apply(round);
            if (server != db) {
                caughtUp(db, server);
            }
            ChildRun child = new ChildRun(dir, server.url(), 20);
            String started = child.awaitLine(l -> l.equals("started"));
            assertThat(started).as("child started (stderr: %s)", child.stderr()).isEqualTo("started");
            if (workload == null) {
                Random wr = new Random(random.nextLong());
                workload = new Thread(() -> runWorkload(db, wr, committed, current, stop, workloadError), "workload");
                workload.start();
            }
            String last;
            if (inSnapshot) {
                long threshold = 200 + random.nextInt(ROWS / 3);
                last = child.awaitLine(l -> l.startsWith("status") && (Long.parseLong(l.split(" ")[2]) >= threshold
                        || l.split(" ")[3].equals("true")));
            } else {
                if (round == 0) {
                    child.awaitLine(l -> l.startsWith("status") && l.split(" ")[3].equals("true"));
                }
                last = child.awaitFor(200 + random.nextInt(1500));
            }
            child.kill();
            kills.add("round " + round + (server != db ? " (replica)" : "") + ": " + last);
            assertThat(last).as("child failed: %s", child.stderr()).doesNotContain("FAILED");
        }
        stop.set(true);
        workload.join();
        assertThat(workloadError.get()).isNull();
        System.out.println("MySqlCrashIT kills:\n  " + String.join("\n  ", kills) + "\n  committed ops: " + committed.size());

        // A last run catches up past a marker row, then the log is checked offline.
        ChildRun fin = new ChildRun(dir, db.url(), 20);
        fin.awaitLine(l -> l.equals("started"));
        long target;
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO crash VALUES (-1, 0)");
            committed.add(new Op(-1, "c", 0));
            current.put(-1, 0);
            try (ResultSet rs = s.executeQuery("SHOW MASTER STATUS")) {
                rs.next();
                target = rs.getLong(2);
            }
        }
        String caughtUp = fin.awaitLine(l -> l.startsWith("status") && l.split(" ")[4].contains(":")
                && Long.parseLong(l.split(" ")[4].split(":")[1]) >= target);
        fin.kill();
        assertThat(caughtUp).as("caught up after the kills (seed %d): %s", seed, fin.stderr()).startsWith("status");
        System.out.println("MySqlCrashIT caught up: " + caughtUp + " target " + target);
        try (EmbeddedEventStore store = Tributary.open(dir.resolve("log"))) {
            verify(new RowHistory(SourceDb.category(store, "crash")), initial, committed, current, seed);
        }
    }

    /** Waits until {@code replica} has applied everything {@code primary} has written. */
    static void caughtUp(MariaDb primary, MariaDb replica) throws java.sql.SQLException {
        String at = primary.scalar("SELECT @@GLOBAL.gtid_binlog_pos", 1);
        assertThat(replica.scalar("SELECT MASTER_GTID_WAIT('" + at + "', 60)", 1)).as("replica caught up to " + at).isEqualTo("0");
    }

    private static void verify(RowHistory log, Map<Integer, Integer> initial, List<Op> committed, Map<Integer, Integer> current,
                               long seed) {
        assertThat(log.state()).as("folded log equals the source (seed %d): %s", seed, log.diff(current)).isEqualTo(current);
        assertThat(log.repeatedReads()).as("snapshot reads once per row (seed %d)", seed).isEmpty();
        Map<Integer, List<Op>> perRow = new HashMap<>();
        for (Op op : committed) {
            perRow.computeIfAbsent(op.id(), k -> new ArrayList<>()).add(op);
        }
        for (Map.Entry<Integer, List<JsonNode>> e : log.byRow.entrySet()) {
            int id = e.getKey();
            List<Op> expected = perRow.getOrDefault(id, List.of());
            List<Op> streamed = new ArrayList<>();
            Integer read = null;
            boolean hasRead = false;
            for (JsonNode d : e.getValue()) {
                String op = d.get("op").asText();
                if (op.equals("r")) {
                    assertThat(streamed).as("row %d: snapshot read after its changes (seed %d)", id, seed).isEmpty();
                    hasRead = true;
                    read = d.get("after").get("v").asInt();
                } else {
                    streamed.add(new Op(id, op, op.equals("d") ? null : d.get("after").get("v").asInt()));
                }
            }
            assertThat(streamed.size()).as("row %d: more changes than committed (seed %d)", id, seed).isLessThanOrEqualTo(expected.size());
            List<Op> suffix = expected.subList(expected.size() - streamed.size(), expected.size());
            assertThat(streamed).as("row %d: streamed changes are the last committed ones, once, in order (seed %d)", id, seed)
                    .isEqualTo(suffix);
            Integer before = initial.get(id);
            for (Op op : expected.subList(0, expected.size() - streamed.size())) {
                before = op.v();
            }
            if (hasRead) {
                assertThat(read).as("row %d: snapshot value is the state before the streamed changes (seed %d)", id, seed)
                        .isEqualTo(before);
            } else {
                assertThat(before).as("row %d: no snapshot read, so it did not exist before its changes (seed %d)", id, seed).isNull();
            }
        }
        for (Map.Entry<Integer, List<Op>> e : perRow.entrySet()) {
            if (!log.byRow.containsKey(e.getKey())) {
                assertThat(current.containsKey(e.getKey())).as("row %d missing from the log (seed %d)", e.getKey(), seed).isFalse();
            }
        }
        // Commit order: transactions (GTID sequence numbers, increasing in commit order) never go back. Inside one
        // append events are grouped by stream; transaction.total_order keeps the source's order there.
        JsonNode previous = null;
        for (JsonNode d : log.changes) {
            if (previous != null) {
                assertThat(seq(d)).as("commit order (seed %d): %s after %s", seed, d, previous).isGreaterThanOrEqualTo(seq(previous));
            }
            previous = d;
        }
    }

    private static long seq(JsonNode change) {
        String gtid = change.get("source").get("gtid").asText();
        return Long.parseLong(gtid.substring(gtid.lastIndexOf('-') + 1));
    }

    private static void runWorkload(MariaDb db, Random random, List<Op> committed, Map<Integer, Integer> current,
                                    AtomicBoolean stop, AtomicReference<Throwable> error) {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            int next = ROWS + 1;
            while (!stop.get()) {
                List<Op> ops = new ArrayList<>();
                Map<Integer, Integer> after = new TreeMap<>(current);
                int n = 1 + random.nextInt(random.nextInt(10) == 0 ? 300 : 4);
                for (int i = 0; i < n; i++) {
                    int choice = random.nextInt(10);
                    if (choice == 0 || after.isEmpty()) {
                        int id = next++;
                        s.execute("INSERT INTO crash VALUES (" + id + ", 0)");
                        after.put(id, 0);
                        ops.add(new Op(id, "c", 0));
                    } else {
                        int id = pick(after, random);
                        if (choice == 1) {
                            s.execute("DELETE FROM crash WHERE id = " + id);
                            after.remove(id);
                            ops.add(new Op(id, "d", null));
                        } else {
                            int v = after.get(id) + 1;
                            s.execute("UPDATE crash SET v = " + v + " WHERE id = " + id);
                            after.put(id, v);
                            ops.add(new Op(id, "u", v));
                        }
                    }
                }
                c.commit();
                synchronized (committed) {
                    committed.addAll(ops);
                    current.clear();
                    current.putAll(after);
                }
                Thread.sleep(1 + random.nextInt(4));
            }
        } catch (Throwable t) {
            error.set(t);
        }
    }

    private static int pick(Map<Integer, Integer> rows, Random random) {
        Integer[] keys = rows.keySet().toArray(new Integer[0]);
        return random.nextInt(3) == 0 ? keys[random.nextInt(keys.length)] : keys[random.nextInt(Math.min(keys.length, 50))];
    }

    /** A capturing child JVM and its output lines. */
    static final class ChildRun {
        final Process process;
        final BufferedReader out;
        final Path stderr;

        ChildRun(Path dir, String url, int chunkRows) throws Exception {
            this(dir, url, chunkRows, "crash");
        }

        ChildRun(Path dir, String url, int chunkRows, String table) throws Exception {
            this(dir, url, chunkRows, table, 100);
        }

        ChildRun(Path dir, String url, int chunkRows, String table, long heartbeatMs) throws Exception {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            stderr = dir.resolve("child.stderr");
            process = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                    MySqlCrashChild.class.getName(), dir.resolve("log").toString(), url, Integer.toString(chunkRows), table,
                    Long.toString(heartbeatMs))
                    .redirectError(stderr.toFile()).start();
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        }

        String awaitLine(java.util.function.Predicate<String> done) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            String last = "none";
            for (String line = out.readLine(); line != null && System.nanoTime() < deadline; line = out.readLine()) {
                last = line;
                if (done.test(line) || line.contains("FAILED")) {
                    return line;
                }
            }
            return last;
        }

        String awaitFor(long millis) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            String last = "none";
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                last = line;
                if (System.nanoTime() > deadline || line.contains("FAILED")) {
                    break;
                }
            }
            return last;
        }

        void kill() throws Exception {
            process.toHandle().destroyForcibly();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }

        String stderr() throws Exception {
            return Files.exists(stderr) ? Files.readString(stderr) : "";
        }
    }
}
