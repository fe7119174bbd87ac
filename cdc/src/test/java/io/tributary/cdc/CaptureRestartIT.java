package io.tributary.cdc;

import static io.tributary.cdc.SourceDb.data;
import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.core.RecordedEvent;
import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.Tributary;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A capture that loses its server — here its replication session killed on the server — waits, restarts and
 * resumes from its last durable position: the changes made meanwhile arrive once, none lost. With
 * {@link RestartPolicy#never()} it stops instead, as before.
 */
class CaptureRestartIT {
    static SourceDb postgres;
    static MariaDb mariadb;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        postgres = SourceDb.start();
        mariadb = MariaDb.start();
    }

    @AfterAll
    static void stop() throws Exception {
        postgres.close();
        mariadb.close();
    }

    private static List<String> changes(List<RecordedEvent> events) {
        return events.stream().map(e -> e.stream().value() + " " + data(e).get("op").asText()).toList();
    }

    /** Waits until {@code status} reports {@code state}; returns that status. */
    private static CdcStatus awaitState(Supplier<CdcStatus> status, CdcStatus.State state) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        CdcStatus s = status.get();
        while (s.status() != state) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + state + " within 30 s; status " + s);
            }
            Thread.sleep(5);
            s = status.get();
        }
        return s;
    }

    private static void killWalsender(String slot) {
        assertThat(postgres.scalar("SELECT count(pg_terminate_backend(active_pid)) FROM pg_replication_slots WHERE slot_name = '"
                + slot + "' AND active_pid IS NOT NULL")).isEqualTo("1");
    }

    @Test
    void aPostgresCaptureWhoseSessionIsKilledRestartsAndLosesNothing() throws Exception {
        postgres.exec("CREATE TABLE rs (id int PRIMARY KEY, v int)");
        PostgresSource source = postgres.source("rs", "rs")
                .restart(RestartPolicy.backoff(Duration.ofMillis(500), Duration.ofSeconds(2))).build();
        try (EmbeddedEventStore store = Tributary.open(dir);
             PostgresCapture capture = PostgresCapture.start(store, source)) {
            postgres.exec("INSERT INTO rs VALUES (1, 1)");
            SourceDb.awaitCount(store, "rs", 1, capture);
            killWalsender("tributary_rs");
            CdcStatus restarting = awaitState(capture::status, CdcStatus.State.RESTARTING);
            assertThat(restarting.lastError()).hasValueSatisfying(m -> assertThat(m).containsIgnoringCase("connection"));
            postgres.exec("INSERT INTO rs VALUES (2, 2)", "UPDATE rs SET v = 11 WHERE id = 1");
            List<RecordedEvent> events = SourceDb.awaitCount(store, "rs", 3, capture);
            assertThat(changes(events)).containsExactly("rs-1 c", "rs-2 c", "rs-1 u");
            assertThat(capture.status().status()).isEqualTo(CdcStatus.State.STREAMING);
            // A second loss: restarted again.
            killWalsender("tributary_rs");
            awaitState(capture::status, CdcStatus.State.RESTARTING);
            postgres.exec("DELETE FROM rs WHERE id = 2");
            assertThat(changes(SourceDb.awaitCount(store, "rs", 4, capture))).containsExactly("rs-1 c", "rs-2 c", "rs-1 u",
                    "rs-2 d");
        }
    }

    @Test
    void withRestartNeverALostSessionStopsThePostgresCapture() throws Exception {
        postgres.exec("CREATE TABLE rsn (id int PRIMARY KEY)");
        PostgresSource source = postgres.source("rsn", "rsn").restart(RestartPolicy.never()).build();
        try (EmbeddedEventStore store = Tributary.open(dir);
             PostgresCapture capture = PostgresCapture.start(store, source)) {
            postgres.exec("INSERT INTO rsn VALUES (1)");
            SourceDb.awaitCount(store, "rsn", 1, capture);
            killWalsender("tributary_rsn");
            CdcStatus failed = awaitState(capture::status, CdcStatus.State.FAILED);
            assertThat(failed.lastError()).hasValueSatisfying(m -> assertThat(m).containsIgnoringCase("connection"));
            Thread.sleep(1500);
            assertThat(capture.status().status()).as("not restarted").isEqualTo(CdcStatus.State.FAILED);
        }
    }

    @Test
    void aRestartThatMeetsAProblemARestartCannotMendStopsTheCaptureSayingWhy() throws Exception {
        postgres.exec("CREATE TABLE rsd (id int PRIMARY KEY)");
        PostgresSource source = postgres.source("rsd", "rsd")
                .restart(RestartPolicy.backoff(Duration.ofSeconds(1), Duration.ofSeconds(2))).build();
        try (EmbeddedEventStore store = Tributary.open(dir);
             PostgresCapture capture = PostgresCapture.start(store, source)) {
            postgres.exec("INSERT INTO rsd VALUES (1)");
            SourceDb.awaitCount(store, "rsd", 1, capture);
            killWalsender("tributary_rsd");
            awaitState(capture::status, CdcStatus.State.RESTARTING);
            // While it waits, its slot is dropped: what the slot held for it is gone, a restart must not paper over that.
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (true) {
                try {
                    postgres.exec("SELECT pg_drop_replication_slot('tributary_rsd')");
                    break;
                } catch (IllegalStateException stillActive) {
                    assertThat(System.nanoTime()).as("slot dropped: %s", stillActive.getMessage()).isLessThan(deadline);
                    Thread.sleep(20);
                }
            }
            CdcStatus failed = awaitState(capture::status, CdcStatus.State.FAILED);
            assertThat(failed.lastError()).hasValueSatisfying(m -> assertThat(m).contains("replication slot 'tributary_rsd' is missing"));
            Thread.sleep(2500);
            assertThat(capture.status().status()).as("not restarted again").isEqualTo(CdcStatus.State.FAILED);
        }
    }

    @Test
    void aMariaDbCaptureWhoseBinlogConnectionIsKilledRestartsAndLosesNothing() throws Exception {
        mariadb.exec("CREATE TABLE rs (id int PRIMARY KEY, v int)");
        MySqlSource source = mariadb.source("rs", "rs").restart(RestartPolicy.backoff(Duration.ofMillis(500), Duration.ofSeconds(2)))
                .build();
        try (EmbeddedEventStore store = Tributary.open(dir);
             MySqlCapture capture = MySqlCapture.start(store, source)) {
            mariadb.exec("INSERT INTO rs VALUES (1, 1)");
            MySqlCaptureIT.awaitCount(store, "rs", 1, capture);
            String dump = mariadb.scalar("SELECT ID FROM information_schema.PROCESSLIST WHERE COMMAND LIKE 'Binlog Dump%'", 1);
            mariadb.exec("KILL " + dump);
            CdcStatus restarting = awaitState(capture::status, CdcStatus.State.RESTARTING);
            assertThat(restarting.lastError()).isPresent();
            mariadb.exec("INSERT INTO rs VALUES (2, 2)", "UPDATE rs SET v = 11 WHERE id = 1");
            List<RecordedEvent> events = MySqlCaptureIT.awaitCount(store, "rs", 3, capture);
            assertThat(changes(events)).containsExactly("rs-1 c", "rs-2 c", "rs-1 u");
            assertThat(capture.status().status()).isEqualTo(CdcStatus.State.STREAMING);
        }
    }
}
