package io.tributary.cqrs;

import static io.tributary.cqrs.OrderProjections.append;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.core.ReadFilter;
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
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
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
        postgres = EmbeddedPostgres.builder().setPGStartupWait(java.time.Duration.ofSeconds(60)).start();
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
    void aSecondProcessRunningTheSameProjectionStopsWithoutWritingAnything() {
        for (int i = 0; i < 20; i++) {
            append(store, "o" + i, "c" + (i % 2), 1);
        }
        // Another process: its own store object, its own connections to the same database.
        try (ReadModelStore<SqlWriter> otherProcess = JdbcReadModelStore.postgres(dataSource);
             ProjectionRunner<SqlWriter> first = ProjectionRunner.start(store, SALES, readModels)) {
            first.awaitPosition(store.headPosition(), WAIT);
            try (ProjectionRunner<SqlWriter> second = ProjectionRunner.start(store, SALES, otherProcess)) {
                second.awaitPosition(store.headPosition(), WAIT); // started: it has read the shared checkpoint
                long token = append(store, "late", "c0", 1); // both runners see it; only the lease holder may apply it
                assertThatThrownBy(() -> second.awaitPosition(token, WAIT))
                        .isInstanceOf(ProjectionTimeoutException.class).hasMessageContaining("stopped");
                assertThat(second.status().lastError()).hasValueSatisfying(e ->
                        assertThat(e).contains("slot 'sales' is being written by another runner"));
                assertThat(first.query(token, WAIT, JdbcReadModelStoreIT::sales)).isEqualTo(Map.of("c0", "11/11", "c1", "10/10"));
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

    static Map<String, String> salesIn(String table) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT customer, total, events FROM " + table)) {
            Map<String, String> out = new TreeMap<>();
            while (rs.next()) {
                out.put(rs.getString(1), rs.getLong(2) + "/" + rs.getInt(3));
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean schemaExists(String schema) {
        try (Connection c = dataSource.getConnection();
             java.sql.PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_namespace WHERE nspname = ?")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Nested
    class SchemaPerProjection {
        /** Sales per customer, its table created by the projection itself in its slot's schema. */
        final Projection<SqlWriter> sales = SALES.withSetup(w -> w.execute(OrderProjections.CREATE_SALES));
        /** A new version of it: every total counted twice. */
        final Projection<SqlWriter> doubled = Projection.<SqlWriter>of("sales", ReadFilter.categories("order"),
                (e, w) -> w.execute("INSERT INTO sales (customer, total, events) VALUES (?, ?, 1) ON CONFLICT (customer) "
                                + "DO UPDATE SET total = sales.total + EXCLUDED.total, events = sales.events + 1",
                        OrderProjections.data(e).get("customer").asText(), 2 * OrderProjections.data(e).get("amount").asLong()))
                .withSetup(w -> w.execute(OrderProjections.CREATE_SALES));
        ReadModelStore<SqlWriter> schemas;

        @BeforeEach
        void openSchemaStore() throws SQLException {
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                for (String schema : List.of("sales", "sales~0", "sales~1", "sales~2")) {
                    s.execute("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE");
                }
                s.execute("DROP TABLE IF EXISTS tributary_projection_active");
            }
            schemas = JdbcReadModelStore.postgresSchemaPerProjection(dataSource);
        }

        @AfterEach
        void closeSchemaStore() {
            schemas.close();
        }

        @Test
        void theProjectionCreatesItsTablesInItsOwnSchemaBeforeAnyEvent() {
            try (ProjectionRunner<SqlWriter> runner = ProjectionRunner.start(store, sales, schemas)) {
                runner.awaitPosition(-1, WAIT);
                assertThat(runner.query(-1, WAIT, () -> salesIn("\"sales\".sales"))).isEmpty();
                long token = append(store, "1", "ada", 10);
                assertThat(runner.query(token, WAIT, () -> salesIn("\"sales\".sales"))).isEqualTo(Map.of("ada", "10/1"));
            }
            assertThat(salesIn("sales")).as("the shared schema's table is untouched").isEmpty();
        }

        @Test
        void aShadowRebuildSwapsTheSchemasAtomicallyWithADiffAndLiveGoesOn() {
            for (int i = 0; i < 30; i++) {
                append(store, "o" + i, "c" + (i % 3), 1 + i);
            }
            try (ProjectionRunner<SqlWriter> runner = ProjectionRunner.start(store, sales, schemas)) {
                runner.awaitPosition(store.headPosition(), WAIT);
                Map<String, String> before = salesIn("\"sales\".sales");
                assertThat(before).hasSize(3);

                RebuildReport report = runner.rebuildInShadow(doubled, WAIT);
                assertThat(report.newSlot()).isEqualTo("sales~1");
                assertThat(report.changedCount()).isEqualTo(3);
                assertThat(report.changed()).anySatisfy(k -> assertThat(k).startsWith("sales/"));
                assertThat(report.addedCount() + report.removedCount()).isZero();
                Map<String, String> after = salesIn("\"sales\".sales");
                before.forEach((customer, v) -> {
                    long total = Long.parseLong(v.split("/")[0]);
                    assertThat(after.get(customer)).isEqualTo(2 * total + "/" + v.split("/")[1]);
                });
                assertThat(schemaExists("sales~0")).as("the replaced read model is dropped").isFalse();
                assertThat(schemaExists("sales~1")).as("the new one lives under the projection's name").isFalse();

                long token = append(store, "late", "c0", 100);
                assertThat(runner.query(token, WAIT, () -> salesIn("\"sales\".sales")).get("c0"))
                        .isEqualTo((Long.parseLong(after.get("c0").split("/")[0]) + 200) + "/11");

                RebuildReport same = runner.rebuildInShadow(WAIT);
                assertThat(same.identical()).isTrue();
                assertThat(same.newSlot()).isEqualTo("sales~2");
            }
            Map<String, String> live = salesIn("\"sales\".sales");
            schemas.close();
            schemas = JdbcReadModelStore.postgresSchemaPerProjection(dataSource);
            assertThat(schemas.activeSlot("sales")).as("the swap survives a restart").isEqualTo("sales~2");
            try (ProjectionRunner<SqlWriter> runner = ProjectionRunner.start(store, doubled, schemas)) {
                assertThat(runner.status().slot()).isEqualTo("sales~2");
                runner.awaitPosition(store.headPosition(), WAIT);
                assertThat(salesIn("\"sales\".sales")).as("no event applied twice after the restart").isEqualTo(live);
                runner.reset();
                runner.awaitPosition(store.headPosition(), WAIT);
                assertThat(salesIn("\"sales\".sales")).as("a reset drops the schema and replays").isEqualTo(live);
            }
        }

        @Test
        void aProjectionNameTooLongForASchemaIsRefusedWithItsReason() {
            String name = "p".repeat(70);
            assertThatThrownBy(() -> schemas.commit(name, 1, w -> { }))
                    .isInstanceOf(io.tributary.core.StorageException.class)
                    .hasMessageContaining("shorter name");
        }
    }
}
