package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tributary serve --config} with a {@code cdc} source, in a child JVM, against a real
 * PostgreSQL: the capture shows up at {@code GET /cdc}, in the CLI and in the metrics, and rows
 * changed by SQL arrive in the log as streams of the table's category. Bad entries fail at start
 * naming the key.
 */
class CdcIT {
    private static final Pattern LISTENING = Pattern.compile("listening on (http://127\\.0\\.0\\.1:(\\d+))");
    private static final ObjectMapper JSON = new ObjectMapper();
    static EmbeddedPostgres postgres;

    @TempDir
    Path dir;

    @BeforeAll
    static void startPostgres() throws IOException {
        postgres = EmbeddedPostgres.builder()
                .setPGStartupWait(java.time.Duration.ofSeconds(60)) // the default 10 s is tight on a loaded machine
                .setServerConfig("wal_level", "logical")
                .setServerConfig("max_replication_slots", "4")
                .setServerConfig("max_wal_senders", "4")
                .setServerConfig("fsync", "off")
                .start();
    }

    @AfterAll
    static void stopPostgres() throws IOException {
        postgres.close();
    }

    private static void sql(String... statements) throws SQLException {
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    private Path config(String yaml) throws IOException {
        Path file = dir.resolve("tributary.yml");
        Files.writeString(file, yaml);
        return file;
    }

    private static JsonNode json(HttpResponse<String> r) throws IOException {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static JsonNode await(Http http, String path, Predicate<JsonNode> done) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        JsonNode last;
        do {
            last = json(http.get(path));
            if (done.test(last)) {
                return last;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        throw new AssertionError(path + " did not reach the expected state; last: " + last);
    }

    @Test
    void capturesTheConfiguredSourceAndShowsItUnderCdc() throws Exception {
        sql("DROP TABLE IF EXISTS items", "CREATE TABLE items (id INT PRIMARY KEY, name TEXT NOT NULL)",
                "INSERT INTO items VALUES (1, 'keyboard')");
        Path file = config("""
                cdc:
                  - name: inventory
                    jdbcUrl: jdbc:postgresql://localhost:%d/postgres
                    user: postgres
                    tables: [items]
                    heartbeatIntervalMs: 500
                    restart: {initialBackoffMs: 1000, maxBackoffMs: 2000}
                """.formatted(postgres.getPort()));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                TributaryCli.class.getName(), "serve", "--config", file.toString(), "--data", dir.resolve("data").toString(),
                "--port", "0", "--durability", "none"))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            assertThat(line).isNotNull();
            Matcher m = LISTENING.matcher(line);
            assertThat(m.matches()).as(line).isTrue();
            String url = m.group(1);
            Http http = new Http(URI.create(url));

            JsonNode list = await(http, "/cdc", l -> l.size() == 1 && l.get(0).get("status").asText().equals("streaming"));
            JsonNode source = list.get(0);
            assertThat(source.get("name").asText()).isEqualTo("inventory");
            assertThat(source.get("kind").asText()).isEqualTo("postgres");
            assertThat(source.get("sourcePosition").asText()).matches("[0-9A-F]+/[0-9A-F]+");
            assertThat(source.get("snapshot").get("done").asBoolean()).isTrue();
            assertThat(source.get("snapshot").get("rowsDone").asLong()).isEqualTo(1);

            sql("INSERT INTO items VALUES (2, 'mouse')", "UPDATE items SET name = 'keyboard (mechanical)' WHERE id = 1");
            JsonNode streams = await(http, "/streams?category=items", s -> s.get("streams").size() == 2
                    && s.get("streams").findValues("lastVersion").stream().mapToLong(JsonNode::asLong).sum() == 1);
            assertThat(streams.get("streams").findValuesAsText("stream")).containsExactlyInAnyOrder("items-1", "items-2");
            JsonNode history = json(http.get("/streams/items-1"));
            JsonNode events = history.get("events");
            assertThat(events).hasSize(2);
            assertThat(events.get(0).get("data").get("op").asText()).isEqualTo("r");
            assertThat(events.get(1).get("data").get("op").asText()).isEqualTo("u");
            assertThat(events.get(1).get("data").get("after").get("name").asText()).isEqualTo("keyboard (mechanical)");

            assertThat(json(http.get("/cdc/inventory")).get("name").asText()).isEqualTo("inventory");
            HttpResponse<String> missing = http.get("/cdc/nope");
            assertThat(missing.statusCode()).isEqualTo(404);
            assertThat(missing.body()).contains("no CDC source named 'nope'");
            assertThat(http.get("/metrics").body()).contains("tributary_cdc_lag_ms{source=\"inventory\"}",
                    "tributary_cdc_streaming{source=\"inventory\"} 1.0");

            // The replication session killed on the server: the capture restarts (restart: ...) and goes on.
            sql("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = 'tributary_inventory'");
            JsonNode restarting = await(http, "/cdc/inventory", c -> c.get("status").asText().equals("restarting"));
            assertThat(restarting.get("error").asText()).containsIgnoringCase("connection");
            sql("INSERT INTO items VALUES (3, 'trackball')");
            await(http, "/streams?category=items", st -> st.get("streams").size() == 3);
            await(http, "/cdc/inventory", c -> c.get("status").asText().equals("streaming"));

            CliTest.Result cli = CliTest.run("cdc", "--url", url);
            assertThat(cli.code()).as(cli.err()).isZero();
            assertThat(cli.out()).startsWith("inventory postgres streaming ");
            assertThat(CliTest.run("cdc", "nope", "--url", url).code()).isEqualTo(1);

            process.destroy(); // SIGTERM: the capture stops, then the store closes
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            process.destroyForcibly();
        }
        assertThat(CliTest.run("verify", "--data", dir.resolve("data").toString()).code()).isZero();
    }

    /**
     * Runs {@code serve} with the configuration {@code yaml} and data directory {@code data}: it must exit with {@code code}
     * (2: the configuration is refused, and nothing is written; 1: a valid entry whose source cannot be started) and say
     * each of {@code messages}.
     */
    private void serveFails(String yaml, String data, int code, String... messages) throws Exception {
        CliTest.Result r = CliTest.run("serve", "--config", config(yaml).toString(), "--data", dir.resolve(data).toString(),
                "--port", "0");
        assertThat(r.code()).as(r.err()).isEqualTo(code);
        assertThat(r.err()).contains(messages);
        if (code == 2) {
            assertThat(dir.resolve(data)).as("nothing written").doesNotExist();
        }
    }

    @Test
    void aBadCdcEntryFailsAtStartNamingTheKeyAndWritesNothing() throws Exception {
        serveFails("""
                cdc:
                  - name: inventory
                    jdbcUrl: jdbc:postgresql://localhost:1/postgres
                    tabels: [items]
                """, "a", 2, "key 'cdc[0]'.tabels is not a known key", "tables");

        serveFails("""
                cdc:
                  - name: inventory
                    jdbcUrl: jdbc:oracle:thin:@localhost:1521/shop
                """, "b", 2, "cdc[0]", "jdbcUrl must start with jdbc:postgresql:, jdbc:mariadb: or jdbc:mysql:");

        serveFails("""
                cdc:
                  - name: shopdb
                    jdbcUrl: jdbc:mariadb://localhost:1/shop
                    slot: s
                """, "b2", 2, "cdc[0]'.slot applies to PostgreSQL sources only");
        serveFails("""
                cdc:
                  - name: inventory
                    jdbcUrl: jdbc:postgresql://localhost:1/postgres
                    serverId: 7
                """, "b3", 2, "cdc[0]'.serverId applies to MySQL/MariaDB sources only");
        serveFails("""
                cdc:
                  - name: inventory
                    jdbcUrl: jdbc:postgresql://localhost:1/postgres
                    restart: {initialBackoffMs: 5000, maxBackoffMs: 1000}
                """, "b5", 2, "cdc[0]'.restart.maxBackoffMs (1000) must be at least initialBackoffMs (5000)");
        serveFails("""
                cdc:
                  - name: inventory
                    jdbcUrl: jdbc:postgresql://localhost:1/postgres
                    restart: {backoffMs: 10}
                """, "b6", 2, "cdc[0]'.restart.backoffMs is not a setting");
        serveFails("""
                cdc:
                  - name: inventory
                    jdbcUrl: jdbc:postgresql://localhost:1/postgres
                    restart: sometimes
                """, "b7", 2, "cdc[0]'.restart must be never or a map of initialBackoffMs, maxBackoffMs and maxRestarts");
        serveFails("""
                cdc:
                  - name: inventory
                    jdbcUrl: jdbc:postgresql://localhost:1/postgres
                    restart: never
                """, "b8", 1, "cannot start CDC source 'inventory'");
        serveFails("""
                cdc:
                  - name: inventory
                    jdbcUrl: jdbc:postgresql://localhost:1/postgres
                    snapshot: sometimes
                """, "b9", 2, "cdc[0]'.snapshot must be initial, never or when_needed, got 'sometimes'");
        serveFails("""
                cdc:
                  - name: inventory
                    jdbcUrl: jdbc:postgresql://localhost:1/postgres
                    snapshot: when_needed
                """, "b10", 1, "cannot start CDC source 'inventory'");
        serveFails("""
                cdc:
                  - name: shopdb
                    jdbcUrl: jdbc:mariadb://localhost:1/shop
                """, "b4", 2, "cdc[0]'.tables is missing: a MySQL/MariaDB source names the tables it captures");
        // A MySQL/MariaDB source is started like a PostgreSQL one: unreachable, the server does not start.
        serveFails("""
                cdc:
                  - name: shopdb
                    jdbcUrl: jdbc:mariadb://localhost:1/shop
                    tables: [orders]
                    serverId: 7
                """, "b4", 1, "cannot start CDC source 'shopdb'");

        serveFails("""
                cdc:
                  - name: inventory
                    jdbcUrl: jdbc:postgresql://localhost:1/postgres
                    passwordEnv: TRIBUTARY_TEST_NO_SUCH_VARIABLE
                """, "c", 2, "cdc[0]'.passwordEnv: the environment variable TRIBUTARY_TEST_NO_SUCH_VARIABLE is not set");

        sql("DROP TABLE IF EXISTS items", "CREATE TABLE items (id INT PRIMARY KEY)");
        serveFails("""
                cdc:
                  - name: missing
                    jdbcUrl: jdbc:postgresql://localhost:%d/postgres
                    tables: [no_such_table]
                """.formatted(postgres.getPort()), "d", 1, "cannot start CDC source 'missing'", "no_such_table");
    }
}
