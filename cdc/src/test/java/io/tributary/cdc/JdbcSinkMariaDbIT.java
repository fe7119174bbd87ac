package io.tributary.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.Tributary;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL to MariaDB: the seed's "sync data across databases" between two kinds of database. A table with
 * text, arrays, JSON, exact numbers, instants, binary, a TOASTed text, booleans, dates and date-times is mirrored
 * through the log into a MariaDB table of the matching types; stopped, changed, restarted, replayed from the start.
 * And MariaDB to MariaDB (another database): the binlog capture's values written back in MariaDB's own types.
 */
class JdbcSinkMariaDbIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static SourceDb pg;
    static MariaDb maria;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        pg = SourceDb.start();
        maria = MariaDb.start(); // with the binlog: also a source below
    }

    @AfterAll
    static void stop() throws Exception {
        pg.close();
        maria.close();
    }

    @Test
    void mirrorsAPostgresTableIntoMariaDbAndCatchesUpAfterARestart() throws Exception {
        pg.exec("CREATE TABLE users (id int PRIMARY KEY, email text, tags text[], doc jsonb, amount numeric(20,4),"
                        + " at timestamptz, blob bytea, body text, active boolean, day date, local timestamp)",
                "ALTER TABLE users ALTER COLUMN body SET STORAGE EXTERNAL",
                "INSERT INTO users VALUES (1, 'ada@example.com', '{a,\"b c\"}', '{\"k\": [1]}', 12.5,"
                        + " '2026-11-28 10:00:00.123456+02', '\\x0001ff', 'x', true, '2026-11-28', '2026-11-28 23:59:59.5')");
        // NOT NULL on the target: an update with an unchanged TOASTed body must not insert a row without it.
        maria.exec("CREATE TABLE users (id int PRIMARY KEY, email varchar(200), tags json, doc json, amount decimal(20,4),"
                + " at datetime(6), `blob` varbinary(100), body longtext NOT NULL, active tinyint(1), day date, local datetime(6))");
        JdbcSinkConfig config = JdbcSinkConfig.of("tomaria", maria.url(), Map.of("users", "users")).withCredentials("root", "");
        try (EmbeddedEventStore store = Tributary.open(dir);
             PostgresCapture capture = PostgresCapture.start(store, pg.source("tomaria", "users").build())) {
            try (JdbcSink sink = JdbcSink.start(store, config)) {
                pg.exec("INSERT INTO users VALUES (2, 'bob@example.com', NULL, NULL, -1, NULL, NULL, repeat('z', 9000), false,"
                                + " NULL, NULL)",
                        "UPDATE users SET email = 'ada@new.example' WHERE id = 1",
                        "UPDATE users SET active = true WHERE id = 2",   // body is an unchanged TOASTed value
                        "INSERT INTO users VALUES (3, 'c@example.com', '{}', '[]', 0, now(), '\\x', '', NULL, '1999-01-01',"
                                + " '1999-01-01 00:00:00')");
                awaitSame(sink);
            }
            pg.exec("DELETE FROM users WHERE id = 3", "UPDATE users SET amount = amount + 1.0001");
            try (JdbcSink sink = JdbcSink.start(store, config)) {
                awaitSame(sink);
            }
            pg.exec("TRUNCATE users", "INSERT INTO users (id, email, body) VALUES (7, 'after@truncate', 'b')");
            maria.exec("UPDATE tributary_cdc_sink_checkpoint SET position = -1");
            try (JdbcSink sink = JdbcSink.start(store, config)) {
                awaitSame(sink);
                assertThat(sink.lastError()).isEmpty();
            }
            assertThat(rows(false)).hasSize(1);
            assertThat(capture.status().status()).isEqualTo(CdcStatus.State.STREAMING);
        }
    }

    @Test
    void mirrorsAMariaDbTableOfEveryCommonTypeIntoAnotherMariaDbDatabase() throws Exception {
        String columns = "(id int PRIMARY KEY, name varchar(50), price decimal(10,2), made datetime(6), seen timestamp(6) NULL,"
                + " day date, t time(3), raw varbinary(16), doc json, flag tinyint(1), b bit(1), color enum('red','green'),"
                + " tags set('a','b'), y year, f double)";
        maria.exec("CREATE TABLE items " + columns, "CREATE DATABASE mirror", "CREATE TABLE mirror.items " + columns);
        JdbcSinkConfig config = JdbcSinkConfig.of("maria2maria", maria.url(), Map.of("items", "mirror.items"))
                .withCredentials("root", "");
        try (EmbeddedEventStore store = Tributary.open(dir);
             MySqlCapture capture = MySqlCapture.start(store, maria.source("m2m", "items").build());
             JdbcSink sink = JdbcSink.start(store, config)) {
            maria.exec("INSERT INTO items VALUES (1, 'one', 12.50, '2026-11-28 10:00:00.123456', '2026-11-28 10:00:00.5',"
                            + " '2026-11-28', '12:34:56.789', x'00ff10', '{\"k\": [1, \"x\"]}', 1, b'1', 'green', 'a,b', 2026, 1.5)",
                    "INSERT INTO items (id, name) VALUES (2, 'nulls')",
                    "INSERT INTO items VALUES (3, 'three', -0.01, '1999-12-31 23:59:59', NULL, '1999-12-31', '-01:00:00', x'',"
                            + " '[]', 0, b'0', 'red', '', 1999, -2.25e10)",
                    "UPDATE items SET price = price * 2, flag = 1 - flag WHERE id IN (1, 3)",
                    "DELETE FROM items WHERE id = 2");
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (!itemRows("items").equals(itemRows("mirror.items"))) {
                assertThat(sink.lastError()).isEmpty();
                assertThat(System.nanoTime()).as("mirror %s never matched %s", itemRows("mirror.items"), itemRows("items"))
                        .isLessThan(deadline);
                Thread.sleep(50);
            }
            assertThat(itemRows("mirror.items")).hasSize(2);
            assertThat(capture.status().status()).isEqualTo(CdcStatus.State.STREAMING);
        }
    }

    @Test
    void mirrorsAMariaDbTableIntoPostgres() throws Exception {
        maria.exec("CREATE TABLE goods (id int PRIMARY KEY, name varchar(50), price decimal(10,2), made datetime(6),"
                + " seen timestamp(6) NULL, day date, t time(3), raw varbinary(16), doc json, flag tinyint(1),"
                + " color enum('red','green'), y year, f double)");
        pg.exec("CREATE DATABASE fromMaria");
        String target = "jdbc:postgresql://localhost:" + pg.postgres.getPort() + "/frommaria";
        try (Connection c = DriverManager.getConnection(target, "postgres", ""); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE goods (id int PRIMARY KEY, name text, price numeric(10,2), made timestamp, seen timestamptz,"
                    + " day date, t interval, raw bytea, doc jsonb, flag boolean, color text, y int, f double precision)");
        }
        JdbcSinkConfig config = JdbcSinkConfig.of("maria2pg", target, Map.of("goods", "public.goods"));
        try (EmbeddedEventStore store = Tributary.open(dir);
             MySqlCapture capture = MySqlCapture.start(store, maria.source("m2pg", "goods").build());
             JdbcSink sink = JdbcSink.start(store, config)) {
            maria.exec("INSERT INTO goods VALUES (1, 'one', 12.50, '2026-11-28 10:00:00.123456', '2026-11-28 10:00:00.5',"
                            + " '2026-11-28', '12:34:56.789', x'00ff10', '{\"k\": [1, \"x\"]}', 1, 'green', 2026, 1.5)",
                    "INSERT INTO goods (id, name) VALUES (2, 'nulls')",
                    "INSERT INTO goods VALUES (3, 'three', -0.01, '1999-12-31 23:59:59', NULL, '1999-12-31', '-01:00:00.25',"
                            + " x'', '[]', 0, 'red', 1999, -2.25e10)",
                    "UPDATE goods SET price = price * 2, flag = 1 - flag WHERE id IN (1, 3)",
                    "DELETE FROM goods WHERE id = 2");
            String mariaSql = "SELECT id, name, CAST(price AS CHAR), DATE_FORMAT(made, '%Y-%m-%d %H:%i:%s.%f'),"
                    + " DATE_FORMAT(seen, '%Y-%m-%d %H:%i:%s.%f'), CAST(day AS CHAR),"
                    + " CAST(TIME_TO_SEC(t) * 1000000 AS SIGNED), LOWER(HEX(raw)), doc,"
                    + " CAST(flag AS CHAR), color, CAST(y AS CHAR), f FROM goods ORDER BY id";
            String pgSql = "SELECT id, name, price::text, to_char(made, 'YYYY-MM-DD HH24:MI:SS.US'),"
                    + " to_char(seen AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'), day::text,"
                    + " (extract(epoch FROM t) * 1000000)::bigint,"
                    + " encode(raw, 'hex'), doc::text, CASE WHEN flag THEN '1' WHEN NOT flag THEN '0' END, color, y::text, f"
                    + " FROM goods ORDER BY id";
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (!rowsOf(maria.url(), "root", mariaSql, 13).equals(rowsOf(target, "postgres", pgSql, 13))) {
                assertThat(sink.lastError()).isEmpty();
                assertThat(System.nanoTime()).as("postgres %s never matched mariadb %s", rowsOf(target, "postgres", pgSql, 13),
                        rowsOf(maria.url(), "root", mariaSql, 13)).isLessThan(deadline);
                Thread.sleep(50);
            }
            assertThat(rowsOf(target, "postgres", pgSql, 13)).hasSize(2);
            assertThat(capture.status().status()).isEqualTo(CdcStatus.State.STREAMING);
        }
    }

    /** The rows of {@code sql}, column 9 (JSON) re-serialised, doubles compared as numbers. */
    private static List<String> rowsOf(String url, String user, String sql, int columns) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url, user, ""); Statement s = c.createStatement()) {
            if (url.startsWith("jdbc:mariadb:")) {
                s.execute("SET time_zone = '+00:00'");
            }
            try (ResultSet rs = s.executeQuery(sql)) {
                while (rs.next()) {
                    List<String> row = new ArrayList<>();
                    for (int i = 1; i <= columns; i++) {
                        String v = rs.getString(i);
                        if (v != null && i == 9) {
                            v = JSON.readTree(v).toString();
                        } else if (v != null && i == columns) {
                            v = Double.toString(rs.getDouble(i));
                        }
                        row.add(v);
                    }
                    out.add(row.toString());
                }
            }
        }
        return out;
    }

    private static List<String> itemRows(String table) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(maria.url(), "root", ""); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, name, price, made, seen, day, t, HEX(raw), doc, flag, b + 0, color, tags,"
                     + " y, f FROM " + table + " ORDER BY id")) {
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= 15; i++) {
                    String v = rs.getString(i);
                    row.add(v != null && i == 9 ? JSON.readTree(v).toString() : v);
                }
                out.add(row.toString());
            }
        }
        return out;
    }

    private void awaitSame(JdbcSink sink) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        List<String> source = rows(true);
        while (!rows(false).equals(source)) {
            assertThat(sink.lastError()).isEmpty();
            assertThat(System.nanoTime()).as("target %s never matched source %s", rows(false), source).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    /** Every row in one comparable form: JSON re-serialised, booleans as 1/0, instants in UTC, binary in hex. */
    private static List<String> rows(boolean source) throws Exception {
        String sql = source
                ? "SELECT id, email, array_to_json(tags)::text, doc::text, amount::text,"
                + " to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'), encode(blob, 'hex'), md5(body),"
                + " CASE WHEN active THEN '1' WHEN NOT active THEN '0' END, day::text,"
                + " to_char(local, 'YYYY-MM-DD HH24:MI:SS.US') FROM users ORDER BY id"
                : "SELECT id, email, tags, doc, CAST(amount AS CHAR), DATE_FORMAT(at, '%Y-%m-%d %H:%i:%s.%f'),"
                + " LOWER(HEX(`blob`)), MD5(body), CAST(active AS CHAR), CAST(day AS CHAR),"
                + " DATE_FORMAT(local, '%Y-%m-%d %H:%i:%s.%f') FROM users ORDER BY id";
        List<String> out = new ArrayList<>();
        try (Connection c = source ? pg.connect() : DriverManager.getConnection(maria.url(), "root", "");
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= 11; i++) {
                    String v = rs.getString(i);
                    row.add(v != null && (i == 3 || i == 4) ? JSON.readTree(v).toString() : v);
                }
                out.add(row.toString());
            }
        }
        return out;
    }
}
