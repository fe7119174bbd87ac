package io.tributary.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.cdc.MySqlSource.SslMode;
import io.tributary.core.InvalidRequestException;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The JDBC URL of a MySQL source: its parameters reach the JDBC connections, its SSL settings both connections. */
class MySqlSourceTest {

    private static MySqlSource source(String url) {
        return MySqlSource.builder("s", url).tables("t").build();
    }

    private static void refused(String url, String... fragments) {
        assertThatThrownBy(() -> source(url)).isInstanceOf(InvalidRequestException.class).message().contains(fragments);
    }

    @Nested
    class Parameters {
        @Test
        void passesTheUrlParametersToTheJdbcUrlInOrder() {
            MySqlSource s = source("jdbc:mysql://db.example:3307/shop?connectTimeout=5000&sessionVariables=wait_timeout=60"
                    + "&allowPublicKeyRetrieval=true");
            assertThat(s.host()).isEqualTo("db.example");
            assertThat(s.port()).isEqualTo(3307);
            assertThat(s.database()).isEqualTo("shop");
            assertThat(s.urlParameters()).containsExactly(Map.entry("connectTimeout", "5000"),
                    Map.entry("sessionVariables", "wait_timeout=60"), Map.entry("allowPublicKeyRetrieval", "true"));
            assertThat(s.jdbcUrl()).isEqualTo("jdbc:mariadb://db.example:3307/shop?sslMode=disable&connectTimeout=5000"
                    + "&sessionVariables=wait_timeout=60&allowPublicKeyRetrieval=true");
        }

        @Test
        void aUrlWithoutParametersHasNone() {
            MySqlSource s = source("jdbc:mariadb://h/shop");
            assertThat(s.urlParameters()).isEmpty();
            assertThat(s.sslMode()).isEqualTo(SslMode.DISABLE);
            assertThat(s.jdbcUrl()).isEqualTo("jdbc:mariadb://h:3306/shop?sslMode=disable");
        }

        @Test
        void refusesMalformedAndRepeatedParameters() {
            refused("jdbc:mariadb://h/shop?connectTimeout", "'connectTimeout'", "key=value");
            refused("jdbc:mariadb://h/shop?a=1&&b=2", "key=value");
            refused("jdbc:mariadb://h/shop?a=1&a=2", "parameter a is given twice");
        }

        @Test
        void refusesCredentialsInTheUrl() {
            refused("jdbc:mariadb://h/shop?user=cdc", "parameter user is not supported", "credentials(user, password)");
            refused("jdbc:mariadb://h/shop?password=secret", "parameter password is not supported", "credentials(user, password)");
        }

        @Test
        void refusesCertificateParametersTheBinlogConnectionCannotFollow() {
            // serverSslCert, trustStore and keyStore are followed by both connections (MySqlTlsIT, which also checks
            // their files when the capture starts); here the modes they do not go with.
            refused("jdbc:mariadb://h/shop?sslMode=trust&serverSslCert=/ca.pem", "serverSslCert needs sslMode=verify-ca");
            refused("jdbc:mariadb://h/shop?sslMode=trust&trustStore=/nonexistent/ts.p12", "trustStore needs sslMode=verify-ca");
            refused("jdbc:mariadb://h/shop?keyStore=/nonexistent/k.p12", "keyStore needs an encrypted connection");
            refused("jdbc:mysql://h/shop?sslMode=VERIFY_CA&trustCertificateKeyStoreUrl=file:/ts.jks",
                    "trustCertificateKeyStoreUrl", "MySQL Connector/J's name", "trustStore");
            refused("jdbc:mysql://h/shop?sslMode=VERIFY_CA&clientCertificateKeyStoreUrl=file:/k.jks",
                    "clientCertificateKeyStoreUrl", "keyStore");
            refused("jdbc:mysql://h/shop?useSSL=true&verifyServerCertificate=false", "verifyServerCertificate", "use sslMode");
            refused("jdbc:mariadb://h/shop?trustServerCertificate=true", "trustServerCertificate", "use sslMode");
        }

        @Test
        void theRecordRefusesSslKeysAmongItsParameters() {
            MySqlSource s = source("jdbc:mariadb://h/shop");
            assertThatThrownBy(() -> new MySqlSource(s.name(), s.host(), s.port(), s.database(), Map.of("sslMode", "trust"),
                    SslMode.DISABLE, s.user(), s.password(), s.serverId(), s.tables(), s.snapshotMode(), s.snapshotChunkRows(),
                    s.heartbeatIntervalMs(), s.connectTimeoutMs(), s.maxAppendBytes(), s.clock(), s.restart()))
                    .isInstanceOf(InvalidRequestException.class).hasMessageContaining("sslMode");
        }
    }

    @Nested
    class Ssl {
        @Test
        void mapsMariaDbAndMySqlSpellingsOfSslMode() {
            assertThat(source("jdbc:mariadb://h/shop?sslMode=disable").sslMode()).isEqualTo(SslMode.DISABLE);
            assertThat(source("jdbc:mysql://h/shop?sslMode=DISABLED").sslMode()).isEqualTo(SslMode.DISABLE);
            assertThat(source("jdbc:mariadb://h/shop?sslMode=trust").sslMode()).isEqualTo(SslMode.TRUST);
            assertThat(source("jdbc:mysql://h/shop?sslMode=REQUIRED").sslMode()).isEqualTo(SslMode.TRUST);
            assertThat(source("jdbc:mariadb://h/shop?sslMode=verify-ca").sslMode()).isEqualTo(SslMode.VERIFY_CA);
            assertThat(source("jdbc:mysql://h/shop?sslMode=VERIFY_CA").sslMode()).isEqualTo(SslMode.VERIFY_CA);
            assertThat(source("jdbc:mariadb://h/shop?sslMode=verify-full").sslMode()).isEqualTo(SslMode.VERIFY_FULL);
            assertThat(source("jdbc:mysql://h/shop?sslMode=VERIFY_IDENTITY").sslMode()).isEqualTo(SslMode.VERIFY_FULL);
        }

        @Test
        void mapsLegacyUseSsl() {
            assertThat(source("jdbc:mysql://h/shop?useSSL=false").sslMode()).isEqualTo(SslMode.DISABLE);
            assertThat(source("jdbc:mysql://h/shop?useSSL=true").sslMode()).isEqualTo(SslMode.VERIFY_FULL);
            assertThat(source("jdbc:mariadb://h/shop?useSsl=true&sslMode=trust").sslMode()).isEqualTo(SslMode.TRUST);
        }

        @Test
        void writesTheResolvedModeIntoTheJdbcUrlOnce() {
            MySqlSource s = source("jdbc:mysql://h/shop?useSSL=true&connectTimeout=100&sslMode=VERIFY_CA");
            assertThat(s.urlParameters()).containsExactly(Map.entry("connectTimeout", "100"));
            assertThat(s.jdbcUrl()).isEqualTo("jdbc:mariadb://h:3306/shop?sslMode=verify-ca&connectTimeout=100");
        }

        @Test
        void refusesUnknownAndContradictorySettings() {
            refused("jdbc:mariadb://h/shop?sslMode=strict", "sslMode=strict is unknown", "verify-full");
            refused("jdbc:mysql://h/shop?sslMode=PREFERRED", "sslMode=PREFERRED is not supported", "plain text");
            refused("jdbc:mysql://h/shop?useSSL=yes", "useSSL=yes must be true or false");
            refused("jdbc:mysql://h/shop?useSSL=false&sslMode=REQUIRED", "contradict", "useSSL=false", "sslMode=REQUIRED");
            refused("jdbc:mysql://h/shop?useSSL=true&sslMode=disable", "contradict");
            refused("jdbc:mysql://h/shop?useSSL=true&useSsl=true", "both useSSL and useSsl");
        }
    }
}
