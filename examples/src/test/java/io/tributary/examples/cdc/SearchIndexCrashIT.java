package io.tributary.examples.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.cdc.PostgresCapture;
import io.tributary.cdc.PostgresSource;
import io.tributary.core.Direction;
import io.tributary.core.ReadFilter;
import io.tributary.core.ReadSlice;
import io.tributary.core.RecordedEvent;
import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.Tributary;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The search index's checkpoint is atomic with its documents: a child JVM applying the captured
 * {@code users} events is killed with SIGKILL at seeded random points; after every kill the
 * index's last commit holds exactly the fold of the events up to its checkpoint — no event's effect
 * without the checkpoint, no checkpoint without the effect — and the next child resumes from it. At
 * the end the index equals the source table.
 */
class SearchIndexCrashIT {
    private static final long SEED = Long.getLong("crash.seed", System.nanoTime());
    private static final int KILLS = 6;

    @TempDir
    Path dir;

    @Test
    void everyKillLeavesTheIndexEqualToTheEventsUpToItsCheckpoint() throws Exception {
        System.out.println("SearchIndexCrashIT seed " + SEED + " (replay with -Dcrash.seed=" + SEED + ")");
        Random random = new Random(SEED);
        Path log = dir.resolve("log");
        Path indexDir = dir.resolve("index");
        List<RecordedEvent> events;
        Map<Integer, User> table;
        try (UsersDatabase db = UsersDatabase.start(dir.resolve("postgres.log"))) {
            try (EmbeddedEventStore store = Tributary.open(log);
                 PostgresCapture capture = PostgresCapture.start(store, PostgresSource.builder("app", db.url()).tables("users")
                         .heartbeatIntervalMs(100).statusIntervalMs(100).build())) {
                for (int t = 0; t < 300; t++) {
                    List<String> statements = new ArrayList<>();
                    for (int i = 0, n = 1 + random.nextInt(4); i < n; i++) {
                        int id = 1 + random.nextInt(80);
                        int tag = random.nextInt(1_000_000);
                        statements.add(switch (random.nextInt(4)) {
                            case 0, 1 -> "INSERT INTO users VALUES (" + id + ", 'u" + tag + "@example.com', 'User " + tag + "')"
                                    + " ON CONFLICT (id) DO UPDATE SET email = EXCLUDED.email, name = EXCLUDED.name";
                            case 2 -> "UPDATE users SET name = 'Renamed " + tag + "' WHERE id = " + id;
                            default -> "DELETE FROM users WHERE id = " + id;
                        });
                    }
                    db.exec(statements.toArray(new String[0]));
                }
                db.awaitCaptured(capture, store);
                events = usersEvents(store);
            }
            table = db.users();
        }
        long end = events.get(events.size() - 1).position();
        long previous = -1;
        List<String> kills = new ArrayList<>();
        for (int round = 0; round < KILLS; round++) {
            Process child = child(log, indexDir, end);
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                long target = previous + 1 + random.nextInt((int) Math.max(1, (end - previous) / 3));
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith("at ") && Long.parseLong(line.substring(3)) >= target) {
                        break;
                    }
                    assertThat(line).as("child output").doesNotStartWith("failed");
                }
                Thread.sleep(random.nextInt(15));   // land anywhere in the next batch: applying, committing or between
                child.toHandle().destroyForcibly();   // SIGKILL
                assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            SearchIndexSync.Committed committed = SearchIndexSync.readCommitted(indexDir);
            kills.add("round " + round + ": checkpoint " + committed.position());
            assertThat(committed.position()).as("checkpoint moves forward (seed %d)", SEED).isGreaterThanOrEqualTo(previous);
            assertThat(committed.documents()).as("documents = events up to the checkpoint %d (seed %d)", committed.position(), SEED)
                    .isEqualTo(fold(events, committed.position()));
            previous = committed.position();
        }
        System.out.println("SearchIndexCrashIT kills: " + kills);
        Process last = child(log, indexDir, end);
        assertThat(last.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(last.exitValue()).isZero();
        SearchIndexSync.Committed done = SearchIndexSync.readCommitted(indexDir);
        assertThat(done.position()).isEqualTo(end);
        assertThat(done.documents()).isEqualTo(fold(events, end)).isEqualTo(table);
    }

    private Process child(Path log, Path indexDir, long until) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                SearchIndexCrashChild.class.getName(), log.toString(), indexDir.toString(), Long.toString(until))
                .redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("child.err").toFile()))
                .start();
    }

    private static List<RecordedEvent> usersEvents(EmbeddedEventStore store) {
        List<RecordedEvent> out = new ArrayList<>();
        long from = 0;
        while (true) {
            ReadSlice slice = store.readAll(from, 1000, Direction.FORWARD, ReadFilter.categories("users"));
            out.addAll(slice.events());
            if (slice.next().isEmpty()) {
                return out;
            }
            from = slice.next().getAsLong();
        }
    }

    /** The users table as the events up to {@code position} leave it. */
    private static Map<Integer, User> fold(List<RecordedEvent> events, long position) {
        ObjectMapper json = new ObjectMapper();
        Map<Integer, User> rows = new TreeMap<>();
        for (RecordedEvent e : events) {
            if (e.position() > position) {
                break;
            }
            Optional<UserChange> change = UserChange.parse(e, json);
            if (change.isPresent() && change.get() instanceof UserChange.Upsert u) {
                rows.put(u.user().id(), u.user());
            } else if (change.isPresent() && change.get() instanceof UserChange.Delete d) {
                rows.remove(d.id());
            } else if (change.isPresent()) {
                rows.clear();
            }
        }
        return rows;
    }
}
