package io.tributary.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.core.InvalidRequestException;
import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.Tributary;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A source not set up for capture, or bad arguments: a clear error saying what to change, nothing started. */
class MisconfigurationIT {
    static SourceDb db;

    @TempDir
    Path dir;

    @BeforeAll
    static void startPostgres() {
        db = SourceDb.start();
        db.exec("CREATE TABLE guarded (id int PRIMARY KEY)",
                "CREATE ROLE plain LOGIN",
                "CREATE ROLE replicator LOGIN REPLICATION");
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        db.close();
    }

    @Test
    void namesWalLevelWhenTheServerIsNotLogical() throws Exception {
        try (EmbeddedPostgres replicaLevel = EmbeddedPostgres.builder().setPGStartupWait(java.time.Duration.ofSeconds(60)).start();
             EmbeddedEventStore store = Tributary.open(dir)) {
            PostgresSource source = PostgresSource.builder("wal", replicaLevel.getJdbcUrl("postgres", "postgres")).build();
            assertThatThrownBy(() -> PostgresCapture.start(store, source))
                    .isInstanceOf(SourceConfigurationException.class)
                    .hasMessageContaining("wal_level = 'replica'")
                    .hasMessageContaining("ALTER SYSTEM SET wal_level = logical");
        }
    }

    @Test
    void namesTheReplicationAttributeWhenTheRoleLacksIt() {
        try (EmbeddedEventStore store = Tributary.open(dir)) {
            PostgresSource source = db.source("weak", "guarded").credentials("plain", "").build();
            assertThatThrownBy(() -> PostgresCapture.start(store, source))
                    .isInstanceOf(SourceConfigurationException.class)
                    .hasMessageContaining("ALTER ROLE \"plain\" WITH REPLICATION");
        }
    }

    @Test
    void namesTheGrantWhenTheRoleMayNotReadATable() {
        try (EmbeddedEventStore store = Tributary.open(dir)) {
            PostgresSource source = db.source("nogrant", "guarded").credentials("replicator", "").build();
            assertThatThrownBy(() -> PostgresCapture.start(store, source))
                    .isInstanceOf(SourceConfigurationException.class)
                    .hasMessageContaining("GRANT SELECT ON \"public\".\"guarded\" TO \"replicator\"");
        }
    }

    @Test
    void namesAMissingTable() {
        try (EmbeddedEventStore store = Tributary.open(dir)) {
            assertThatThrownBy(() -> PostgresCapture.start(store, db.source("missing", "nope").build()))
                    .isInstanceOf(SourceConfigurationException.class)
                    .hasMessageContaining("table \"public\".\"nope\" does not exist");
        }
    }

    @Test
    void saysRowFiltersNeedPostgres15() {
        try (EmbeddedEventStore store = Tributary.open(dir)) {
            PostgresSource source = db.source("filter").table(TableSelection.of("guarded").where("id > 5")).build();
            assertThatThrownBy(() -> PostgresCapture.start(store, source))
                    .isInstanceOf(SourceConfigurationException.class)
                    .hasMessageContaining("needs PostgreSQL 15 or later");
        }
    }

    @Test
    void givesTheStatementWhenThePublicationMustExistButDoesNot() {
        try (EmbeddedEventStore store = Tributary.open(dir)) {
            PostgresSource source = db.source("nopub", "guarded").createPublication(false).build();
            assertThatThrownBy(() -> PostgresCapture.start(store, source))
                    .isInstanceOf(SourceConfigurationException.class)
                    .hasMessageContaining("CREATE PUBLICATION \"tributary_nopub\" FOR TABLE \"public\".\"guarded\"");
        }
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> PostgresSource.builder("bad name", db.url()).build())
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("name must be");
        assertThatThrownBy(() -> PostgresSource.builder("ok", "jdbc:mysql://x").build())
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("jdbcUrl");
        assertThatThrownBy(() -> db.source("ok").snapshotChunkRows(0).build())
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("snapshotChunkRows");
        assertThatThrownBy(() -> TableSelection.of(""))
                .isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> PostgresCapture.start(null, db.source("ok").build()))
                .isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void refusesASecondCaptureOfTheSameConnector() throws Exception {
        db.exec("CREATE TABLE twice (id int PRIMARY KEY)");
        try (EmbeddedEventStore store = Tributary.open(dir);
             PostgresCapture first = PostgresCapture.start(store, db.source("twice", "twice").build())) {
            SourceDb.await(store, "twice", e -> first.status().status() == CdcStatus.State.STREAMING, first);
            Thread.sleep(300);
            assertThatThrownBy(() -> PostgresCapture.start(store, db.source("twice", "twice").build()).close())
                    .isInstanceOf(CdcException.class).hasMessageContaining("another capture of connector 'twice'");
            assertThat(first.status().status()).isNotEqualTo(CdcStatus.State.FAILED);
        }
    }
}
