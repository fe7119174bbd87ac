package io.tributary.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.cdc.internal.Lsn;
import io.tributary.core.Direction;
import io.tributary.core.EventStore;
import io.tributary.core.ReadSlice;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StreamName;
import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.Tributary;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
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
 * Kill -9 the capturing JVM at seeded random points, during the snapshot and during streaming,
 * while a workload keeps committing; restart it each time. At the end the log must hold exactly
 * the source's committed changes, in commit order, once: for every row, the streamed change
 * events are exactly the last changes the workload committed to it (no gap, no duplicate), and its
 * snapshot read (at most one) is the row's state just before them. Replay a failure with
 * {@code -Dcrash.seed=<seed>} (the seed is printed).
 */
class CaptureCrashIT {
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
        System.out.println("CaptureCrashIT seed " + seed + " (replay with -Dcrash.seed=" + seed + ")");
        Random random = new Random(seed);
        try (SourceDb db = SourceDb.start()) {
            db.exec("CREATE TABLE crash (id int PRIMARY KEY, v int NOT NULL)",
                    "INSERT INTO crash SELECT g, 0 FROM generate_series(1, " + ROWS + ") g");
            Map<Integer, Integer> initial = new TreeMap<>();
            for (int i = 1; i <= ROWS; i++) {
                initial.put(i, 0);
            }
            List<Op> committed = new ArrayList<>();
            Map<Integer, Long> commitLsns = new HashMap<>();
            Map<Integer, Integer> current = new TreeMap<>(initial);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> workloadError = new AtomicReference<>();
            Thread workload = null;
            List<String> kills = new ArrayList<>();
            for (int round = 0; round < ROUNDS; round++) {
                boolean inSnapshot = round < 3;
                ChildRun child = new ChildRun(dir, db.url(), 20);
                String started = child.awaitLine(l -> l.equals("started"));
                assertThat(started).as("child started (stderr: %s)", child.stderr()).isEqualTo("started");
                if (workload == null) {
                    // Start writing only once the slot exists: every workload change must then be in the log.
                    Random wr = new Random(random.nextLong());
                    workload = new Thread(() -> runWorkload(db, wr, committed, current, commitLsns, stop, workloadError), "workload");
                    workload.start();
                }
                String last;
                if (inSnapshot) {
                    long threshold = 200 + random.nextInt(ROWS / 3);
                    last = child.awaitLine(l -> l.startsWith("status") && (Long.parseLong(l.split(" ")[2]) >= threshold
                            || l.split(" ")[3].equals("true")));
                } else {
                    long waitMs = 200 + random.nextInt(1500);
                    last = child.awaitFor(waitMs);
                }
                child.kill();
                kills.add("round " + round + ": " + last);
                assertThat(last).as("child failed: %s", child.stderr()).doesNotContain("FAILED");
            }
            stop.set(true);
            workload.join();
            assertThat(workloadError.get()).isNull();
            System.out.println("CaptureCrashIT kills:\n  " + String.join("\n  ", kills) + "\n  committed ops: " + committed.size());

            // A last run catches up (its position passes the WAL end after a marker row), then the log is checked offline.
            ChildRun fin = new ChildRun(dir, db.url(), 20);
            fin.awaitLine(l -> l.equals("started"));
            long target;
            try (Connection c = db.connect(); Statement s = c.createStatement()) {
                s.execute("INSERT INTO crash VALUES (-1, 0)");
                committed.add(new Op(-1, "c", 0));
                current.put(-1, 0);
                try (java.sql.ResultSet rs = s.executeQuery("SELECT pg_current_wal_insert_lsn()::text")) {
                    rs.next();
                    commitLsns.put(-1, PostgresCaptureIT.lsn(rs.getString(1)));
                }
                // The insert position, past the marker's commit record. Not pg_current_wal_lsn(): that is the
                // *written* position, and with synchronous_commit = off the commit record may not be written yet,
                // so a position "past the target" did not prove the marker was captured (seed 102 failed so).
                try (java.sql.ResultSet rs = s.executeQuery("SELECT pg_current_wal_insert_lsn()::text")) {
                    rs.next();
                    target = PostgresCaptureIT.lsn(rs.getString(1));
                }
            }
            String caughtUp = fin.awaitLine(l -> l.startsWith("status") && PostgresCaptureIT.lsn(l.split(" ")[4]) >= target);
            fin.kill();
            assertThat(caughtUp).as("caught up after the kills (seed %d): %s", seed, fin.stderr()).startsWith("status");
            assertThat(PostgresCaptureIT.lsn(caughtUp.split(" ")[4])).isGreaterThanOrEqualTo(target);
            System.out.println("CaptureCrashIT caught up: " + caughtUp + " target " + Long.toHexString(target));
            try (EmbeddedEventStore store = Tributary.open(dir.resolve("log"))) {
                RowHistory log = new RowHistory(SourceDb.category(store, "crash"));
                try {
                    verify(log, initial, committed, current, seed);
                } catch (AssertionError e) {
                    System.out.println(diagnostics(db, store, log, current, commitLsns, target));
                    throw e;
                }
            }
        }
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
        // Rows the workload touched but the log never saw must have been deleted before the snapshot of their range.
        for (Map.Entry<Integer, List<Op>> e : perRow.entrySet()) {
            if (!log.byRow.containsKey(e.getKey())) {
                assertThat(current.containsKey(e.getKey())).as("row %d missing from the log (seed %d)", e.getKey(), seed).isFalse();
            }
        }
        List<Long> lsns = log.changes.stream().map(d -> d.get("source").get("lsn").asLong()).toList();
        for (int i = 1; i < lsns.size(); i++) {
            assertThat(lsns.get(i)).as("commit order (seed %d)", seed).isGreaterThanOrEqualTo(lsns.get(i - 1));
        }
    }

    private static void runWorkload(SourceDb db, Random random, List<Op> committed, Map<Integer, Integer> current,
                                    Map<Integer, Long> commitLsns, AtomicBoolean stop, AtomicReference<Throwable> error) {
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
                long lsn;
                try (java.sql.ResultSet rs = s.executeQuery("SELECT pg_current_wal_insert_lsn()::text")) {
                    rs.next();
                    lsn = PostgresCaptureIT.lsn(rs.getString(1));
                }
                c.commit();
                synchronized (committed) {
                    ops.forEach(o -> commitLsns.put(o.id(), lsn));
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

    /**
     * What a failure needs to be explained: the slot's state, the newest recorded positions, and for each row
     * whose folded state differs, an upper bound of its last commit's LSN and the LSNs of its events in the log.
     */
    private static String diagnostics(SourceDb db, EventStore store, RowHistory log, Map<Integer, Integer> current,
                                      Map<Integer, Long> commitLsns, long target) {
        StringBuilder b = new StringBuilder("CaptureCrashIT diagnostics (target ").append(Lsn.format(target)).append(")");
        try (Connection c = db.connect(); Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT slot_name, active, restart_lsn::text, confirmed_flush_lsn::text,"
                     + " pg_current_wal_insert_lsn()::text FROM pg_replication_slots")) {
            while (rs.next()) {
                b.append("\n  slot ").append(rs.getString(1)).append(" active=").append(rs.getBoolean(2))
                        .append(" restart_lsn=").append(rs.getString(3)).append(" confirmed_flush_lsn=").append(rs.getString(4))
                        .append(" (wal insert at ").append(rs.getString(5)).append(")");
            }
        } catch (Exception e) {
            b.append("\n  slots: ").append(e);
        }
        try {
            ReadSlice positions = store.readStream(StreamName.of("tributary.cdc-crash"), Long.MAX_VALUE, 10, Direction.BACKWARD);
            for (RecordedEvent e : positions.events()) {
                b.append("\n  position v").append(e.version()).append(" ").append(new String(e.data(), StandardCharsets.UTF_8));
            }
        } catch (RuntimeException e) {
            b.append("\n  positions: ").append(e);
        }
        Map<Integer, Integer> got = log.state();
        java.util.Set<Integer> keys = new java.util.TreeSet<>(current.keySet());
        keys.addAll(got.keySet());
        int shown = 0;
        for (Integer k : keys) {
            if (!java.util.Objects.equals(current.get(k), got.get(k)) && shown++ < 10) {
                Long lsn = commitLsns.get(k);
                b.append("\n  row ").append(k).append(": last commit before ").append(lsn == null ? "-" : Lsn.format(lsn))
                        .append("; events at LSNs ").append(log.byRow.getOrDefault(k, List.of()).stream()
                                .map(d -> d.get("op").asText() + "@" + Lsn.format(d.get("source").get("lsn").asLong())).toList());
            }
        }
        return b.toString();
    }

    private static int pick(Map<Integer, Integer> rows, Random random) {
        // Mostly a small hot set, so rows get several changes.
        Integer[] keys = rows.keySet().toArray(new Integer[0]);
        return random.nextInt(3) == 0 ? keys[random.nextInt(keys.length)] : keys[random.nextInt(Math.min(keys.length, 50))];
    }

    /** A capturing child JVM and its output lines. */
    static final class ChildRun {
        final Process process;
        final BufferedReader out;
        final Path stderr;

        ChildRun(Path dir, String url, int chunkRows) throws Exception {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            stderr = dir.resolve("child.stderr");
            process = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                    CaptureCrashChild.class.getName(), dir.resolve("log").toString(), url, Integer.toString(chunkRows))
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
