package io.tributary.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.Tributary;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL capture over TLS with the server's certificate signed by a private CA: pgjdbc's {@code sslmode} and
 * {@code sslrootcert} in the source's URL apply to the catalog connection and to the replication connection alike
 * (both are pgjdbc connections to that URL), so the walsender streaming the changes is encrypted and checked too.
 */
class PostgresTlsIT {
    static TestCertificates tls;
    static EmbeddedPostgres pg;

    @TempDir
    Path dir;

    @BeforeAll
    static void startWithTls() throws Exception {
        tls = TestCertificates.make();
        pg = EmbeddedPostgres.builder().setPGStartupWait(java.time.Duration.ofSeconds(60))
                .setServerConfig("wal_level", "logical").setServerConfig("max_replication_slots", "10")
                .setServerConfig("max_wal_senders", "10").setServerConfig("ssl", "on")
                .setServerConfig("ssl_cert_file", tls.path("server.pem").toString())
                .setServerConfig("ssl_key_file", tls.path("server-key.pem").toString())
                .start();
        try (Connection c = plain(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id int PRIMARY KEY, v text)");
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (pg != null) {
            pg.close();
        }
        tls.close();
    }

    private static String url(String parameters) {
        return "jdbc:postgresql://localhost:" + pg.getPort() + "/postgres" + parameters;
    }

    private static Connection plain() throws java.sql.SQLException {
        return DriverManager.getConnection(url("?sslmode=disable"), "postgres", "");
    }

    @Test
    void theCatalogAndTheReplicationConnectionAreEncryptedAndCheckedAgainstTheCa() throws Exception {
        PostgresSource source = PostgresSource.builder("pgtls", url("?sslmode=verify-full&sslrootcert=" + tls.path("ca.pem")))
                .tables("t").heartbeatIntervalMs(200).statusIntervalMs(100).build();
        try (EmbeddedEventStore store = Tributary.open(dir); PostgresCapture capture = PostgresCapture.start(store, source)) {
            try (Connection c = plain(); Statement s = c.createStatement()) {
                s.execute("INSERT INTO t VALUES (1, 'over TLS')");
            }
            assertThat(SourceDb.awaitCount(store, "t", 1, capture).get(0).data()).asString().contains("over TLS");
            try (Connection c = plain(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FILTER (WHERE l.ssl), count(*) FROM pg_stat_activity a"
                         + " JOIN pg_stat_ssl l USING (pid) WHERE a.backend_type = 'walsender'")) {
                rs.next();
                assertThat(rs.getLong(2)).as("the capture's walsender").isEqualTo(1);
                assertThat(rs.getLong(1)).as("... encrypted").isEqualTo(1);
            }
        } finally {
            PostgresCapture.dropSlotAndPublication(source, true);
        }
    }

    @Test
    void aServerCertificateTheGivenCaDidNotSignIsRefusedAndNothingIsWritten() {
        PostgresSource source = PostgresSource.builder("pgother", url("?sslmode=verify-full&sslrootcert="
                + tls.path("other.pem"))).tables("t").build();
        try (EmbeddedEventStore store = Tributary.open(dir)) {
            assertThatThrownBy(() -> PostgresCapture.start(store, source)).isInstanceOf(SourceConfigurationException.class);
            assertThat(store.readAll(0, 10, io.tributary.core.Direction.FORWARD, io.tributary.core.ReadFilter.all()).events())
                    .as("nothing written").isEmpty();
        }
    }
}
