package io.tributary.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.core.InvalidRequestException;
import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.Tributary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS with the server's certificate signed by a private CA (made here with the JDK's keytool): the URL's
 * {@code serverSslCert} or {@code trustStore} names what to trust, its {@code keyStore} the client certificate an
 * account created {@code REQUIRE X509} must present, and both the JDBC and the binlog connection follow them — the
 * JVM's trust store does not have the CA, so a binlog connection that ignored them could not connect.
 */
class MySqlTlsIT {
    private static final String PASS = TestCertificates.PASSWORD;
    static TestCertificates tls;
    static Path certs;
    static MariaDb db;

    @TempDir
    Path dir;

    @BeforeAll
    static void startMariaDbWithAPrivateCa() throws Exception {
        tls = TestCertificates.make();
        certs = tls.dir;
        db = MariaDb.start(List.of("--log-bin=mysql-bin", "--binlog-format=ROW", "--binlog-row-image=FULL",
                "--binlog-row-metadata=FULL", "--ssl-cert=" + certs.resolve("server.pem"),
                "--ssl-key=" + certs.resolve("server-key.pem"), "--ssl-ca=" + certs.resolve("ca.pem")));
        db.exec("CREATE TABLE t (id int PRIMARY KEY, v int)", "CREATE USER 'x509'@'%' REQUIRE X509",
                "GRANT REPLICATION SLAVE, BINLOG MONITOR, SELECT ON *.* TO 'x509'@'%'");
    }

    @AfterAll
    static void stop() throws IOException {
        if (db != null) {
            db.close();
        }
        tls.close();
    }

    @Test
    void bothConnectionsTrustTheCaCertificateTheUrlNames() throws Exception {
        long before = Long.parseLong(db.scalar("SHOW GLOBAL STATUS LIKE 'Ssl_accepts'", 2));
        MySqlSource source = MySqlSource.builder("tlsca", db.url() + "?sslMode=verify-full&serverSslCert="
                + certs.resolve("ca.pem")).credentials("root", "").tables("t").snapshotMode(SnapshotMode.NEVER)
                .heartbeatIntervalMs(200).build();
        try (EmbeddedEventStore store = Tributary.open(dir); MySqlCapture capture = MySqlCapture.start(store, source)) {
            MySqlCaptureIT.awaitPosition(capture);
            db.exec("INSERT INTO t VALUES (1, 1)");
            MySqlCaptureIT.awaitCount(store, "t", 1, capture);
            // One JDBC connection (snapshotMode NEVER) and the binlog connection, both over TLS, both checked.
            assertThat(Long.parseLong(db.scalar("SHOW GLOBAL STATUS LIKE 'Ssl_accepts'", 2)) - before).isEqualTo(2);
        } finally {
            db.exec("DELETE FROM t WHERE id = 1");
        }
    }

    @Test
    void bothConnectionsPresentTheClientCertificateOfTheKeyStoreAndTrustTheTrustStore() throws Exception {
        String tls = "?sslMode=verify-full&trustStore=" + certs.resolve("trust.p12") + "&trustStorePassword=" + PASS
                + "&trustStoreType=PKCS12";
        // An account that must present a certificate: without the key store the server turns the connection away.
        assertThatThrownBy(() -> {
            try (EmbeddedEventStore store = Tributary.open(dir.resolve("nokey"))) {
                MySqlCapture.start(store, MySqlSource.builder("tlsnokey", db.url() + tls).credentials("x509", "")
                        .tables("t").build());
            }
        }).isInstanceOf(SourceConfigurationException.class).hasMessageContaining("cannot connect to");
        long before = Long.parseLong(db.scalar("SHOW GLOBAL STATUS LIKE 'Ssl_accepts'", 2));
        MySqlSource source = MySqlSource.builder("tlsclient", db.url() + tls + "&keyStore=" + certs.resolve("client.p12")
                        + "&keyStorePassword=" + PASS + "&keyStoreType=PKCS12").credentials("x509", "").tables("t")
                .snapshotMode(SnapshotMode.NEVER).heartbeatIntervalMs(200).build();
        try (EmbeddedEventStore store = Tributary.open(dir); MySqlCapture capture = MySqlCapture.start(store, source)) {
            MySqlCaptureIT.awaitPosition(capture);
            db.exec("INSERT INTO t VALUES (2, 2)");
            MySqlCaptureIT.awaitCount(store, "t", 1, capture);
            assertThat(Long.parseLong(db.scalar("SHOW GLOBAL STATUS LIKE 'Ssl_accepts'", 2)) - before).isEqualTo(2);
        } finally {
            db.exec("DELETE FROM t WHERE id = 2");
        }
    }

    @Test
    void aCertificateFromAnotherCaIsRefusedAndNothingIsWritten() {
        MySqlSource source = MySqlSource.builder("tlsother", db.url() + "?sslMode=verify-full&serverSslCert="
                + certs.resolve("other.pem")).credentials("root", "").tables("t").build();
        try (EmbeddedEventStore store = Tributary.open(dir)) {
            assertThatThrownBy(() -> MySqlCapture.start(store, source)).isInstanceOf(SourceConfigurationException.class)
                    .hasMessageContaining("cannot connect to");
            assertThat(store.readAll(0, 10, io.tributary.core.Direction.FORWARD, io.tributary.core.ReadFilter.all()).events())
                    .as("nothing written").isEmpty();
        }
        // Without serverSslCert the JVM's trust store decides: it does not know this CA.
        MySqlSource jvmTrust = MySqlSource.builder("tlsjvm", db.url() + "?sslMode=verify-ca").credentials("root", "")
                .tables("t").build();
        try (EmbeddedEventStore store = Tributary.open(dir)) {
            assertThatThrownBy(() -> MySqlCapture.start(store, jvmTrust)).isInstanceOf(SourceConfigurationException.class)
                    .hasMessageContaining("cannot connect to");
        }
    }

    @Test
    void certificateFilesThatCannotBeUsedAreRefusedBeforeConnectingAndNothingIsWritten() {
        Path missing = certs.resolve("missing.pem");
        assertStartRefused("?sslMode=verify-ca&serverSslCert=" + missing, "serverSslCert: there is no file " + missing);
        assertStartRefused("?sslMode=verify-ca&serverSslCert=" + certs.resolve("server.csr"), "is not an X.509 certificate");
        assertStartRefused("?sslMode=verify-ca&trustStore=" + certs.resolve("trust.p12") + "&trustStorePassword=wrong",
                "cannot be read as a PKCS12 key store", "trustStorePassword");
        assertStartRefused("?sslMode=verify-ca&trustStore=" + certs.resolve("nope.p12"), "trustStore: there is no file");
        assertStartRefused("?sslMode=trust&keyStore=" + certs.resolve("trust.p12") + "&keyStorePassword=" + PASS,
                "holds no private key");
        assertStartRefused("?sslMode=verify-ca&trustStore=" + certs.resolve("trust.p12") + "&serverSslCert="
                + certs.resolve("ca.pem"), "give one");
        // A mode that checks no certificate does not go with one to check against: refused when built.
        assertThatThrownBy(() -> MySqlSource.builder("x", db.url() + "?sslMode=trust&serverSslCert="
                + certs.resolve("ca.pem")).tables("t").build()).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("serverSslCert needs sslMode=verify-ca or verify-full");
    }

    private void assertStartRefused(String parameters, String... fragments) {
        MySqlSource source = MySqlSource.builder("tlsbad", db.url() + parameters).credentials("root", "").tables("t").build();
        try (EmbeddedEventStore store = Tributary.open(dir)) {
            assertThatThrownBy(() -> MySqlCapture.start(store, source)).isInstanceOf(InvalidRequestException.class)
                    .message().contains(fragments);
            assertThat(store.readAll(0, 10, io.tributary.core.Direction.FORWARD, io.tributary.core.ReadFilter.all()).events())
                    .as("nothing written").isEmpty();
        }
    }
}
