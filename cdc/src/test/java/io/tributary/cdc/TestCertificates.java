package io.tributary.cdc;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.Key;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates for TLS tests, made with the JDK's keytool (nothing else needed on the machine), in a temporary
 * directory: a CA ({@code ca.pem}, {@code ca.p12}); a server certificate for {@code localhost}/{@code 127.0.0.1}
 * signed by it ({@code server.pem}, its key {@code server-key.pem}, readable by the owner only); a client
 * certificate signed by it with the CA's, in {@code client.p12}; a trust store holding the CA ({@code trust.p12});
 * and an unrelated CA ({@code other.pem}). Every store's password is {@link #PASSWORD}.
 */
final class TestCertificates implements AutoCloseable {
    static final String PASSWORD = "changeit";
    final Path dir;

    private TestCertificates(Path dir) {
        this.dir = dir;
    }

    static TestCertificates make() throws IOException, InterruptedException {
        TestCertificates c = new TestCertificates(Files.createTempDirectory("tributary-tls"));
        c.keytool("-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=Tributary Test CA",
                "-ext", "bc:c", "-validity", "3", "-keystore", "ca.p12", "-storetype", "PKCS12", "-storepass", PASSWORD);
        c.keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-storepass", PASSWORD, "-file", "ca.pem");
        c.keytool("-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost",
                "-validity", "3", "-keystore", "server.p12", "-storetype", "PKCS12", "-storepass", PASSWORD);
        c.keytool("-certreq", "-alias", "server", "-keystore", "server.p12", "-storepass", PASSWORD, "-file", "server.csr");
        c.keytool("-gencert", "-alias", "ca", "-keystore", "ca.p12", "-storepass", PASSWORD, "-infile", "server.csr",
                "-outfile", "server.pem", "-rfc", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "3");
        c.keytool("-genkeypair", "-alias", "client", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=cdc-client",
                "-validity", "3", "-keystore", "client.p12", "-storetype", "PKCS12", "-storepass", PASSWORD);
        c.keytool("-certreq", "-alias", "client", "-keystore", "client.p12", "-storepass", PASSWORD, "-file", "client.csr");
        c.keytool("-gencert", "-alias", "ca", "-keystore", "ca.p12", "-storepass", PASSWORD, "-infile", "client.csr",
                "-outfile", "client.pem", "-rfc", "-validity", "3");
        c.keytool("-importcert", "-noprompt", "-trustcacerts", "-alias", "ca", "-file", "ca.pem", "-keystore", "client.p12",
                "-storetype", "PKCS12", "-storepass", PASSWORD);
        c.keytool("-importcert", "-noprompt", "-alias", "client", "-file", "client.pem", "-keystore", "client.p12",
                "-storetype", "PKCS12", "-storepass", PASSWORD);
        c.keytool("-importcert", "-noprompt", "-alias", "ca", "-file", "ca.pem", "-keystore", "trust.p12", "-storetype",
                "PKCS12", "-storepass", PASSWORD);
        c.keytool("-genkeypair", "-alias", "other", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=Other CA",
                "-ext", "bc:c", "-validity", "3", "-keystore", "other.p12", "-storetype", "PKCS12", "-storepass", PASSWORD);
        c.keytool("-exportcert", "-rfc", "-alias", "other", "-keystore", "other.p12", "-storepass", PASSWORD, "-file",
                "other.pem");
        // The server's private key as PEM (PKCS#8), which servers read; keytool does not export keys.
        Key key;
        try (InputStream in = Files.newInputStream(c.path("server.p12"))) {
            KeyStore server = KeyStore.getInstance("PKCS12");
            server.load(in, PASSWORD.toCharArray());
            key = server.getKey("server", PASSWORD.toCharArray());
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("cannot read the server key: " + e.getMessage(), e);
        }
        Path keyFile = c.path("server-key.pem");
        Files.writeString(keyFile, "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        // PostgreSQL refuses a key file that others may read.
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
        return c;
    }

    Path path(String name) {
        return dir.resolve(name);
    }

    private void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: " + output);
        }
    }

    @Override
    public void close() throws IOException {
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(dir);
    }
}
