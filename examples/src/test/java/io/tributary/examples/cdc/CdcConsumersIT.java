package io.tributary.examples.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.cdc.JdbcSink;
import io.tributary.cdc.JdbcSinkConfig;
import io.tributary.cdc.PostgresCapture;
import io.tributary.cdc.PostgresSource;
import io.tributary.core.InvalidRequestException;
import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.Tributary;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The three consumers on real components — PostgreSQL (embedded, wal_level=logical) captured into
 * the embedded log, a Lucene index on disk, a Caffeine cache reading through to PostgreSQL, a JdbcSink
 * into a second database — under a seeded workload of multi-row transactions with inserts, updates,
 * deletes and a truncate, each consumer stopped and restarted in turn.
 */
class CdcConsumersIT {
    private static final long SEED = Long.getLong("cdc.consumers.seed", System.nanoTime());
    private static final int IDS = 60;

    @TempDir
    Path dir;
    UsersDatabase db;
    EmbeddedEventStore store;
    PostgresCapture capture;

    @BeforeEach
    void start() {
        db = UsersDatabase.start(dir.resolve("postgres.log"));
        store = Tributary.open(dir.resolve("log"));
        capture = PostgresCapture.start(store, PostgresSource.builder("app", db.url()).tables("users")
                .heartbeatIntervalMs(100).statusIntervalMs(100).build());
    }

    @AfterEach
    void stop() {
        capture.close();
        store.close();
        db.close();
    }

    @Test
    void everyConsumerEndsEqualToTheSourceTableWhileEachIsStoppedAndRestartedInTurn() {
        System.out.println("CdcConsumersIT seed " + SEED + " (replay with -Dcdc.consumers.seed=" + SEED + ")");
        Random random = new Random(SEED);
        db.exec("ALTER TABLE users ALTER COLUMN name SET STORAGE EXTERNAL");   // long names are TOASTed uncompressed
        workload(random, 10);
        UserCache cache = UserCache.create(store, UserLoader.jdbc(db.dataSource()), 10_000);
        Path indexDir = dir.resolve("index");
        SearchIndexSync index = SearchIndexSync.start(store, indexDir, 7);   // small batches: many commits
        CacheInvalidator invalidator = CacheInvalidator.start(store, cache);
        JdbcSinkConfig replicaConfig = JdbcSinkConfig.of("replica", db.replicaUrl(), Map.of("users", "public.users"));
        JdbcSink replica = JdbcSink.start(store, replicaConfig);
        try {
            // All running.
            workload(random, 10);
            db.exec("INSERT INTO users VALUES (500, 'long@name.org', repeat('Lovelace ', 1500))");
            db.exec("UPDATE users SET email = 'long@renamed.org' WHERE id = 500");   // name is an unchanged TOASTed value
            warm(cache);
            assertAllEqualSource(index, cache, invalidator, replica);
            assertThat(index.byId(500)).map(User::name).hasValue("Lovelace ".repeat(1500));

            // The search index stopped: the others go on; on restart it resumes after its commit's checkpoint.
            index.close();
            long indexCheckpoint = SearchIndexSync.committedPosition(indexDir).orElseThrow();
            workload(random, 15);
            long head = db.awaitCaptured(capture, store);
            assertThat(head).isGreaterThan(indexCheckpoint);
            UsersDatabase.await("cache", invalidator::position, head, invalidator::lastError);
            UsersDatabase.await("replica", replica::position, head, replica::lastError);
            assertThat(db.replicaUsers()).isEqualTo(db.users());
            assertThat(SearchIndexSync.committedPosition(indexDir)).hasValue(indexCheckpoint);
            index = SearchIndexSync.start(store, indexDir, 7);
            assertThat(index.position()).isEqualTo(indexCheckpoint);
            assertThat(index.allDocuments()).as("before catching up, the index is its old commit").isNotEqualTo(db.users());
            assertAllEqualSource(index, cache, invalidator, replica);

            // The cache invalidator stopped: entries go stale; on restart it catches up and none is stale.
            warm(cache);
            invalidator.close();
            long cacheCheckpoint = cache.appliedPosition();
            workload(random, 15);
            head = db.awaitCaptured(capture, store);
            UsersDatabase.await("index", index::position, head, index::lastError);
            UsersDatabase.await("replica", replica::position, head, replica::lastError);
            assertThat(index.allDocuments()).isEqualTo(db.users());
            assertThat(db.replicaUsers()).isEqualTo(db.users());
            assertThat(cache.appliedPosition()).isEqualTo(cacheCheckpoint);
            assertThat(cachedView(cache)).as("with no invalidator the cache serves stale entries").isNotEqualTo(db.users());
            invalidator = CacheInvalidator.start(store, cache);
            long misses = assertAllEqualSource(index, cache, invalidator, replica);
            assertThat(misses).as("changed rows are reloaded, unchanged ones still served from memory")
                    .isPositive().isLessThan(2L * IDS + 4);

            // The replica stopped, with a truncate among the changes it misses.
            replica.close();
            workload(random, 5);
            db.exec("TRUNCATE users");
            workload(random, 10);
            head = db.awaitCaptured(capture, store);
            UsersDatabase.await("index", index::position, head, index::lastError);
            UsersDatabase.await("cache", invalidator::position, head, invalidator::lastError);
            assertThat(db.replicaUsers()).isNotEqualTo(db.users());
            replica = JdbcSink.start(store, replicaConfig);
            assertAllEqualSource(index, cache, invalidator, replica);

            // Searching the index finds users by the words of their name and by their address.
            db.exec("INSERT INTO users VALUES (900, 'Ada@Example.com', 'Augusta Ada King')",
                    "INSERT INTO users VALUES (901, 'countess@lovelace.org', 'Ada Lovelace')");
            assertAllEqualSource(index, cache, invalidator, replica);
            assertThat(index.search("ada").stream().map(User::id)).containsExactlyInAnyOrder(900, 901);
            assertThat(index.search("augusta KING").stream().map(User::id)).containsExactly(900);
            assertThat(index.search("ada@example.com").stream().map(User::id)).containsExactly(900);
            assertThat(index.search("ada lovelace").stream().map(User::id)).containsExactly(901);
            assertThat(index.findByEmail("ADA@example.COM")).map(User::id).hasValue(900);
            assertThat(index.search("example.com")).isEmpty();   // an address is one word, not its parts
            SearchIndexSync searched = index;
            assertThatThrownBy(() -> searched.search("  ")).isInstanceOf(InvalidRequestException.class);
        } finally {
            index.close();
            invalidator.close();
            replica.close();
        }
    }

    @Test
    void aLoadThatReadTheOldRowCannotPutItBackOnceTheChangeIsApplied() throws Exception {
        db.exec("INSERT INTO users VALUES (123, 'ada@example.com', 'Ada Lovelace')");
        UserLoader jdbc = UserLoader.jdbc(db.dataSource());
        CountDownLatch readOldRow = new CountDownLatch(1);
        CountDownLatch finishLoad = new CountDownLatch(1);
        UserLoader slow = id -> {
            Optional<User> row = jdbc.load(id);
            if (row.isPresent() && row.get().email().equals("ada@example.com")) {
                readOldRow.countDown();
                await(finishLoad);   // the old row is in hand; the update commits and is captured meanwhile
            }
            return row;
        };
        db.awaitCaptured(capture, store);
        UserCache cache = UserCache.create(store, slow, 100);
        try (CacheInvalidator invalidator = CacheInvalidator.start(store, cache)) {
            CompletableFuture<Optional<User>> inFlight = CompletableFuture.supplyAsync(() -> cache.get(123));
            assertThat(readOldRow.await(30, TimeUnit.SECONDS)).isTrue();
            db.exec("UPDATE users SET email = 'ada@lovelace.org' WHERE id = 123");
            long head = db.awaitCaptured(capture, store);
            // The invalidation of 123 waits for the in-flight load; let the load finish with the old row.
            Thread.sleep(200);
            assertThat(invalidator.position()).as("invalidate waits for the in-flight load of the key").isLessThan(head);
            finishLoad.countDown();
            assertThat(inFlight.get(30, TimeUnit.SECONDS)).map(User::email).hasValue("ada@example.com");
            UsersDatabase.await("cache", invalidator::position, head, invalidator::lastError);
            assertThat(cache.get(123)).map(User::email).hasValue("ada@lovelace.org");
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("latch not released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code transactions} transactions of 1 to 4 statements each: inserts, updates of either column, deletes, key changes. */
    private void workload(Random random, int transactions) {
        for (int t = 0; t < transactions; t++) {
            List<String> statements = new ArrayList<>();
            int n = 1 + random.nextInt(4);
            for (int i = 0; i < n; i++) {
                int id = 1 + random.nextInt(IDS);
                int tag = random.nextInt(1_000_000);
                statements.add(switch (random.nextInt(6)) {
                    case 0, 1 -> "INSERT INTO users VALUES (" + id + ", 'u" + tag + "@example.com', 'User " + tag + "')"
                            + " ON CONFLICT (id) DO UPDATE SET email = EXCLUDED.email, name = EXCLUDED.name";
                    case 2 -> "UPDATE users SET email = 'e" + tag + "@example.org' WHERE id = " + id;
                    case 3 -> "UPDATE users SET name = 'Renamed " + tag + "' WHERE id = " + id;
                    case 4 -> "DELETE FROM users WHERE id = " + id;
                    default -> {
                        int newId = IDS + 1 + random.nextInt(IDS);   // a key change: a delete and a create
                        yield "UPDATE users SET id = " + newId + " WHERE id = " + id
                                + " AND NOT EXISTS (SELECT 1 FROM users WHERE id = " + newId + ")";
                    }
                });
            }
            db.exec(statements.toArray(new String[0]));
        }
    }

    /** Reads every id through the cache, so that entries (present and absent users) are cached. */
    private static void warm(UserCache cache) {
        for (int id = 1; id <= 2 * IDS + 1; id++) {
            cache.get(id);
        }
        cache.get(500);
    }

    /** What the cache holds now for the ids it has entries for (no loads). */
    private static Map<Integer, User> cachedView(UserCache cache) {
        Map<Integer, User> view = new TreeMap<>();
        for (int id = 1; id <= 2 * IDS + 1; id++) {
            cache.peek(id).flatMap(entry -> entry).ifPresent(u -> view.put(u.id(), u));
        }
        return view;
    }

    /** Waits for all three to catch up, compares each with the source table; returns the cache misses of the comparison. */
    private long assertAllEqualSource(SearchIndexSync index, UserCache cache, CacheInvalidator invalidator, JdbcSink replica) {
        long head = db.awaitCaptured(capture, store);
        UsersDatabase.await("index", index::position, head, index::lastError);
        UsersDatabase.await("cache", invalidator::position, head, invalidator::lastError);
        UsersDatabase.await("replica", replica::position, head, replica::lastError);
        Map<Integer, User> source = db.users();
        assertThat(index.allDocuments()).as("search index").isEqualTo(source);
        assertThat(db.replicaUsers()).as("replica").isEqualTo(source);
        long missesBefore = cache.stats().missCount();
        Map<Integer, User> throughCache = new TreeMap<>();
        for (int id = 1; id <= 2 * IDS + 1; id++) {
            cache.get(id).ifPresent(u -> throughCache.put(u.id(), u));
        }
        for (int id : List.of(500, 900, 901)) {
            cache.get(id).ifPresent(u -> throughCache.put(u.id(), u));
        }
        assertThat(throughCache).as("cache").isEqualTo(source);
        return cache.stats().missCount() - missesBefore;
    }
}
