package io.tributary.cqrs;

import static io.tributary.cqrs.OrderProjections.append;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.Tributary;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Projections into a real (embedded) PostgreSQL. */
class JdbcReadModelStoreIT {
    static final Duration WAIT = Duration.ofSeconds(20);
    static EmbeddedPostgres postgres;
    static DataSource dataSource;

    @TempDir
    Path dir;
    EmbeddedEventStore store;
    ReadModelStore<SqlWriter> readModels;

    static final Projection<SqlWriter> SALES = OrderProjections.SALES;

    @BeforeAll
    static void startPostgres() throws IOException {
        postgres = EmbeddedPostgres.start();
        dataSource = postgres.getPostgresDatabase();
    }

    @AfterAll
    static void stopPostgres() throws IOException {
        postgres.close();
    }

    @BeforeEach
    void setUp() throws SQLException {
        store = Tributary.open(dir);
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS sales");
            s.execute("DROP TABLE IF EXISTS tributary_projection_checkpoint");
            s.execute(OrderProjections.CREATE_SALES);
        }
        readModels = JdbcReadModelStore.postgres(dataSource);
    }

    @AfterEach
    void tearDown() {
        readModels.close();
        store.close();
    }

    static Map<String, String> sales() {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT customer, total, events FROM sales")) {
            Map<String, String> out = new TreeMap<>();
            while (rs.next()) {
                out.put(rs.getString(1), rs.getLong(2) + "/" + rs.getInt(3));
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void projectsIntoTablesWithReadYourWrites() {
        append(store, "1", "ada", 10);
        append(store, "2", "ada", 5);
        try (ProjectionRunner<SqlWriter> runner = ProjectionRunner.start(store, SALES, readModels)) {
            long token = append(store, "3", "bob", 7);
            assertThat(runner.query(token, WAIT, JdbcReadModelStoreIT::sales)).isEqualTo(Map.of("ada", "15/2", "bob", "7/1"));
            assertThat(readModels.checkpoint("sales")).isEqualTo(token);
        }
    }

    @Test
    void aCrashAtAnyCommitNeitherSkipsNorRepeatsAnEffect() {
        Map<String, long[]> expected = new TreeMap<>();
        for (int i = 0; i < 200; i++) {
            append(store, "o" + i, "c" + (i % 7), i);
            long[] t = expected.computeIfAbsent("c" + (i % 7), k -> new long[2]);
            t[0] += i;
            t[1]++;
        }
        Map<String, String> want = new TreeMap<>();
        expected.forEach((k, v) -> want.put(k, v[0] + "/" + v[1]));
        long head = store.headPosition();
        ProjectionOptions options = ProjectionOptions.defaults().withMaxBatchEvents(9).withPollTimeout(Duration.ofMillis(20));
        for (int failAt : new int[] {1, 4, 11}) {
            for (FaultyReadModelStore.When when : FaultyReadModelStore.When.values()) {
                readModels.reset("sales", SALES::clear);
                try (ProjectionRunner<SqlWriter> crashing = ProjectionRunner.start(store, SALES,
                        new FaultyReadModelStore<>(readModels, failAt, when), options)) {
                    assertThatThrownBy(() -> crashing.awaitPosition(head, WAIT)).isInstanceOf(ProjectionTimeoutException.class);
                }
                readModels.close();
                readModels = JdbcReadModelStore.postgres(dataSource);
                try (ProjectionRunner<SqlWriter> restarted = ProjectionRunner.start(store, SALES, readModels, options)) {
                    restarted.awaitPosition(head, WAIT);
                }
                assertThat(sales()).as("crash at commit %d %s", failAt, when).isEqualTo(want);
            }
        }
    }

    @Test
    void resetReplaysAndShadowRebuildsAreRefused() {
        for (int i = 0; i < 30; i++) {
            append(store, "o" + i, "c" + (i % 3), 1);
        }
        try (ProjectionRunner<SqlWriter> runner = ProjectionRunner.start(store, SALES, readModels)) {
            runner.awaitPosition(store.headPosition(), WAIT);
            Map<String, String> before = sales();
            runner.reset();
            runner.awaitPosition(store.headPosition(), WAIT);
            assertThat(sales()).isEqualTo(before).hasSize(3);
            assertThatThrownBy(() -> runner.rebuildInShadow(WAIT)).isInstanceOf(UnsupportedOperationException.class)
                    .hasMessageContaining("reset()");
        }
    }
}
