package io.tributary.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.core.InvalidRequestException;
import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.Tributary;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
    private static final String PASS = "changeit";
    static Path certs;
    static MariaDb db;

    @TempDir
    Path dir;

    @BeforeAll
    static void startMariaDbWithAPrivateCa() throws Exception {
        certs = Files.createTempDirectory("tributary-tls");
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=Tributary Test CA",
                "-ext", "bc:c", "-validity", "3", "-keystore", "ca.p12", "-storetype", "PKCS12", "-storepass", PASS);
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-storepass", PASS, "-file", "ca.pem");
        keytool("-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost",
                "-validity", "3", "-keystore", "server.p12", "-storetype", "PKCS12", "-storepass", PASS);
        keytool("-certreq", "-alias", "server", "-keystore", "server.p12", "-storepass", PASS, "-file", "server.csr");
        keytool("-gencert", "-alias", "ca", "-keystore", "ca.p12", "-storepass", PASS, "-infile", "server.csr",
                "-outfile", "server.pem", "-rfc", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "3");
        // The client's key and certificate (signed by the CA), with the CA's certificate, for REQUIRE X509 accounts.
        keytool("-genkeypair", "-alias", "client", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=cdc-client",
                "-validity", "3", "-keystore", "client.p12", "-storetype", "PKCS12", "-storepass", PASS);
        keytool("-certreq", "-alias", "client", "-keystore", "client.p12", "-storepass", PASS, "-file", "client.csr");
        keytool("-gencert", "-alias", "ca", "-keystore", "ca.p12", "-storepass", PASS, "-infile", "client.csr",
                "-outfile", "client.pem", "-rfc", "-validity", "3");
        keytool("-importcert", "-noprompt", "-trustcacerts", "-alias", "ca", "-file", "ca.pem", "-keystore", "client.p12",
                "-storetype", "PKCS12", "-storepass", PASS);
        keytool("-importcert", "-noprompt", "-alias", "client", "-file", "client.pem", "-keystore", "client.p12",
                "-storetype", "PKCS12", "-storepass", PASS);
        // A trust store holding only the CA's certificate.
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", "ca.pem", "-keystore", "trust.p12", "-storetype",
                "PKCS12", "-storepass", PASS);
        // Another CA, which signed nothing of this server's.
        keytool("-genkeypair", "-alias", "other", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=Other CA",
                "-ext", "bc:c", "-validity", "3", "-keystore", "other.p12", "-storetype", "PKCS12", "-storepass", PASS);
        keytool("-exportcert", "-rfc", "-alias", "other", "-keystore", "other.p12", "-storepass", PASS, "-file", "other.pem");
        // The server's private key as PEM (PKCS#8), which the server reads; keytool does not export keys.
        KeyStore server = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(certs.resolve("server.p12"))) {
            server.load(in, PASS.toCharArray());
        }
        Key key = server.getKey("server", PASS.toCharArray());
        Files.writeString(certs.resolve("server-key.pem"), "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
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
        try (var files = Files.list(certs)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(certs);
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(certs.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: " + output);
        }
    }

    private static String scalar(String sql, int column) throws java.sql.SQLException {
        try (java.sql.Connection c = db.connect(); java.sql.Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(column);
        }
    }

    @Test
    void bothConnectionsTrustTheCaCertificateTheUrlNames() throws Exception {
        long before = Long.parseLong(scalar("SHOW GLOBAL STATUS LIKE 'Ssl_accepts'", 2));
        MySqlSource source = MySqlSource.builder("tlsca", db.url() + "?sslMode=verify-full&serverSslCert="
                + certs.resolve("ca.pem")).credentials("root", "").tables("t").snapshotMode(SnapshotMode.NEVER)
                .heartbeatIntervalMs(200).build();
        try (EmbeddedEventStore store = Tributary.open(dir); MySqlCapture capture = MySqlCapture.start(store, source)) {
            MySqlCaptureIT.awaitPosition(capture);
            db.exec("INSERT INTO t VALUES (1, 1)");
            MySqlCaptureIT.awaitCount(store, "t", 1, capture);
            // One JDBC connection (snapshotMode NEVER) and the binlog connection, both over TLS, both checked.
            assertThat(Long.parseLong(scalar("SHOW GLOBAL STATUS LIKE 'Ssl_accepts'", 2)) - before).isEqualTo(2);
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
        long before = Long.parseLong(scalar("SHOW GLOBAL STATUS LIKE 'Ssl_accepts'", 2));
        MySqlSource source = MySqlSource.builder("tlsclient", db.url() + tls + "&keyStore=" + certs.resolve("client.p12")
                        + "&keyStorePassword=" + PASS + "&keyStoreType=PKCS12").credentials("x509", "").tables("t")
                .snapshotMode(SnapshotMode.NEVER).heartbeatIntervalMs(200).build();
        try (EmbeddedEventStore store = Tributary.open(dir); MySqlCapture capture = MySqlCapture.start(store, source)) {
            MySqlCaptureIT.awaitPosition(capture);
            db.exec("INSERT INTO t VALUES (2, 2)");
            MySqlCaptureIT.awaitCount(store, "t", 1, capture);
            assertThat(Long.parseLong(scalar("SHOW GLOBAL STATUS LIKE 'Ssl_accepts'", 2)) - before).isEqualTo(2);
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
