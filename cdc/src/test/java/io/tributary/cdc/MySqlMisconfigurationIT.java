package io.tributary.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.core.InvalidRequestException;
import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.Tributary;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A MariaDB not set up for CDC gets a SourceConfigurationException naming the setting or grant, and nothing is written. */
class MySqlMisconfigurationIT {
    static MariaDb db;

    @TempDir
    Path dir;

    @BeforeAll
    static void startMariaDb() {
        db = MariaDb.start();
        db.exec("CREATE TABLE t (id int PRIMARY KEY, v int)", "CREATE TABLE hidden (id int PRIMARY KEY)");
    }

    @AfterAll
    static void stopMariaDb() {
        db.close();
    }

    private void assertRefused(MySqlSource source, String... fragments) {
        try (EmbeddedEventStore store = Tributary.open(dir)) {
            assertThatThrownBy(() -> MySqlCapture.start(store, source))
                    .isInstanceOf(SourceConfigurationException.class)
                    .message().contains(fragments);
            assertThat(store.readStream(source.offsetStream(), 0, 1, io.tributary.core.Direction.FORWARD).events())
                    .as("nothing written").isEmpty();
        } catch (io.tributary.core.StreamNotFoundException expected) {
            // nothing written
        }
    }

    @Test
    void refusesAStatementBasedBinlog() {
        db.exec("SET GLOBAL binlog_format = 'STATEMENT'");
        try {
            assertRefused(db.source("fmt", "t").build(), "binlog_format = 'STATEMENT'", "SET GLOBAL binlog_format = 'ROW'");
        } finally {
            db.exec("SET GLOBAL binlog_format = 'ROW'");
        }
    }

    @Test
    void refusesAMinimalRowImage() {
        db.exec("SET GLOBAL binlog_row_image = 'MINIMAL'");
        try {
            assertRefused(db.source("img", "t").build(), "binlog_row_image = 'MINIMAL'", "SET GLOBAL binlog_row_image = 'FULL'");
        } finally {
            db.exec("SET GLOBAL binlog_row_image = 'FULL'");
        }
    }

    @Test
    void refusesMinimalRowMetadata() {
        db.exec("SET GLOBAL binlog_row_metadata = 'MINIMAL'");
        try {
            assertRefused(db.source("meta", "t").build(), "binlog_row_metadata = 'MINIMAL'",
                    "SET GLOBAL binlog_row_metadata = 'FULL'");
        } finally {
            db.exec("SET GLOBAL binlog_row_metadata = 'FULL'");
        }
    }

    @Test
    void refusesAnAccountWithoutReplicationSlave() {
        db.exec("CREATE USER IF NOT EXISTS 'noslave'@'%' IDENTIFIED BY 'pw'",
                "GRANT REPLICATION CLIENT, SELECT ON *.* TO 'noslave'@'%'");
        assertRefused(db.source("noslave", "t").credentials("noslave", "pw").build(),
                "lacks the REPLICATION SLAVE privilege", "GRANT REPLICATION SLAVE ON *.* TO 'noslave'@'%'");
    }

    @Test
    void refusesAnAccountWithoutReplicationClient() {
        db.exec("CREATE USER IF NOT EXISTS 'noclient'@'%' IDENTIFIED BY 'pw'",
                "GRANT REPLICATION SLAVE, SELECT ON *.* TO 'noclient'@'%'");
        assertRefused(db.source("noclient", "t").credentials("noclient", "pw").build(),
                "lacks the REPLICATION CLIENT privilege", "GRANT REPLICATION CLIENT ON *.* TO 'noclient'@'%'");
    }

    @Test
    void refusesAnAccountThatMayNotReadATable() {
        db.exec("CREATE USER IF NOT EXISTS 'noselect'@'%' IDENTIFIED BY 'pw'",
                "GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO 'noselect'@'%'",
                "GRANT SELECT ON shop.t TO 'noselect'@'%'");
        assertRefused(db.source("noselect", "t", "hidden").credentials("noselect", "pw").build(),
                "may not read table shop.hidden", "GRANT SELECT ON `shop`.`hidden` TO 'noselect'@'%'");
    }

    @Test
    void acceptsPrivilegesGrantedThroughADefaultRole() {
        db.exec("CREATE ROLE IF NOT EXISTS cdc_role", "GRANT REPLICATION SLAVE, BINLOG MONITOR, SELECT ON *.* TO cdc_role",
                "CREATE USER IF NOT EXISTS 'viarole'@'%' IDENTIFIED BY 'pw'", "GRANT cdc_role TO 'viarole'@'%'",
                "SET DEFAULT ROLE cdc_role FOR 'viarole'@'%'");
        try (EmbeddedEventStore store = Tributary.open(dir);
             MySqlCapture capture = MySqlCapture.start(store, db.source("viarole", "t").credentials("viarole", "pw").build())) {
            MySqlCaptureIT.awaitPosition(capture);
            db.exec("INSERT INTO t VALUES (7, 7)");
            MySqlCaptureIT.awaitCount(store, "t", 1, capture);
        } finally {
            db.exec("DELETE FROM t WHERE id = 7");
        }
    }

    @Test
    void capturesFromAServerThatChecksNoPrivilege() {
        try (MariaDb open = MariaDb.startWithoutGrantTables()) {
            open.exec("CREATE TABLE g (id int PRIMARY KEY)");
            try (EmbeddedEventStore store = Tributary.open(dir);
                 MySqlCapture capture = MySqlCapture.start(store, open.source("nogrants", "g").build())) {
                MySqlCaptureIT.awaitPosition(capture);
                open.exec("INSERT INTO g VALUES (1)");
                MySqlCaptureIT.awaitCount(store, "g", 1, capture);
            }
        }
    }

    @Test
    void passesUrlParametersToTheJdbcDriver() {
        // Connector/J checks its options: a bad value of one proves the parameter reached it (it was dropped before).
        MySqlSource source = MySqlSource.builder("params", db.url() + "?connectTimeout=soon").credentials("root", "")
                .tables("t").build();
        assertRefused(source, "cannot connect to", "connectTimeout");
    }

    @Test
    void encryptsTheJdbcAndTheBinlogConnectionWithTheUrlsSslMode() throws Exception {
        assertThat(scalar("SELECT @@have_ssl")).as("MariaDB 11.4 makes a certificate when it has none").isEqualTo("YES");
        long before = Long.parseLong(scalar("SHOW GLOBAL STATUS LIKE 'Ssl_accepts'", 2));
        MySqlSource source = MySqlSource.builder("tls", db.url() + "?sslMode=trust").credentials("root", "")
                .tables("t").snapshotMode(SnapshotMode.NEVER).heartbeatIntervalMs(200).build();
        try (EmbeddedEventStore store = Tributary.open(dir); MySqlCapture capture = MySqlCapture.start(store, source)) {
            MySqlCaptureIT.awaitPosition(capture);
            db.exec("INSERT INTO t VALUES (8, 8)");
            MySqlCaptureIT.awaitCount(store, "t", 1, capture);
            // One JDBC connection (snapshotMode NEVER) and the binlog connection, both over TLS.
            assertThat(Long.parseLong(scalar("SHOW GLOBAL STATUS LIKE 'Ssl_accepts'", 2)) - before).isEqualTo(2);
        } finally {
            db.exec("DELETE FROM t WHERE id = 8");
        }
        // The server's certificate is self-signed: checking it fails, with the driver's reason.
        assertRefused(MySqlSource.builder("tlsv", db.url() + "?sslMode=VERIFY_CA").credentials("root", "").tables("t").build(),
                "cannot connect to", "sslMode=verify-ca");
    }

    private static String scalar(String sql) throws java.sql.SQLException {
        return scalar(sql, 1);
    }

    private static String scalar(String sql, int column) throws java.sql.SQLException {
        return db.scalar(sql, column);
    }

    @Test
    void refusesAMissingTable() {
        assertRefused(db.source("missing", "nope").build(), "table shop.nope does not exist");
    }

    @Test
    void refusesBadArgumentsBeforeConnecting() {
        assertThatThrownBy(() -> MySqlSource.builder("x", "jdbc:postgresql://h/db").tables("t").build())
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("jdbcUrl");
        assertThatThrownBy(() -> MySqlSource.builder("bad name", db.url()).tables("t").build())
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("name");
        assertThatThrownBy(() -> MySqlSource.builder("x", db.url()).build())
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("tables");
        assertThatThrownBy(() -> MySqlSource.builder("x", db.url()).tables("t").snapshotChunkRows(0).build())
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("snapshotChunkRows");
    }

    @Test
    void refusesAServerWithoutBinlog() {
        try (MariaDb plain = MariaDb.start(List.of())) {
            try (EmbeddedEventStore store = Tributary.open(dir)) {
                assertThatThrownBy(() -> MySqlCapture.start(store, plain.source("nolog", "nothing").build()))
                        .isInstanceOf(SourceConfigurationException.class)
                        .hasMessageContaining("log_bin = OFF").hasMessageContaining("log_bin = mysql-bin");
            }
        }
    }
}
