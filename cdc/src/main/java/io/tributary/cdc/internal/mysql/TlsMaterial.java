package io.tributary.cdc.internal.mysql;

import com.github.shyiko.mysql.binlog.network.DefaultSSLSocketFactory;
import com.github.shyiko.mysql.binlog.network.SSLSocketFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * What the JDBC URL says about TLS certificates, in MariaDB Connector/J's options, read once for the binlog
 * connection so that it trusts and presents what the driver's connections do:
 * <ul>
 *   <li>{@code serverSslCert}: the server's (CA) certificate — a file, {@code classpath:} and a resource, or the PEM
 *       text;</li>
 *   <li>{@code trustStore} (a file path or {@code file:} URL), {@code trustStorePassword}, {@code trustStoreType}:
 *       a key store of trusted certificates instead;</li>
 *   <li>{@code keyStore}, {@code keyStorePassword}, {@code keyPassword}, {@code keyStoreType}: the client's key and
 *       certificate, presented to a server that asks for one ({@code REQUIRE X509}).</li>
 * </ul>
 * Without any of them the binlog client's own factories apply (the JVM's trust store, or none with {@code trust}).
 */
public final class TlsMaterial {
    private final TrustManager[] trust;
    private final KeyManager[] keys;

    private TlsMaterial(TrustManager[] trust, KeyManager[] keys) {
        this.trust = trust;
        this.keys = keys;
    }

    /**
     * The material {@code source}'s URL names for its encrypted connections, or null when the binlog client's own
     * factories apply (no encryption, or nothing named).
     *
     * @throws IllegalArgumentException as {@link #read}
     */
    public static TlsMaterial of(io.tributary.cdc.MySqlSource source) {
        if (source.sslMode() == io.tributary.cdc.MySqlSource.SslMode.DISABLE || !named(source.urlParameters())) {
            return null;
        }
        return read(source.urlParameters(), source.sslMode() == io.tributary.cdc.MySqlSource.SslMode.TRUST);
    }

    /** Whether the URL names any certificate material. */
    static boolean named(Map<String, String> urlParameters) {
        return urlParameters.containsKey("serverSslCert") || urlParameters.containsKey("trustStore")
                || urlParameters.containsKey("keyStore");
    }

    /**
     * Reads the material the URL names.
     *
     * @param checkNothing the SSL mode checks no certificate ({@code trust}): the server's is accepted as it is
     * @throws IllegalArgumentException saying which parameter is wrong and why: a missing file, no certificate or
     *                                  key in it, a wrong password or type, or both {@code serverSslCert} and
     *                                  {@code trustStore}
     */
    static TlsMaterial read(Map<String, String> urlParameters, boolean checkNothing) {
        String cert = urlParameters.get("serverSslCert");
        String trustStore = urlParameters.get("trustStore");
        if (cert != null && trustStore != null) {
            throw new IllegalArgumentException("serverSslCert and trustStore both name what to trust: give one");
        }
        TrustManager[] trust = null;
        if (checkNothing) {
            trust = new TrustManager[] {new AcceptAny()};
        } else if (cert != null) {
            trust = trustManagers(certificateStore(cert));
        } else if (trustStore != null) {
            trust = trustManagers(keyStore("trustStore", trustStore, urlParameters.get("trustStorePassword"),
                    urlParameters.get("trustStoreType")));
        }
        KeyManager[] keys = null;
        String keyStore = urlParameters.get("keyStore");
        if (keyStore != null) {
            String password = urlParameters.get("keyStorePassword");
            KeyStore ks = keyStore("keyStore", keyStore, password, urlParameters.get("keyStoreType"));
            String keyPassword = urlParameters.getOrDefault("keyPassword", password);
            try {
                if (Collections.list(ks.aliases()).stream().noneMatch(a -> isKey(ks, a))) {
                    throw new IllegalArgumentException("keyStore " + keyStore + " holds no private key (it needs the client's"
                            + " key and certificate)");
                }
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, keyPassword == null ? new char[0] : keyPassword.toCharArray());
                keys = kmf.getKeyManagers();
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException("keyStore " + keyStore + ": cannot read its key (keyPassword?): "
                        + e.getMessage(), e);
            }
        }
        return new TlsMaterial(trust, keys);
    }

    private static boolean isKey(KeyStore ks, String alias) {
        try {
            return ks.isKeyEntry(alias);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** A binlog-client socket factory with this material (the JVM's defaults for what the URL does not name). */
    SSLSocketFactory socketFactory() {
        return new DefaultSSLSocketFactory("TLS") {
            @Override
            protected void initSSLContext(SSLContext context) throws GeneralSecurityException {
                context.init(keys, trust, null);
            }
        };
    }

    private static TrustManager[] trustManagers(KeyStore trusted) {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trusted);
            return tmf.getTrustManagers();
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot build a trust manager: " + e.getMessage(), e);
        }
    }

    /** The certificates of a {@code serverSslCert} value, in an in-memory key store. */
    private static KeyStore certificateStore(String serverSslCert) {
        byte[] bytes;
        String where;
        if (serverSslCert.startsWith("-----BEGIN")) {
            bytes = serverSslCert.getBytes(StandardCharsets.US_ASCII);
            where = "the PEM text";
        } else if (serverSslCert.startsWith("classpath:")) {
            String resource = serverSslCert.substring("classpath:".length());
            where = "classpath resource " + resource;
            try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalArgumentException("serverSslCert: there is no " + where);
                }
                bytes = in.readAllBytes();
            } catch (IOException e) {
                throw new IllegalArgumentException("serverSslCert: cannot read " + where + ": " + e.getMessage(), e);
            }
        } else {
            Path file = Path.of(serverSslCert);
            where = "file " + file.toAbsolutePath();
            bytes = readFile("serverSslCert", file, "the server's CA certificate in PEM, or the PEM text");
        }
        try {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(bytes));
            if (certs.isEmpty()) {
                throw new IllegalArgumentException("serverSslCert: " + where + " holds no certificate");
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate c : certs) {
                store.setCertificateEntry("server-" + i++, c);
            }
            return store;
        } catch (CertificateException e) {
            throw new IllegalArgumentException("serverSslCert: " + where + " is not an X.509 certificate in PEM or DER: "
                    + e.getMessage(), e);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("serverSslCert: " + e.getMessage(), e);
        }
    }

    /** A key store file (a path or a {@code file:} URL, as the driver takes it). */
    private static KeyStore keyStore(String parameter, String location, String password, String type) {
        Path file = location.startsWith("file:") ? Path.of(URI.create(location)) : Path.of(location);
        byte[] bytes = readFile(parameter, file, "a key store file (PKCS12 or JKS)");
        String storeType = type != null ? type : "PKCS12";
        try {
            KeyStore ks = KeyStore.getInstance(storeType);
            ks.load(new ByteArrayInputStream(bytes), password == null ? null : password.toCharArray());
            return ks;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException(parameter + " " + file + " cannot be read as a " + storeType + " key store"
                    + " (wrong " + parameter + "Password or " + parameter + "Type?): " + e.getMessage(), e);
        }
    }

    private static byte[] readFile(String parameter, Path file, String what) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(parameter + ": there is no file " + file.toAbsolutePath() + " (give " + what + ")");
        }
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException(parameter + ": cannot read " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    /** What {@code sslMode=trust} means: encrypted, the server's certificate not checked. */
    private static final class AcceptAny implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            // not a server
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            // sslMode=trust: accepted as it is
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
