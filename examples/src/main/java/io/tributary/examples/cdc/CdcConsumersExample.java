package io.tributary.examples.cdc;

import io.tributary.cdc.JdbcSink;
import io.tributary.cdc.JdbcSinkConfig;
import io.tributary.cdc.PostgresCapture;
import io.tributary.cdc.PostgresSource;
import io.tributary.core.Direction;
import io.tributary.core.InvalidRequestException;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StreamName;
import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.Tributary;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The seed's change data capture flow, end to end on real components: an application's
 * {@code users} table in PostgreSQL (embedded, {@code wal_level=logical}) is captured into the
 * log; {@code UPDATE users SET email = ... WHERE id = 123} becomes a {@code cdc.update} event on
 * {@code users-123}; three consumers react, each at its own pace with its own checkpoint — a Lucene
 * search index ({@link SearchIndexSync}), a Caffeine read-through cache ({@link UserCache},
 * {@link CacheInvalidator}) and a replica in a second PostgreSQL database ({@code JdbcSink}). One
 * consumer is stopped while rows change and catches up when restarted; the others are not held up.
 * At the end each consumer's state is compared with the source table.
 *
 * <p>Run it with {@code ./tributary cdc-example [--data DIR]} or this class's {@link #main}.
 */
public final class CdcConsumersExample {
    /** What the story found at its end: whether each consumer's state equals the source table. */
    public record Outcome(Map<Integer, User> source, boolean searchIndexMatches, boolean cacheMatches,
                          boolean replicaMatches) {
    }

    private final PrintStream out;
    private final UsersDatabase db;
    private final EmbeddedEventStore store;
    private final PostgresCapture capture;
    private final Path indexDir;
    private final JdbcSinkConfig replicaConfig;

    private CdcConsumersExample(PrintStream out, UsersDatabase db, EmbeddedEventStore store, PostgresCapture capture,
                                Path indexDir) {
        this.out = out;
        this.db = db;
        this.store = store;
        this.capture = capture;
        this.indexDir = indexDir;
        this.replicaConfig = JdbcSinkConfig.of("replica", db.replicaUrl(), Map.of("users", "public.users"));
    }

    /** Entry point: {@code CdcConsumersExample [--data DIR]}. */
    public static void main(String[] args) throws IOException {
        Path data = null;
        if (args.length == 2 && args[0].equals("--data")) {
            data = Path.of(args[1]);
        } else if (args.length != 0) {
            System.err.println("usage: CdcConsumersExample [--data DIR]");
            System.exit(2);
        }
        Outcome outcome = run(data, System.out);
        boolean ok = outcome.searchIndexMatches() && outcome.cacheMatches() && outcome.replicaMatches();
        System.exit(ok ? 0 : 1);
    }

    /**
     * Runs the story in {@code dataDir} (a fresh temporary directory when null; otherwise it must be
     * missing or empty, since the database is new on every run), printing to {@code out}.
     *
     * @throws InvalidRequestException when {@code dataDir} exists and is not an empty directory
     */
    public static Outcome run(Path dataDir, PrintStream out) throws IOException {
        Path dir = prepare(dataDir);
        out.println("Tributary change data capture — the seed's flow, with three consumers");
        out.println("  data directory " + dir + " (log in log/, Lucene index in search-index/, PostgreSQL's own log in postgres.log)");
        try (UsersDatabase db = UsersDatabase.start(dir.resolve("postgres.log"));
             EmbeddedEventStore store = Tributary.open(dir.resolve("log"))) {
            out.println("  source         PostgreSQL " + db.url() + " (wal_level=logical), table users");
            out.println("  replica        PostgreSQL " + db.replicaUrl() + " — a second database, same columns");
            db.exec("INSERT INTO users VALUES (121, 'alan@turing.org', 'Alan Turing'),"
                    + " (122, 'edsger@dijkstra.org', 'Edsger Dijkstra'), (123, 'ada@example.com', 'Ada Lovelace'),"
                    + " (124, 'grace@hopper.org', 'Grace Hopper'), (125, 'ken@thompson.org', 'Ken Thompson')");
            PostgresSource source = PostgresSource.builder("app", db.url()).tables("users")
                    .heartbeatIntervalMs(200).statusIntervalMs(200).build();
            try (PostgresCapture capture = PostgresCapture.start(store, source)) {
                return new CdcConsumersExample(out, db, store, capture, dir.resolve("search-index")).story();
            }
        }
    }

    private static Path prepare(Path dataDir) throws IOException {
        if (dataDir == null) {
            return Files.createTempDirectory("tributary-cdc-example-");
        }
        if (Files.exists(dataDir)) {
            if (!Files.isDirectory(dataDir)) {
                throw new InvalidRequestException("--data " + dataDir + " is not a directory");
            }
            try (Stream<Path> entries = Files.list(dataDir)) {
                if (entries.findAny().isPresent()) {
                    throw new InvalidRequestException("--data " + dataDir + " is not empty: the example starts a new database"
                            + " on every run, so give it a new or empty directory");
                }
            }
        }
        return Files.createDirectories(dataDir);
    }

    private Outcome story() {
        long head = db.awaitCaptured(capture, store);
        out.println();
        out.println("1. The users table has 5 rows; the capture's initial snapshot put them in the log, one stream per row:");
        for (RecordedEvent e : store.readCategory("users", 0, 100, Direction.FORWARD).events()) {
            out.printf("     %-10s %-9s at position %d%n", e.stream(), e.type(), e.position());
        }
        UserCache cache = UserCache.create(store, UserLoader.jdbc(db.dataSource()), 10_000);
        SearchIndexSync index = SearchIndexSync.start(store, indexDir);
        CacheInvalidator invalidator = CacheInvalidator.start(store, cache);
        JdbcSink replica = JdbcSink.start(store, replicaConfig);
        try {
            out.println("   Three consumers follow the users category, each with its own checkpoint:");
            out.println("     search-index  Lucene index            checkpoint in the index commit's user data");
            out.println("     cache         Caffeine, read-through  checkpoint in memory (a new cache starts at the log head)");
            out.println("     replica       JdbcSink into PostgreSQL checkpoint in the replica's tributary_cdc_sink_checkpoint");
            awaitAll(index, invalidator, replica, head);
            positions(index, invalidator, replica);

            out.println();
            out.println("2. Reads before the change:");
            out.println("     cache.get(123)                 → " + email(cache.get(123)) + "   (miss: loaded from PostgreSQL)");
            out.println("     cache.get(123)                 → " + email(cache.get(123)) + "   (hit: " + cache.stats().hitCount() + ")");
            out.println("     search \"ada@example.com\"       → " + index.search("ada@example.com"));

            out.println();
            String update = "UPDATE users SET email = 'ada@lovelace.org' WHERE id = 123";
            out.println("3. The application runs:  " + update);
            db.exec(update);
            head = db.awaitCaptured(capture, store);
            RecordedEvent event = store.readStream(StreamName.of("users-123"), Long.MAX_VALUE, 1, Direction.BACKWARD).events().get(0);
            out.println("   The log receives, on stream " + event.stream() + ", " + event.type() + " at position " + event.position() + ":");
            out.println("     " + event.dataAsString());
            awaitAll(index, invalidator, replica, head);
            out.println("   Each consumer reacts at its own pace:");
            out.println("     search-index  search \"ada@lovelace.org\" → " + index.search("ada@lovelace.org")
                    + ";  search \"ada@example.com\" → " + index.search("ada@example.com"));
            out.println("     cache         peek(123) → " + describe(cache.peek(123)) + ";  get(123) → " + email(cache.get(123))
                    + "   (the entry was invalidated at position " + cache.appliedPosition() + ", then reloaded)");
            out.println("     replica       users 123 → " + db.replicaUsers().get(123));
            positions(index, invalidator, replica);

            out.println();
            out.println("4. Stop the search-index consumer (its checkpoint " + index.position() + " stays in the index's last commit)"
                    + " and change rows:");
            index.close();
            index = null;
            List<String> changes = List.of("UPDATE users SET name = 'Grace Brewster Hopper' WHERE id = 124",
                    "DELETE FROM users WHERE id = 125",
                    "INSERT INTO users VALUES (126, 'barbara@liskov.org', 'Barbara Liskov')");
            for (String sql : changes) {
                out.println("     " + sql);
                db.exec(sql);
            }
            head = db.awaitCaptured(capture, store);
            UsersDatabase.await("the cache invalidator", invalidator::position, head, invalidator::lastError);
            UsersDatabase.await("the replica", replica::position, head, replica::lastError);
            out.println("   The other consumers were not held up: cache at position " + invalidator.position()
                    + ", replica at position " + replica.position() + " (the log's newest users event: " + head + ")");
            out.println("     cache         get(125) → " + describe(Optional.of(cache.get(125))) + ";  get(126) → " + email(cache.get(126)));
            out.println("     replica       rows = source rows: " + db.replicaUsers().equals(db.users()));
            out.println("   The stopped index is still at " + SearchIndexSync.committedPosition(indexDir).orElse(-1)
                    + " (read from its last commit)");

            out.println();
            out.println("5. Restart the search-index consumer: it resumes right after its checkpoint and catches up:");
            index = SearchIndexSync.start(store, indexDir);
            long resumedFrom = index.position();
            awaitAll(index, invalidator, replica, head);
            out.println("     resumed after position " + resumedFrom + ", now at " + index.position());
            out.println("     search \"liskov\"  → " + index.search("liskov"));
            out.println("     search \"brewster\" → " + index.search("brewster"));
            out.println("     search \"ken\"     → " + index.search("ken") + "   (user 125 was deleted)");

            out.println();
            out.println("6. Every consumer's state compared with the source table:");
            Map<Integer, User> users = db.users();
            Map<Integer, User> cached = new TreeMap<>();
            for (int id = 120; id <= 127; id++) {
                cache.get(id).ifPresent(u -> cached.put(u.id(), u));
            }
            boolean indexOk = index.allDocuments().equals(users);
            boolean cacheOk = cached.equals(users);
            boolean replicaOk = db.replicaUsers().equals(users);
            out.println("     users table   " + users.values());
            out.println("     search index  = users table: " + indexOk);
            out.println("     cache         = users table: " + cacheOk + "   (ids 120 to 127 read through the cache: "
                    + cache.stats().hitCount() + " hits, " + cache.stats().missCount() + " misses so far)");
            out.println("     replica       = users table: " + replicaOk);
            return new Outcome(users, indexOk, cacheOk, replicaOk);
        } finally {
            if (index != null) {
                index.close();
            }
            invalidator.close();
            replica.close();
            out.println();
            out.println("Consumers, capture, store and PostgreSQL stopped.");
        }
    }

    private void awaitAll(SearchIndexSync index, CacheInvalidator invalidator, JdbcSink replica, long head) {
        UsersDatabase.await("the search index", index::position, head, index::lastError);
        UsersDatabase.await("the cache invalidator", invalidator::position, head, invalidator::lastError);
        UsersDatabase.await("the replica", replica::position, head, replica::lastError);
    }

    private void positions(SearchIndexSync index, CacheInvalidator invalidator, JdbcSink replica) {
        out.println("   positions: search-index " + index.position() + ", cache " + invalidator.position()
                + ", replica " + replica.position());
    }

    private static String email(Optional<User> user) {
        return user.map(User::email).orElse("(no such user)");
    }

    private static String describe(Optional<Optional<User>> entry) {
        return entry.isEmpty() ? "(not cached)" : entry.get().map(User::toString).orElse("(no such user)");
    }
}
