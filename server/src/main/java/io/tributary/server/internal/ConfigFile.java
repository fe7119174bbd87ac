package io.tributary.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.tributary.cdc.CdcCapture;
import io.tributary.cdc.MySqlCapture;
import io.tributary.cdc.MySqlSource;
import io.tributary.cdc.PostgresCapture;
import io.tributary.cdc.PostgresSource;
import io.tributary.cdc.RestartPolicy;
import io.tributary.cdc.SnapshotMode;
import io.tributary.core.EventStore;
import io.tributary.server.ServerConfig;
import io.tributary.store.Durability;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The server's YAML configuration file. Keys (all optional): {@code data}, {@code bind},
 * {@code port}, {@code authToken}, {@code durability} ({@code fsync}, {@code none},
 * {@code interval:<ms>}), {@code maxEventBytes}, {@code maxRequestBytes},
 * {@code heartbeatIntervalMs}, {@code shutdownTimeoutMs}, {@code cdc} (a list of PostgreSQL and MySQL/MariaDB sources
 * to capture, see {@link #CDC_KEYS}), {@code projections} and {@code processors} (plugins to run,
 * see {@link Plugins}). An unknown key or a value of the
 * wrong kind fails with a message naming the key.
 */
final class ConfigFile {
    static final Map<String, String> KEYS = Map.ofEntries(
            Map.entry("data", "the data directory"),
            Map.entry("bind", "the address to listen on (default 127.0.0.1)"),
            Map.entry("port", "the TCP port (default 7070; 0 picks a free one)"),
            Map.entry("authToken", "require 'Authorization: Bearer <token>' on every endpoint but /health"),
            Map.entry("durability", "fsync (default), none or interval:<ms>"),
            Map.entry("maxEventBytes", "largest event in bytes (default 1048576)"),
            Map.entry("maxRequestBytes", "largest append request body in bytes (default 16777216)"),
            Map.entry("heartbeatIntervalMs", "SSE heartbeat interval, 1 to 15000 (default 10000)"),
            Map.entry("shutdownTimeoutMs", "how long shutdown waits for appends in flight (default 10000)"),
            Map.entry("projections", "projections to run: a list of {plugin: <a ProjectionPlugin's name>, settings: {...}}"),
            Map.entry("processors", "stream processors to run: a list of {plugin: <a ProcessorPlugin's name>, settings: {...}}"),
            Map.entry("cdc", "PostgreSQL and MySQL/MariaDB sources to capture into the log: a list of {name, jdbcUrl, user, "
                    + "password or passwordEnv, tables, snapshot: initial|never, heartbeatIntervalMs; PostgreSQL: slot, publication; "
                    + "MySQL/MariaDB: serverId}"));
    static final Map<String, String> CDC_KEYS = Map.ofEntries(
            Map.entry("name", "the connector name (letters, digits, '_'); names the offset stream tributary.cdc-<name>"),
            Map.entry("jdbcUrl", "jdbc:postgresql://host:port/database, or jdbc:mariadb://host:port/database (or jdbc:mysql:) for a binlog capture"),
            Map.entry("user", "PostgreSQL: a role with REPLICATION and SELECT on the tables (default postgres); MySQL/MariaDB: a user with "
                    + "REPLICATION SLAVE, REPLICATION CLIENT and SELECT (default root)"),
            Map.entry("password", "its password"),
            Map.entry("passwordEnv", "the environment variable holding its password"),
            Map.entry("tables", "a list of tables (table or schema.table, database.table on MySQL/MariaDB); omitted on PostgreSQL: all tables"),
            Map.entry("slot", "PostgreSQL only: the replication slot (default tributary_<name>)"),
            Map.entry("publication", "PostgreSQL only: the publication (default tributary_<name>)"),
            Map.entry("serverId", "MySQL/MariaDB only: the replica server id the capture connects with (unique among the source's replicas)"),
            Map.entry("snapshot", "initial (default: copy the current rows first) or never"),
            Map.entry("heartbeatIntervalMs", "how often an idle source's position is recorded (PostgreSQL: a logical-message heartbeat); 0 disables (default 10000)"),
            Map.entry("restart", "when the source is lost: never, or {initialBackoffMs (default 1000), maxBackoffMs (default 60000),"
                    + " maxRestarts (default -1: no limit)}; default: restart after 1 s, 2 s, 4 s, ... at most a minute apart"));

    private ConfigFile() {
    }

    /** A configuration problem, naming the file and key. */
    static final class InvalidConfigException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InvalidConfigException(String message) {
            super(message);
        }
    }

    /** Applies the file's settings to {@code builder}; returns the data directory if the file sets one. */
    static Path apply(Path file, ServerConfig.Builder builder) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new InvalidConfigException("cannot read configuration file " + file + ": " + e.getMessage());
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return null;
        }
        if (!root.isObject()) {
            throw new InvalidConfigException("configuration file " + file + " must be a YAML mapping of keys to values");
        }
        Path data = null;
        for (Map.Entry<String, JsonNode> entry : root.properties()) {
            String key = entry.getKey();
            JsonNode value = entry.getValue();
            String where = "configuration file " + file + ", key '" + key + "'";
            try {
                switch (key) {
                    case "data" -> data = Path.of(text(value, where));
                    case "bind" -> builder.bindAddress(text(value, where));
                    case "port" -> builder.port((int) number(value, where, 0, 65_535));
                    case "authToken" -> builder.authToken(text(value, where));
                    case "durability" -> builder.durability(Durability.parse(text(value, where)));
                    case "maxEventBytes" -> builder.maxEventBytes((int) number(value, where, 1024, Integer.MAX_VALUE));
                    case "maxRequestBytes" -> builder.maxRequestBytes((int) number(value, where, 1024, Integer.MAX_VALUE));
                    case "heartbeatIntervalMs" -> builder.heartbeatIntervalMs(number(value, where, 1, 15_000));
                    case "shutdownTimeoutMs" -> builder.shutdownTimeoutMs(number(value, where, 0, Long.MAX_VALUE));
                    case "cdc" -> cdcSources(file, value, System::getenv); // checked here, started by serve
                    case "projections", "processors" -> { } // checked against the plugins found, by plugins()
                    default -> throw new InvalidConfigException(where + " is not a known key; known keys: "
                            + new java.util.TreeSet<>(KEYS.keySet()));
                }
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigException(where + ": " + e.getMessage());
            }
        }
        return data;
    }

    /**
     * The projections and processors the file configures, checked against the plugins {@code loader}
     * finds; empty when there are none.
     */
    static Plugins plugins(Path file, ClassLoader loader) {
        return Plugins.load(file, read(file), loader);
    }

    static JsonNode emptyObject() {
        return new ObjectMapper().createObjectNode();
    }

    private static JsonNode read(Path file) {
        try {
            return new ObjectMapper(new YAMLFactory()).readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new InvalidConfigException("cannot read configuration file " + file + ": " + e.getMessage());
        }
    }

    /** A CDC source the file configures: its name and how to start it. */
    record CdcSourceConfig(String name, Function<EventStore, CdcCapture> starter) {
        /** Starts capturing into {@code store}; fails if the source is unreachable or not set up for capture. */
        CdcCapture start(EventStore store) {
            return starter.apply(store);
        }
    }

    /** The CDC sources the file configures under {@code cdc}, validated; empty when there are none. */
    static List<CdcSourceConfig> cdcSources(Path file, Function<String, String> env) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new InvalidConfigException("cannot read configuration file " + file + ": " + e.getMessage());
        }
        if (root == null || !root.isObject() || !root.has("cdc")) {
            return List.of();
        }
        return cdcSources(file, root.get("cdc"), env);
    }

    private static List<CdcSourceConfig> cdcSources(Path file, JsonNode list, Function<String, String> env) {
        if (!list.isArray()) {
            throw new InvalidConfigException("configuration file " + file + ", key 'cdc' must be a list of sources");
        }
        List<CdcSourceConfig> sources = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String where = "configuration file " + file + ", key 'cdc[" + i + "]'";
            JsonNode entry = list.get(i);
            if (!entry.isObject()) {
                throw new InvalidConfigException(where + " must be a mapping with at least name and jdbcUrl");
            }
            for (String key : (Iterable<String>) entry::fieldNames) {
                if (!CDC_KEYS.containsKey(key)) {
                    throw new InvalidConfigException(where + "." + key + " is not a known key; known keys: "
                            + new TreeSet<>(CDC_KEYS.keySet()));
                }
            }
            for (String required : List.of("name", "jdbcUrl")) {
                if (!entry.has(required)) {
                    throw new InvalidConfigException(where + "." + required + " is missing");
                }
            }
            String name = text(entry.get("name"), where + ".name");
            if (!names.add(name)) {
                throw new InvalidConfigException(where + ".name: '" + name + "' is used by another source");
            }
            String url = text(entry.get("jdbcUrl"), where + ".jdbcUrl");
            try {
                if (url.startsWith("jdbc:postgresql:")) {
                    sources.add(postgresSource(entry, where, name, url, env));
                } else if (url.startsWith("jdbc:mariadb:") || url.startsWith("jdbc:mysql:")) {
                    sources.add(mySqlSource(entry, where, name, url, env));
                } else {
                    throw new InvalidConfigException(where + ".jdbcUrl must start with jdbc:postgresql:, jdbc:mariadb: or "
                            + "jdbc:mysql:, got '" + url + "'");
                }
            } catch (InvalidConfigException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new InvalidConfigException(where + " ('" + name + "'): " + e.getMessage());
            }
        }
        return sources;
    }

    private static CdcSourceConfig postgresSource(JsonNode entry, String where, String name, String url, Function<String, String> env) {
        onlyFor(entry, where, "MySQL/MariaDB", "serverId");
        PostgresSource.Builder b = PostgresSource.builder(name, url);
        b.credentials(user(entry, where, "postgres"), password(entry, where, env));
        tables(entry, where, b::tables, " (omit it to capture every table)");
        if (entry.has("slot")) {
            b.slotName(text(entry.get("slot"), where + ".slot"));
        }
        if (entry.has("publication")) {
            b.publicationName(text(entry.get("publication"), where + ".publication"));
        }
        snapshot(entry, where, b::snapshotMode);
        if (entry.has("heartbeatIntervalMs")) {
            b.heartbeatIntervalMs(number(entry.get("heartbeatIntervalMs"), where + ".heartbeatIntervalMs", 0, Long.MAX_VALUE));
        }
        restart(entry, where, b::restart);
        PostgresSource source = b.build();
        return new CdcSourceConfig(name, store -> PostgresCapture.start(store, source));
    }

    private static CdcSourceConfig mySqlSource(JsonNode entry, String where, String name, String url, Function<String, String> env) {
        onlyFor(entry, where, "PostgreSQL", "slot", "publication");
        if (!entry.has("tables")) {
            throw new InvalidConfigException(where + ".tables is missing: a MySQL/MariaDB source names the tables it captures");
        }
        MySqlSource.Builder b = MySqlSource.builder(name, url);
        b.credentials(user(entry, where, "root"), password(entry, where, env));
        tables(entry, where, b::tables, " (a MySQL/MariaDB source names the tables it captures)");
        snapshot(entry, where, b::snapshotMode);
        if (entry.has("heartbeatIntervalMs")) {
            b.heartbeatIntervalMs(number(entry.get("heartbeatIntervalMs"), where + ".heartbeatIntervalMs", 0, Long.MAX_VALUE));
        }
        if (entry.has("serverId")) {
            b.serverId(number(entry.get("serverId"), where + ".serverId", 1, 4_294_967_295L));
        }
        restart(entry, where, b::restart);
        MySqlSource source = b.build();
        return new CdcSourceConfig(name, store -> MySqlCapture.start(store, source));
    }

    /** The source's {@code restart}: {@code never}, or a map of back-off settings; absent: the default policy. */
    private static void restart(JsonNode entry, String where, java.util.function.Consumer<RestartPolicy> set) {
        if (!entry.has("restart")) {
            return;
        }
        JsonNode r = entry.get("restart");
        String at = where + ".restart";
        if (r.isTextual() && r.asText().equals("never")) {
            set.accept(RestartPolicy.never());
            return;
        }
        if (!r.isObject()) {
            throw new InvalidConfigException(at + " must be never or a map of initialBackoffMs, maxBackoffMs and maxRestarts, got " + r);
        }
        r.fieldNames().forEachRemaining(k -> {
            if (!java.util.Set.of("initialBackoffMs", "maxBackoffMs", "maxRestarts").contains(k)) {
                throw new InvalidConfigException(at + "." + k + " is not a setting (known: initialBackoffMs, maxBackoffMs,"
                        + " maxRestarts)");
            }
        });
        long initial = r.has("initialBackoffMs") ? number(r.get("initialBackoffMs"), at + ".initialBackoffMs", 1, 86_400_000) : 1_000;
        long max = r.has("maxBackoffMs") ? number(r.get("maxBackoffMs"), at + ".maxBackoffMs", 1, 86_400_000)
                : Math.max(60_000, initial);
        if (max < initial) {
            throw new InvalidConfigException(at + ".maxBackoffMs (" + max + ") must be at least initialBackoffMs (" + initial + ")");
        }
        int restarts = r.has("maxRestarts") ? (int) number(r.get("maxRestarts"), at + ".maxRestarts", -1, Integer.MAX_VALUE) : -1;
        set.accept(RestartPolicy.backoff(java.time.Duration.ofMillis(initial), java.time.Duration.ofMillis(max))
                .withMaxRestarts(restarts));
    }

    private static void onlyFor(JsonNode entry, String where, String database, String... keys) {
        for (String key : keys) {
            if (entry.has(key)) {
                throw new InvalidConfigException(where + "." + key + " applies to " + database + " sources only (this jdbcUrl is "
                        + (database.equals("PostgreSQL") ? "MySQL/MariaDB" : "PostgreSQL") + ")");
            }
        }
    }

    private static String user(JsonNode entry, String where, String fallback) {
        return entry.has("user") ? text(entry.get("user"), where + ".user") : fallback;
    }

    private static String password(JsonNode entry, String where, Function<String, String> env) {
        if (entry.has("password") && entry.has("passwordEnv")) {
            throw new InvalidConfigException(where + ": give password or passwordEnv, not both");
        } else if (entry.has("password")) {
            return entry.get("password").asText();
        } else if (entry.has("passwordEnv")) {
            String variable = text(entry.get("passwordEnv"), where + ".passwordEnv");
            String password = env.apply(variable);
            if (password == null) {
                throw new InvalidConfigException(where + ".passwordEnv: the environment variable " + variable + " is not set");
            }
            return password;
        }
        return "";
    }

    private static void tables(JsonNode entry, String where, Consumer<String> table, String hint) {
        if (entry.has("tables")) {
            JsonNode tables = entry.get("tables");
            if (!tables.isArray() || tables.isEmpty()) {
                throw new InvalidConfigException(where + ".tables must be a non-empty list of table names" + hint);
            }
            for (int t = 0; t < tables.size(); t++) {
                table.accept(text(tables.get(t), where + ".tables[" + t + "]"));
            }
        }
    }

    private static void snapshot(JsonNode entry, String where, Consumer<SnapshotMode> mode) {
        if (entry.has("snapshot")) {
            String value = text(entry.get("snapshot"), where + ".snapshot");
            switch (value) {
                case "initial" -> mode.accept(SnapshotMode.INITIAL);
                case "never" -> mode.accept(SnapshotMode.NEVER);
                case "when_needed" -> mode.accept(SnapshotMode.WHEN_NEEDED);
                default -> throw new InvalidConfigException(where + ".snapshot must be initial, never or when_needed, got '"
                        + value + "'");
            }
        }
    }

    private static String text(JsonNode value, String where) {
        if (!value.isValueNode() || value.isNull() || value.asText().isBlank()) {
            throw new InvalidConfigException(where + " must be a non-empty text value");
        }
        return value.asText();
    }

    private static long number(JsonNode value, String where, long min, long max) {
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < min || value.longValue() > max) {
            throw new InvalidConfigException(where + " must be a whole number between " + min + " and " + max
                    + ", got " + value);
        }
        return value.longValue();
    }
}
