package io.tributary.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.core.RecordedEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Folds captured change events of one table into rows, and checks them against the source. */
final class RowHistory {
    /** Per row key (the id column), its events in log order. */
    final Map<Integer, List<JsonNode>> byRow = new TreeMap<>();
    /** Non-snapshot change events in log order. */
    final List<JsonNode> changes = new ArrayList<>();

    RowHistory(List<RecordedEvent> events) {
        for (RecordedEvent e : events) {
            JsonNode d = SourceDb.data(e);
            String op = d.get("op").asText();
            if (op.equals("t")) {
                throw new AssertionError("no truncate expected");
            }
            JsonNode row = op.equals("d") ? d.get("before") : d.get("after");
            byRow.computeIfAbsent(row.get("id").asInt(), k -> new ArrayList<>()).add(d);
            if (!op.equals("r")) {
                changes.add(d);
            }
        }
    }

    /** The folded state: id to v. */
    Map<Integer, Integer> state() {
        Map<Integer, Integer> out = new TreeMap<>();
        for (Map.Entry<Integer, List<JsonNode>> e : byRow.entrySet()) {
            Integer v = null;
            for (JsonNode d : e.getValue()) {
                v = d.get("op").asText().equals("d") ? null : d.get("after").get("v").asInt();
            }
            if (v != null) {
                out.put(e.getKey(), v);
            }
        }
        return out;
    }

    /** The first differences from {@code expected}, with each row's events, for failure messages. */
    String diff(Map<Integer, Integer> expected) {
        Map<Integer, Integer> got = state();
        StringBuilder b = new StringBuilder();
        int shown = 0;
        java.util.Set<Integer> keys = new java.util.TreeSet<>(expected.keySet());
        keys.addAll(got.keySet());
        for (Integer k : keys) {
            if (!java.util.Objects.equals(expected.get(k), got.get(k)) && shown++ < 5) {
                b.append("\n  row ").append(k).append(" expected ").append(expected.get(k)).append(" got ").append(got.get(k))
                        .append(" events ").append(byRow.get(k));
            }
        }
        return b.toString();
    }

    /** Rows with more than one snapshot read. */
    Map<Integer, Integer> repeatedReads() {
        Map<Integer, Integer> out = new HashMap<>();
        byRow.forEach((id, list) -> {
            long reads = list.stream().filter(d -> d.get("op").asText().equals("r")).count();
            if (reads > 1) {
                out.put(id, (int) reads);
            }
        });
        return out;
    }

    /**
     * Checks one row's events from a workload whose every update adds 1 to {@code v}: each change continues from the value
     * before it (no gap and no overlap between a snapshot read and the changes streamed around it).
     */
    static void checkCountsUp(int id, List<JsonNode> events) {
        Integer v = null;
        for (JsonNode d : events) {
            String op = d.get("op").asText();
            switch (op) {
                case "r", "c" -> {
                    assertThat(v).as("row %d: %s of a row that exists (%s)", id, op, events).isNull();
                    v = d.get("after").get("v").asInt();
                }
                case "u" -> {
                    assertThat(v).as("row %d: update of a missing row (%s)", id, events).isNotNull();
                    assertThat(d.get("after").get("v").asInt()).as("row %d: no gap and no overlap (%s)", id, events).isEqualTo(v + 1);
                    v = v + 1;
                }
                case "d" -> {
                    assertThat(v).as("row %d: delete of a missing row (%s)", id, events).isNotNull();
                    v = null;
                }
                default -> throw new AssertionError(op);
            }
        }
    }

    /**
     * A thread (not started) that inserts (ids from {@code firstNew}), deletes and updates rows {@code (id, v)} of
     * {@code table} until {@code stop}, every update adding 1 to {@code v}: the workload {@link #checkCountsUp} checks.
     */
    static Thread countingWrites(java.util.concurrent.Callable<java.sql.Connection> connect, String table, int firstNew,
                                 java.util.concurrent.atomic.AtomicBoolean stop, long seed) {
        java.util.Random random = new java.util.Random(seed);
        return new Thread(() -> {
            try (java.sql.Connection c = connect.call(); java.sql.Statement s = c.createStatement()) {
                int next = firstNew;
                while (!stop.get()) {
                    int id = 1 + random.nextInt(next - 1);
                    switch (random.nextInt(4)) {
                        case 0 -> s.execute("INSERT INTO " + table + " (id, v) VALUES (" + next++ + ", 0)");
                        case 1 -> s.execute("DELETE FROM " + table + " WHERE id = " + id);
                        default -> s.execute("UPDATE " + table + " SET v = v + 1 WHERE id = " + id);
                    }
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** The rows {@code (id, v)} of {@code table} now, read through a new connection. */
    static Map<Integer, Integer> rows(java.util.concurrent.Callable<java.sql.Connection> connect, String table) throws Exception {
        Map<Integer, Integer> out = new TreeMap<>();
        try (java.sql.Connection c = connect.call(); java.sql.Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT id, v FROM " + table)) {
            while (rs.next()) {
                out.put(rs.getInt(1), rs.getInt(2));
            }
        }
        return out;
    }

    /**
     * The end of a snapshot read under {@link #countingWrites}: once {@code capture}'s snapshot is done, lets the workload
     * run a moment longer, stops it, waits until the log's rows of {@code table} are the table's rows and checks every
     * row's history (no snapshot read repeated, each change continuing from the one before, changes streamed meanwhile).
     */
    static RowHistory settle(io.tributary.core.EventStore store, CdcCapture capture, String table,
                             java.util.concurrent.atomic.AtomicBoolean stop, Thread writer,
                             java.util.concurrent.Callable<java.sql.Connection> connect) throws Exception {
        SourceDb.await(store, table, e -> capture.status().snapshot().done(), capture);
        Thread.sleep(300);
        stop.set(true);
        writer.join();
        Map<Integer, Integer> expected = rows(connect, table);
        try {
            SourceDb.await(store, table, e -> new RowHistory(e).state().equals(expected), capture);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + new RowHistory(SourceDb.category(store, table)).diff(expected), e);
        }
        RowHistory history = new RowHistory(SourceDb.category(store, table));
        assertThat(history.repeatedReads()).isEmpty();
        history.byRow.forEach(RowHistory::checkCountsUp);
        assertThat(history.changes).as("changes streamed during the snapshot").isNotEmpty();
        return history;
    }
}
