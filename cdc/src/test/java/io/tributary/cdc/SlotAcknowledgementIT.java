package io.tributary.cdc;

import static io.tributary.cdc.SourceDb.category;
import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.core.EventStore;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StreamAppend;
import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.Tributary;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The slot is acknowledged only up to what is durable in the log, whatever the server sends in
 * between. The interleaving: a transaction B is received and its append is still in flight (here:
 * held forever, as if the capture died before the log wrote it); then the last message received is
 * one whose start LSN is below the acknowledged position (the end of a streamed chunk of an older,
 * still open transaction A, streamed because a third transaction C filled
 * {@code logical_decoding_work_mem}); then a keepalive. pgjdbc's "automatic flush" (on by default)
 * took that keepalive's server LSN, which is past B's commit, as flushed and reported it: the slot's
 * confirmed_flush_lsn passed B, and a restart from the log's position was silently forwarded past B.
 */
class SlotAcknowledgementIT {
    static SourceDb db;

    @TempDir
    Path dir;

    @BeforeAll
    static void startPostgres() {
        db = SourceDb.start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        db.close();
    }

    @Test
    void slotIsNeverConfirmedPastAnAppendStillInFlightEvenWhenAKeepaliveFollowsAnOlderStreamedChunk() throws Exception {
        db.exec("CREATE TABLE acked (id int PRIMARY KEY, pad text NOT NULL)", "CREATE TABLE filler (id int)");
        // Heartbeats off: their messages would land between the chunk and the keepalive.
        PostgresSource source = db.source("acked", "acked").heartbeatIntervalMs(0).statusIntervalMs(20).build();
        try (EmbeddedEventStore store = Tributary.open(dir)) {
            AtomicBoolean holding = new AtomicBoolean();
            CountDownLatch held = new CountDownLatch(1);
            EventStore slowLog = holdAppendsFrom(store, "acked-999", holding, held);
            PostgresCapture capture = PostgresCapture.start(slowLog, source);
            long confirmed;
            long durableAtCrash;
            String slot;
            try (Connection a = db.connect(); Statement sa = a.createStatement();
                 Connection c = db.connect(); Statement sc = c.createStatement()) {
                // A: an open transaction, big but below logical_decoding_work_mem (64kB) on its own.
                a.setAutoCommit(false);
                sa.execute("INSERT INTO acked SELECT g, repeat('a', 1000) FROM generate_series(1, 45) g");
                // T0 commits after A's changes and becomes durable: the acknowledged position passes A's last change.
                long beforeT0 = currentLsn();
                db.exec("INSERT INTO acked VALUES (500, 't0')");
                awaitPosition(capture, beforeT0 + 1); // with heartbeats off, only T0's commit moves the position
                poke(10); // lets pgjdbc report the acknowledged position (it reports only when something arrives)
                // B commits; its append never completes (a crash before the log wrote it).
                db.exec("INSERT INTO acked VALUES (999, 'b')");
                long b = currentLsn();
                assertThat(held.await(30, TimeUnit.SECONDS)).as("B reached the log writer").isTrue();
                long durable = PostgresCaptureIT.lsn(capture.status().sourcePosition());
                assertThat(durable).isLessThan(b);
                // C: fills the decoding memory with changes of an unpublished table; A, the largest, is streamed.
                c.setAutoCommit(false);
                sc.execute("INSERT INTO filler SELECT g FROM generate_series(1, 200) g");
                Thread.sleep(600);
                poke(10);
                Thread.sleep(300);
                confirmed = confirmedFlush(source.slotName());
                slot = String.format("slot confirmed at %s, log durable at %s, B committed before %s", fmt(confirmed), fmt(durable), fmt(b));
                durableAtCrash = durable;
                a.rollback();
                c.rollback();
            } finally {
                capture.close(Duration.ofSeconds(10));
            }
            // "Restart after the crash": B was never written, so it must be captured again.
            try (PostgresCapture again = PostgresCapture.start(store, source)) {
                db.exec("INSERT INTO acked VALUES (1000, 'marker')");
                List<RecordedEvent> events = SourceDb.await(store, "acked",
                        e -> e.stream().anyMatch(x -> x.stream().value().equals("acked-1000")), again);
            }
            assertThat(category(store, "acked")).extracting(e -> e.stream().value()).as(slot)
                    .containsExactly("acked-500", "acked-999", "acked-1000");
            assertThat(confirmed).as(slot).isLessThanOrEqualTo(durableAtCrash);
        }
    }

    /** A store whose appends, from the first one touching {@code stream} on, never complete. */
    private static EventStore holdAppendsFrom(EventStore store, String stream, AtomicBoolean holding, CountDownLatch held) {
        return (EventStore) Proxy.newProxyInstance(EventStore.class.getClassLoader(), new Class<?>[] {EventStore.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("appendAll")) {
                        @SuppressWarnings("unchecked")
                        List<StreamAppend> parts = (List<StreamAppend>) args[0];
                        if (holding.get() || parts.stream().anyMatch(p -> p.stream().value().equals(stream))) {
                            holding.set(true);
                            held.countDown();
                            return new CompletableFuture<>();
                        }
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static String fmt(long lsn) {
        return io.tributary.cdc.internal.Lsn.format(lsn);
    }

    private static void awaitPosition(PostgresCapture capture, long lsn) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (PostgresCaptureIT.lsn(capture.status().sourcePosition()) < lsn) {
            assertThat(System.nanoTime()).as("position %s reached: %s", fmt(lsn), capture.status()).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    /** Non-transactional messages nobody captures: the walsender sends them, so pgjdbc gets to send a status. */
    private static void poke(int times) throws Exception {
        for (int i = 0; i < times; i++) {
            db.exec("SELECT pg_logical_emit_message(false, 'test.poke', 'x')");
            Thread.sleep(50);
        }
    }

    private static long currentLsn() throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_current_wal_insert_lsn()::text")) {
            rs.next();
            return PostgresCaptureIT.lsn(rs.getString(1));
        }
    }

    private static long confirmedFlush(String slot) throws SQLException {
        try (Connection c = db.connect();
             PreparedStatement s = c.prepareStatement("SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = ?")) {
            s.setString(1, slot);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return PostgresCaptureIT.lsn(rs.getString(1));
            }
        }
    }
}
