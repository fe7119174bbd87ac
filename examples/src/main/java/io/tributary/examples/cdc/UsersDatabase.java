package io.tributary.examples.cdc;

import io.tributary.cdc.PostgresCapture;
import io.tributary.core.Direction;
import io.tributary.core.EventStore;
import io.tributary.core.ReadFilter;
import io.tributary.core.ReadSlice;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.Optional;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The example's PostgreSQL: an embedded server started with {@code wal_level=logical}, holding the
 * application's {@code users} table in database {@code postgres} and the replica's copy in database
 * {@code replica}; plus the waits the story needs.
 */
final class UsersDatabase implements AutoCloseable {
    static final String USERS_DDL = "CREATE TABLE users (id int PRIMARY KEY, email text NOT NULL, name text NOT NULL)";
    /**
     * The replica's table: the same columns, but nullable. JdbcSink upserts a row whose update left a
     * TOASTed value unchanged (not sent by PostgreSQL) with {@code INSERT ... ON CONFLICT DO UPDATE}
     * without that column, and PostgreSQL checks NOT NULL on the proposed row before it looks for the
     * conflict, so a NOT NULL target column fails there even though the row exists.
     */
    static final String REPLICA_DDL = "CREATE TABLE users (id int PRIMARY KEY, email text, name text)";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private final EmbeddedPostgres postgres;

    private UsersDatabase(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    /** Starts the server (its log goes to {@code serverLog}) and creates both tables, empty. */
    static UsersDatabase start(Path serverLog) {
        EmbeddedPostgres postgres;
        try {
            ProcessBuilder.Redirect log = ProcessBuilder.Redirect.appendTo(serverLog.toFile());
            postgres = EmbeddedPostgres.builder()
                    .setPGStartupWait(java.time.Duration.ofSeconds(60)) // the default 10 s is tight on a loaded machine
                    .setServerConfig("wal_level", "logical")
                    .setServerConfig("max_replication_slots", "4")
                    .setServerConfig("max_wal_senders", "4")
                    .setOutputRedirector(log)
                    .setErrorRedirector(log)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL: " + e.getMessage(), e);
        }
        UsersDatabase db = new UsersDatabase(postgres);
        try {
            db.exec(USERS_DDL);
            try (Connection c = DriverManager.getConnection(db.url(), "postgres", ""); Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE replica");   // not allowed inside a transaction
            } catch (SQLException e) {
                throw new IllegalStateException("cannot create the replica database: " + e.getMessage(), e);
            }
            execIn(db.replicaUrl(), REPLICA_DDL);
            return db;
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    /** The application's database. */
    String url() {
        return "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres";
    }

    /** The replica's database, on the same server. */
    String replicaUrl() {
        return "jdbc:postgresql://localhost:" + postgres.getPort() + "/replica";
    }

    /** Connections to the application's database, as user {@code postgres}. */
    DataSource dataSource() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(url());
        ds.setUser("postgres");
        return ds;
    }

    /** Runs the statements in the application's database as one transaction. */
    void exec(String... sql) {
        execIn(url(), sql);
    }

    private static void execIn(String url, String... sql) {
        try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            for (String q : sql) {
                s.execute(q);
            }
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage() + " in " + String.join("; ", sql), e);
        }
    }

    /** The application's users, by id. */
    Map<Integer, User> users() {
        return rows(url());
    }

    /** The replica's users, by id. */
    Map<Integer, User> replicaUsers() {
        return rows(replicaUrl());
    }

    private static Map<Integer, User> rows(String url) {
        Map<Integer, User> rows = new TreeMap<>();
        try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, email, name FROM users")) {
            while (rs.next()) {
                rows.put(rs.getInt(1), new User(rs.getInt(1), rs.getString(2), rs.getString(3)));
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read users from " + url + ": " + e.getMessage(), e);
        }
    }

    /**
     * Waits until everything committed so far is in the log — the snapshot is done and the capture's
     * source position has passed the current WAL insert position (not the write position, which
     * lags behind commits when {@code synchronous_commit} is off, as in embedded PostgreSQL; a
     * heartbeat moves the source position when nothing else does) — and returns
     * the log position of the newest {@code users} event ({@code -1}: none).
     */
    long awaitCaptured(PostgresCapture capture, EventStore store) {
        long walNow;
        try (Connection c = DriverManager.getConnection(url(), "postgres", ""); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_current_wal_insert_lsn()::text")) {
            rs.next();
            walNow = lsn(rs.getString(1));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the WAL position: " + e.getMessage(), e);
        }
        await("the capture to finish its snapshot and reach WAL position " + Long.toHexString(walNow),
                () -> capture.status().snapshot().done() && lsn(capture.status().sourcePosition()) >= walNow ? 1 : 0, 1,
                () -> capture.status().lastError());
        return newestUsersEvent(store);
    }

    /** The log position of the newest {@code users} event, {@code -1} when there is none. */
    static long newestUsersEvent(EventStore store) {
        long from = Long.MAX_VALUE;
        while (true) {
            // A filtered read examines a bounded part of the log per call: follow next() until an event or the end.
            ReadSlice slice = store.readAll(from, 1, Direction.BACKWARD, ReadFilter.categories(SearchIndexSync.CATEGORY));
            if (!slice.events().isEmpty()) {
                return slice.events().get(0).position();
            }
            if (slice.next().isEmpty()) {
                return -1;
            }
            from = slice.next().getAsLong();
        }
    }

    /** Waits until {@code position} reaches {@code target}; fails with {@code what} and the consumer's error. */
    static void await(String what, LongSupplier position, long target, Supplier<Optional<String>> error) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (position.getAsLong() < target) {
            Optional<String> failed = error.get();
            if (failed.isPresent()) {
                throw new IllegalStateException("while waiting for " + what + ": " + failed.get());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + TIMEOUT.toSeconds() + " s waiting for " + what
                        + " (at " + position.getAsLong() + ", want " + target + ")");
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + what, e);
            }
        }
    }

    /** An LSN {@code X/Y} as a number; {@code -1} for none. */
    static long lsn(String text) {
        if (text == null || !text.contains("/")) {
            return -1;
        }
        int slash = text.indexOf('/');
        return (Long.parseLong(text.substring(0, slash), 16) << 32) | Long.parseLong(text.substring(slash + 1), 16);
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stop the embedded PostgreSQL: " + e.getMessage(), e);
        }
    }
}
