package io.tributary.cdc.internal.mysql;

import com.github.shyiko.mysql.binlog.network.DefaultSSLSocketFactory;
import com.github.shyiko.mysql.binlog.network.SSLSocketFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The certificates named by the JDBC URL's {@code serverSslCert} (MariaDB Connector/J's option: a file path,
 * {@code classpath:} and a resource, or the PEM text itself), which the JDBC connections trust natively; the
 * binlog connection trusts the same ones through {@link #socketFactory}. The server's certificate must be one
 * of them or be signed by one.
 */
public final class ServerCertificates {
    private ServerCertificates() {
    }

    /**
     * Reads and parses the certificates of a {@code serverSslCert} value.
     *
     * @throws IllegalArgumentException saying what is wrong: no such file or resource, or no certificate in it
     */
    public static List<Certificate> read(String serverSslCert) {
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
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("serverSslCert: there is no " + where
                        + " (give the path of the server's CA certificate in PEM, or the PEM text)");
            }
            try {
                bytes = Files.readAllBytes(file);
            } catch (IOException e) {
                throw new IllegalArgumentException("serverSslCert: cannot read " + where + ": " + e.getMessage(), e);
            }
        }
        try {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(bytes));
            if (certs.isEmpty()) {
                throw new IllegalArgumentException("serverSslCert: " + where + " holds no certificate");
            }
            return List.copyOf(new ArrayList<>(certs));
        } catch (CertificateException e) {
            throw new IllegalArgumentException("serverSslCert: " + where + " is not an X.509 certificate in PEM or DER: "
                    + e.getMessage(), e);
        }
    }

    /** A binlog-client socket factory whose TLS trusts exactly {@code trusted}. */
    static SSLSocketFactory socketFactory(List<Certificate> trusted) {
        return new DefaultSSLSocketFactory("TLS") {
            @Override
            protected void initSSLContext(SSLContext context) throws GeneralSecurityException {
                KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
                try {
                    store.load(null, null);
                } catch (IOException e) {
                    throw new GeneralSecurityException("cannot create an in-memory trust store", e);
                }
                for (int i = 0; i < trusted.size(); i++) {
                    store.setCertificateEntry("server-" + i, trusted.get(i));
                }
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(store);
                context.init(null, tmf.getTrustManagers(), null);
            }
        };
    }
}
