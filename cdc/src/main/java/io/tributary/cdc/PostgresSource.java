package io.tributary.cdc;

import io.tributary.core.InvalidRequestException;
import io.tributary.core.StreamName;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Configuration of a PostgreSQL capture. Immutable, validated when built; every setting has a
 * default. Start from {@link #builder(String, String)}.
 *
 * @param name                   the connector name: names the offset stream {@code tributary.cdc-<name>} and, by
 *                               default, the slot and publication; letters, digits and {@code _}
 * @param jdbcUrl                {@code jdbc:postgresql://host:port/database}
 * @param user                   the role to connect as; needs {@code REPLICATION} (or superuser) and {@code SELECT}
 *                               on the tables; default {@code postgres}
 * @param password               its password; default empty
 * @param slotName               the logical replication slot; default {@code tributary_<name>}
 * @param publicationName        the publication; default {@code tributary_<name>}
 * @param tables                 the tables to capture; empty means every table ({@code FOR ALL TABLES}, superuser)
 * @param createPublication      create the publication if missing and make it list exactly {@code tables};
 *                               when false it must exist; default true
 * @param snapshotMode           whether to copy the current rows first; default {@link SnapshotMode#INITIAL}
 * @param snapshotChunkRows      rows per snapshot chunk (one atomic append each); default 1,024
 * @param heartbeatIntervalMs    how often a logical message is written so an idle or filtered source does
 *                               not pin WAL; 0 disables; default 10,000
 * @param statusIntervalMs       how often the slot's confirmed position is reported to the server; default 1,000
 * @param maxTransactionMemoryBytes a transaction's buffered changes beyond this spill to a file; default 16 MiB
 * @param logicalDecodingWorkMemKb the server's {@code logical_decoding_work_mem} for this capture's replication
 *                               connection only (kB, 64 or more): a transaction whose changes exceed it is streamed
 *                               (protocol v2) while it runs instead of sent at its commit, so it is mapped while it is
 *                               being written; 0 keeps the server's setting (64 MB unless changed); default 0
 * @param maxAppendBytes         the largest append (event data); a larger transaction is appended in chunks
 *                               (see the module README); keep it below the store's request limit
 *                               ({@code maxRequestBytes}, 64 MiB by default); default 48 MiB
 * @param spillDirectory         where spilled transactions go; default the JVM's temporary directory
 * @param outboxMessagePrefix    logical messages with this prefix are outbox events, not changes; empty: none
 * @param outboxTable            rows inserted into this table ({@code schema.table}) are outbox events; empty: none
 * @param clock                  time source for lag and {@code ts_ms}; default the UTC system clock
 * @param restart                what the capture does when it loses the server; default {@link RestartPolicy#DEFAULT}
 *                               (restart after 1 s, 2 s, 4 s, ... at most a minute apart)
 */
public record PostgresSource(String name, String jdbcUrl, String user, String password, String slotName,
                             String publicationName, List<TableSelection> tables, boolean createPublication,
                             SnapshotMode snapshotMode, int snapshotChunkRows, long heartbeatIntervalMs,
                             long statusIntervalMs, long maxTransactionMemoryBytes, int logicalDecodingWorkMemKb,
                             int maxAppendBytes, Path spillDirectory, Optional<String> outboxMessagePrefix, Optional<String> outboxTable,
                             Clock clock, RestartPolicy restart) {

    /** Validates every setting; throws {@link InvalidRequestException} naming the setting. */
    public PostgresSource {
        require(name != null && name.matches("[A-Za-z0-9_]{1,63}"),
                "name must be 1 to 63 letters, digits or '_', got '" + name + "'");
        require(jdbcUrl != null && jdbcUrl.startsWith("jdbc:postgresql:"),
                "jdbcUrl must start with jdbc:postgresql:, got '" + jdbcUrl + "'");
        require(user != null && !user.isEmpty(), "user must not be empty");
        require(password != null, "password must not be null (use \"\")");
        require(slotName != null && slotName.matches("[a-z0-9_]{1,63}"),
                "slotName must be 1 to 63 lower-case letters, digits or '_', got '" + slotName + "'");
        require(publicationName != null && publicationName.matches("[A-Za-z0-9_]{1,63}"),
                "publicationName must be 1 to 63 letters, digits or '_', got '" + publicationName + "'");
        require(tables != null, "tables must not be null (empty means all tables)");
        tables = List.copyOf(tables);
        require(snapshotMode != null, "snapshotMode must not be null");
        require(snapshotChunkRows >= 1 && snapshotChunkRows <= 1_000_000, "snapshotChunkRows must be 1 to 1,000,000");
        require(heartbeatIntervalMs >= 0, "heartbeatIntervalMs must be >= 0");
        require(statusIntervalMs >= 10, "statusIntervalMs must be >= 10");
        require(maxTransactionMemoryBytes >= 1024, "maxTransactionMemoryBytes must be >= 1024");
        require(logicalDecodingWorkMemKb == 0 || logicalDecodingWorkMemKb >= 64,
                "logicalDecodingWorkMemKb must be 0 (the server's setting) or >= 64 (PostgreSQL's minimum), got "
                        + logicalDecodingWorkMemKb);
        require(maxAppendBytes >= 64 * 1024, "maxAppendBytes must be >= 65536");
        require(spillDirectory != null, "spillDirectory must not be null");
        require(outboxMessagePrefix != null && outboxTable != null, "outbox settings must not be null (use Optional.empty())");
        require(clock != null, "clock must not be null");
        require(restart != null, "restart must not be null (RestartPolicy.never() to stop on any failure)");
        require(StreamName.problem("tributary.cdc-" + name) == null, "name makes an invalid stream name");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new InvalidRequestException("PostgreSQL source: " + message);
        }
    }

    /** The stream holding this connector's source positions: {@code tributary.cdc-<name>}. */
    public StreamName offsetStream() {
        return StreamName.of("tributary.cdc-" + name);
    }

    /** A builder with every default, for connector {@code name} reading {@code jdbcUrl}. */
    public static Builder builder(String name, String jdbcUrl) {
        return new Builder(name, jdbcUrl);
    }

    /** Builds a {@link PostgresSource}; each setter documents its default on {@link PostgresSource}. */
    public static final class Builder {
        private final String name;
        private final String jdbcUrl;
        private String user = "postgres";
        private String password = "";
        private String slotName;
        private String publicationName;
        private final List<TableSelection> tables = new ArrayList<>();
        private boolean createPublication = true;
        private SnapshotMode snapshotMode = SnapshotMode.INITIAL;
        private int snapshotChunkRows = 1024;
        private long heartbeatIntervalMs = 10_000;
        private long statusIntervalMs = 1_000;
        private long maxTransactionMemoryBytes = 16L << 20;
        private int logicalDecodingWorkMemKb;
        private int maxAppendBytes = 48 << 20;
        private Path spillDirectory = Path.of(System.getProperty("java.io.tmpdir"));
        private Optional<String> outboxMessagePrefix = Optional.empty();
        private Optional<String> outboxTable = Optional.empty();
        private Clock clock = Clock.systemUTC();
        private RestartPolicy restart = RestartPolicy.DEFAULT;

        private Builder(String name, String jdbcUrl) {
            this.name = name;
            this.jdbcUrl = jdbcUrl;
        }

        /** Sets the role and password. */
        public Builder credentials(String user, String password) {
            this.user = user;
            this.password = password;
            return this;
        }

        /** Sets {@link PostgresSource#slotName()}. */
        public Builder slotName(String value) {
            this.slotName = value;
            return this;
        }

        /** Sets {@link PostgresSource#publicationName()}. */
        public Builder publicationName(String value) {
            this.publicationName = value;
            return this;
        }

        /** Adds tables, each {@code table} or {@code schema.table}. */
        public Builder tables(String... names) {
            for (String n : names) {
                tables.add(TableSelection.of(n));
            }
            return this;
        }

        /** Adds a table selection (with columns or a row filter). */
        public Builder table(TableSelection selection) {
            tables.add(Objects.requireNonNull(selection, "selection"));
            return this;
        }

        /** Sets {@link PostgresSource#createPublication()}. */
        public Builder createPublication(boolean value) {
            this.createPublication = value;
            return this;
        }

        /** Sets {@link PostgresSource#snapshotMode()}. */
        public Builder snapshotMode(SnapshotMode value) {
            this.snapshotMode = value;
            return this;
        }

        /** Sets {@link PostgresSource#snapshotChunkRows()}. */
        public Builder snapshotChunkRows(int value) {
            this.snapshotChunkRows = value;
            return this;
        }

        /** Sets {@link PostgresSource#heartbeatIntervalMs()}. */
        public Builder heartbeatIntervalMs(long value) {
            this.heartbeatIntervalMs = value;
            return this;
        }

        /** Sets {@link PostgresSource#statusIntervalMs()}. */
        public Builder statusIntervalMs(long value) {
            this.statusIntervalMs = value;
            return this;
        }

        /** Sets {@link PostgresSource#maxTransactionMemoryBytes()}. */
        public Builder maxTransactionMemoryBytes(long value) {
            this.maxTransactionMemoryBytes = value;
            return this;
        }

        /** Sets {@link PostgresSource#logicalDecodingWorkMemKb()}. */
        public Builder logicalDecodingWorkMemKb(int value) {
            this.logicalDecodingWorkMemKb = value;
            return this;
        }

        /** Sets {@link PostgresSource#maxAppendBytes()}. */
        public Builder maxAppendBytes(int value) {
            this.maxAppendBytes = value;
            return this;
        }

        /** Sets {@link PostgresSource#spillDirectory()}. */
        public Builder spillDirectory(Path value) {
            this.spillDirectory = value;
            return this;
        }

        /** Sets {@link PostgresSource#outboxMessagePrefix()}. */
        public Builder outboxMessagePrefix(String value) {
            this.outboxMessagePrefix = Optional.of(value);
            return this;
        }

        /** Sets {@link PostgresSource#outboxTable()}. */
        public Builder outboxTable(String value) {
            this.outboxTable = Optional.of(value);
            return this;
        }

        /** Sets {@link PostgresSource#clock()}. */
        public Builder clock(Clock value) {
            this.clock = value;
            return this;
        }

        /** Sets {@link PostgresSource#restart()}. */
        public Builder restart(RestartPolicy value) {
            this.restart = value;
            return this;
        }

        /** Validates and builds. */
        public PostgresSource build() {
            String defaultName = name == null ? null : "tributary_" + name.toLowerCase(java.util.Locale.ROOT);
            return new PostgresSource(name, jdbcUrl, user, password, slotName == null ? defaultName : slotName,
                    publicationName == null ? defaultName : publicationName, tables, createPublication, snapshotMode,
                    snapshotChunkRows, heartbeatIntervalMs, statusIntervalMs, maxTransactionMemoryBytes, logicalDecodingWorkMemKb,
                    maxAppendBytes,
                    spillDirectory, outboxMessagePrefix, outboxTable, clock, restart);
        }
    }
}
