package io.tributary.cqrs;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.Tributary;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kill -9 a JVM running projections during catch-up, restart, and compare each read model with
 * one built by a clean replay: identical, for the RocksDB document store and for PostgreSQL.
 */
class ProjectionCrashIT {
    static final int EVENTS = 20_000;
    static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void readModelsSurviveKillNineDuringCatchUpExactly() throws Exception {
        Map<String, String> expectedSales = new TreeMap<>();
        long[][] totals = new long[7][2];
        try (EmbeddedEventStore store = Tributary.open(dir.resolve("log"))) {
            for (int i = 0; i < EVENTS; i++) {
                OrderProjections.append(store, "o" + (i % 501), "c" + (i % 7), i % 97);
                totals[i % 7][0] += i % 97;
                totals[i % 7][1]++;
            }
        }
        for (int c = 0; c < 7; c++) {
            expectedSales.put("c" + c, totals[c][0] + "/" + totals[c][1]);
        }
        long head = EVENTS - 1;
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setPGStartupWait(java.time.Duration.ofSeconds(60)).start()) {
            DataSource ds = postgres.getPostgresDatabase();
            try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                s.execute(OrderProjections.CREATE_SALES);
            }
            String url = postgres.getJdbcUrl("postgres", "postgres");
            // Kill points: early in the document catch-up, then in the middle and late in the SQL one.
            long[][] killAt = {{head / 20, -1}, {-1, head * 3 / 10}, {-1, head * 7 / 10}};
            List<String> killedAt = new ArrayList<>();
            for (long[] at : killAt) {
                killedAt.add(runAndKill(url, at[0], at[1]));
            }
            System.out.println("ProjectionCrashIT: killed at " + killedAt);
            assertThat(killedAt).allSatisfy(p -> assertThat(p).doesNotContain("done"));

            try (EmbeddedEventStore store = Tributary.open(dir.resolve("log"));
                 DocumentStore docs = DocumentStore.rocksDb(dir.resolve("docs"));
                 ReadModelStore<SqlWriter> sql = JdbcReadModelStore.postgres(ds);
                 ProjectionRunner<DocumentWriter> summary = ProjectionRunner.start(store, OrderProjections.summary(), docs);
                 ProjectionRunner<SqlWriter> sales = ProjectionRunner.start(store, OrderProjections.SALES, sql)) {
                summary.awaitPosition(head, WAIT);
                sales.awaitPosition(head, WAIT);
                SortedMap<String, String> clean;
                try (DocumentStore scratch = DocumentStore.inMemory()) {
                    TimeTravel.replayUpTo(store, OrderProjections.summary(), scratch, head, WAIT);
                    clean = scratch.contents(OrderProjections.NAME);
                }
                assertThat(docs.contents(OrderProjections.NAME)).as("documents after kills at %s", killedAt).isEqualTo(clean);
                assertThat(salesTable(ds)).as("sales after kills at %s", killedAt).isEqualTo(expectedSales);
            }
        }
    }

    /** Runs the child until a read model reaches a threshold (-1: ignore), kills it with SIGKILL, returns the last progress line. */
    private String runAndKill(String url, long docsAt, long sqlAt) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                ProjectionCrashChild.class.getName(), dir.toString(), url)
                .redirectError(dir.resolve("child.stderr").toFile()).start();
        String last = "none";
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            for (String line = out.readLine(); line != null && System.nanoTime() < deadline; line = out.readLine()) {
                if (!line.startsWith("progress")) {
                    continue;
                }
                last = line;
                String[] f = line.split(" ");
                long docs = Long.parseLong(f[1]);
                long sql = Long.parseLong(f[2]);
                long head = Long.parseLong(f[3]);
                if (docs >= head && sql >= head) {
                    last = line + " done";
                    break;
                }
                if ((docsAt >= 0 && docs >= docsAt) || (sqlAt >= 0 && sql >= sqlAt)) {
                    break;
                }
            }
            p.toHandle().destroyForcibly();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            p.destroyForcibly();
        }
        assertThat(p.exitValue()).as("child exit (stderr in %s)", dir.resolve("child.stderr") + File.separator).isEqualTo(137);
        return last;
    }

    private static Map<String, String> salesTable(DataSource ds) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Connection c = ds.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT customer, total, events FROM sales")) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getLong(2) + "/" + rs.getInt(3));
            }
        }
        return out;
    }
}
