package io.tributary.cdc;

import io.tributary.core.InvalidRequestException;
import io.tributary.core.StreamName;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Configuration of a MySQL/MariaDB capture (binlog). Immutable, validated when built; every
 * setting has a default. Start from {@link #builder(String, String)}.
 *
 * @param name                the connector name: names the offset stream {@code tributary.cdc-<name>};
 *                            letters, digits and {@code _}
 * @param host                the server's host, from the JDBC URL
 * @param port                the server's port, from the JDBC URL (default 3306)
 * @param database            the database of the JDBC URL: tables in it are named without it, like
 *                            PostgreSQL's {@code public}; tables of other databases are {@code db.table}
 * @param urlParameters       the JDBC URL's {@code ?key=value} parameters, in order, passed to the JDBC connections
 *                            (MariaDB Connector/J options); the SSL ones are taken out into {@code sslMode}; default none
 * @param sslMode             encryption of both the JDBC and the binlog connection, from the URL's {@code sslMode} or
 *                            {@code useSSL}; default {@link SslMode#DISABLE}
 * @param user                the account to connect as; needs {@code REPLICATION SLAVE}, {@code REPLICATION CLIENT}
 *                            ({@code BINLOG MONITOR} on MariaDB) and {@code SELECT} on the tables; default {@code root}
 * @param password            its password; default empty
 * @param serverId            the replica server id the binlog reader announces; must differ from every server
 *                            and replica id of the source's topology; default 5,400 + a hash of the name
 * @param tables              the tables to capture ({@link TableSelection#schema()} is the database; {@code public}
 *                            stands for {@code database}); must not be empty
 * @param snapshotMode        whether to copy the current rows first; default {@link SnapshotMode#INITIAL}
 * @param snapshotChunkRows   rows per snapshot chunk (one atomic append each); default 1,024
 * @param heartbeatIntervalMs the server's heartbeat interval on an idle binlog, and how often the position of
 *                            transactions on other tables is recorded; 0 disables both; default 10,000
 * @param connectTimeoutMs    how long to wait for the binlog connection; default 10,000
 * @param maxAppendBytes      the largest append (event data); a larger transaction is appended in chunks (see the
 *                            module README); keep it below the store's request limit
 *                            ({@code maxRequestBytes}, 64 MiB by default); default 48 MiB
 * @param clock               time source for lag and {@code ts_ms}; default the UTC system clock
 * @param restart             what the capture does when it loses the server; default {@link RestartPolicy#DEFAULT}
 *                            (restart after 1 s, 2 s, 4 s, ... at most a minute apart)
 */
public record MySqlSource(String name, String host, int port, String database, Map<String, String> urlParameters,
                          SslMode sslMode, String user, String password,
                          long serverId, List<TableSelection> tables, SnapshotMode snapshotMode, int snapshotChunkRows,
                          long heartbeatIntervalMs, long connectTimeoutMs, int maxAppendBytes, Clock clock,
                          RestartPolicy restart) {
    private static final Pattern URL = Pattern.compile("jdbc:(mysql|mariadb)://([^:/?]+)(?::(\\d+))?/([^/?;&]+)(?:\\?(.*))?");
    /** URL parameters that set SSL: resolved into {@link #sslMode()}. */
    private static final Set<String> SSL_KEYS = Set.of("sslMode", "useSSL", "useSsl");
    /** URL parameters the binlog connection could not follow, with what to do instead. */
    private static final Map<String, String> REFUSED = refused();

    /**
     * Encryption of the connections to the server; the JDBC connections (MariaDB Connector/J's {@code sslMode})
     * and the binlog connection always use the same one. Certificates are checked against the JVM's trust store
     * ({@code javax.net.ssl.trustStore}), or against what the URL's {@code serverSslCert} or {@code trustStore} names;
     * a {@code keyStore} holds the client certificate both present.
     */
    public enum SslMode {
        /** Plain text ({@code sslMode=disable}, MySQL's {@code DISABLED}, {@code useSSL=false}). */
        DISABLE("disable"),
        /** Encrypted, the server's certificate not checked ({@code trust}, MySQL's {@code REQUIRED}); development only. */
        TRUST("trust"),
        /** Encrypted, the certificate checked against the trust store but not the host name ({@code verify-ca}, {@code VERIFY_CA}). */
        VERIFY_CA("verify-ca"),
        /** Encrypted, certificate and host name checked ({@code verify-full}, {@code VERIFY_IDENTITY}, {@code useSSL=true}). */
        VERIFY_FULL("verify-full");

        private final String driverName;

        SslMode(String driverName) {
            this.driverName = driverName;
        }

        /** The value of MariaDB Connector/J's {@code sslMode} option. */
        public String driverName() {
            return driverName;
        }

        static SslMode parse(String value) {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "disable", "disabled" -> DISABLE;
                case "trust", "required" -> TRUST;
                case "verify-ca", "verify_ca" -> VERIFY_CA;
                case "verify-full", "verify_identity" -> VERIFY_FULL;
                case "preferred" -> throw new InvalidRequestException("MySQL source: jdbcUrl parameter sslMode=" + value
                        + " is not supported: it falls back to plain text without saying so. Use sslMode=trust (encrypted,"
                        + " certificate not checked), verify-ca or verify-full, or disable");
                default -> throw new InvalidRequestException("MySQL source: jdbcUrl parameter sslMode=" + value + " is unknown;"
                        + " use disable, trust, verify-ca or verify-full (or MySQL's DISABLED, REQUIRED, VERIFY_CA, VERIFY_IDENTITY)");
            };
        }
    }

    private static Map<String, String> refused() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("user", "set the account with credentials(user, password): the binlog connection needs it too");
        m.put("password", "set the account with credentials(user, password): the binlog connection needs it too");
        String trust = "MySQL Connector/J's name; this source speaks MariaDB Connector/J's: serverSslCert=<CA certificate,"
                + " PEM> or trustStore/trustStorePassword/trustStoreType, which both connections follow";
        for (String k : List.of("trustCertificateKeyStoreUrl", "trustCertificateKeyStorePassword", "trustCertificateKeyStoreType")) {
            m.put(k, trust);
        }
        String client = "MySQL Connector/J's name; this source speaks MariaDB Connector/J's: keyStore/keyStorePassword/"
                + "keyPassword/keyStoreType, which both connections follow";
        for (String k : List.of("clientCertificateKeyStoreUrl", "clientCertificateKeyStorePassword",
                "clientCertificateKeyStoreType")) {
            m.put(k, client);
        }
        String legacy = "use sslMode (disable, trust, verify-ca or verify-full), which both connections follow";
        for (String k : List.of("requireSSL", "verifyServerCertificate", "trustServerCertificate",
                "disableSslHostnameVerification", "sslmode", "usessl")) {
            m.put(k, legacy);
        }
        return Map.copyOf(m);
    }

    /** Validates every setting; throws {@link InvalidRequestException} naming the setting. */
    public MySqlSource {
        require(name != null && name.matches("[A-Za-z0-9_]{1,63}"),
                "name must be 1 to 63 letters, digits or '_', got '" + name + "'");
        require(host != null && !host.isBlank(), "host must not be empty");
        require(port > 0 && port < 65_536, "port must be 1 to 65535, got " + port);
        require(database != null && !database.isBlank() && database.indexOf('.') < 0,
                "database must not be empty or contain '.', got '" + database + "'");
        require(urlParameters != null, "urlParameters must not be null (use Map.of())");
        for (Map.Entry<String, String> p : urlParameters.entrySet()) {
            require(p.getKey() != null && p.getKey().matches("[A-Za-z0-9_.]+") && p.getValue() != null
                    && p.getValue().indexOf('&') < 0, "jdbcUrl parameter '" + p.getKey() + "=" + p.getValue() + "' is malformed");
            require(!SSL_KEYS.contains(p.getKey()), "jdbcUrl parameter " + p.getKey() + " belongs in sslMode");
            String why = REFUSED.get(p.getKey());
            require(why == null, "jdbcUrl parameter " + p.getKey() + " is not supported: " + why);
        }
        urlParameters = Collections.unmodifiableMap(new LinkedHashMap<>(urlParameters));
        require(sslMode != null, "sslMode must not be null");
        for (String k : List.of("serverSslCert", "trustStore")) {
            require(!urlParameters.containsKey(k) || sslMode == SslMode.VERIFY_CA || sslMode == SslMode.VERIFY_FULL,
                    "jdbcUrl parameter " + k + " needs sslMode=verify-ca or verify-full (with " + sslMode.driverName()
                            + " no certificate is checked)");
        }
        require(!urlParameters.containsKey("keyStore") || sslMode != SslMode.DISABLE,
                "jdbcUrl parameter keyStore needs an encrypted connection (sslMode trust, verify-ca or verify-full)");
        require(user != null && !user.isEmpty(), "user must not be empty");
        require(password != null, "password must not be null (use \"\")");
        require(serverId >= 1 && serverId <= 0xFFFF_FFFFL, "serverId must be 1 to 4294967295, got " + serverId);
        require(tables != null && !tables.isEmpty(), "tables must name at least one table");
        List<TableSelection> resolved = new ArrayList<>();
        for (TableSelection t : tables) {
            require(t != null, "tables must not contain null");
            require(t.rowFilter().isEmpty(), "row filters are not supported for MySQL/MariaDB (table " + t.table() + ")");
            resolved.add("public".equals(t.schema()) ? new TableSelection(database, t.table(), t.columns(), t.rowFilter()) : t);
        }
        tables = List.copyOf(resolved);
        require(snapshotMode != null, "snapshotMode must not be null");
        require(snapshotChunkRows >= 1 && snapshotChunkRows <= 1_000_000, "snapshotChunkRows must be 1 to 1,000,000");
        require(heartbeatIntervalMs >= 0, "heartbeatIntervalMs must be >= 0");
        require(connectTimeoutMs >= 100, "connectTimeoutMs must be >= 100");
        require(maxAppendBytes >= 64 * 1024, "maxAppendBytes must be >= 65536");
        require(clock != null, "clock must not be null");
        require(restart != null, "restart must not be null (RestartPolicy.never() to stop on any failure)");
        require(StreamName.problem("tributary.cdc-" + name) == null, "name makes an invalid stream name");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new InvalidRequestException("MySQL source: " + message);
        }
    }

    /** The stream holding this connector's source positions: {@code tributary.cdc-<name>}. */
    public StreamName offsetStream() {
        return StreamName.of("tributary.cdc-" + name);
    }

    /**
     * The JDBC URL of the source (MariaDB Connector/J syntax, which also speaks to MySQL), with the URL's
     * parameters and the SSL mode.
     */
    public String jdbcUrl() {
        StringBuilder b = new StringBuilder("jdbc:mariadb://").append(host).append(':').append(port).append('/').append(database)
                .append("?sslMode=").append(sslMode.driverName());
        urlParameters.forEach((k, v) -> b.append('&').append(k).append('=').append(v));
        return b.toString();
    }

    /**
     * A builder with every default, for connector {@code name} reading the database of {@code jdbcUrl}
     * ({@code jdbc:mariadb://host:port/db} or {@code jdbc:mysql://host:port/db}).
     */
    public static Builder builder(String name, String jdbcUrl) {
        Matcher m = jdbcUrl == null ? null : URL.matcher(jdbcUrl);
        if (m == null || !m.matches()) {
            throw new InvalidRequestException("MySQL source: jdbcUrl must be jdbc:mariadb://host[:port]/database[?key=value&...]"
                    + " or jdbc:mysql://host[:port]/database[?...], got '" + jdbcUrl + "'");
        }
        Builder b = new Builder(name, m.group(2), m.group(3) == null ? 3306 : Integer.parseInt(m.group(3)), m.group(4));
        Map<String, String> params = new LinkedHashMap<>();
        if (m.group(5) != null && !m.group(5).isEmpty()) {
            for (String pair : m.group(5).split("&", -1)) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new InvalidRequestException("MySQL source: jdbcUrl parameter '" + pair + "' is not key=value");
                }
                if (params.put(pair.substring(0, eq), pair.substring(eq + 1)) != null) {
                    throw new InvalidRequestException("MySQL source: jdbcUrl parameter " + pair.substring(0, eq) + " is given twice");
                }
            }
        }
        if (params.containsKey("useSSL") && params.containsKey("useSsl")) {
            throw new InvalidRequestException("MySQL source: jdbcUrl has both useSSL and useSsl; give sslMode only");
        }
        String useSsl = params.containsKey("useSSL") ? params.remove("useSSL") : params.remove("useSsl");
        b.sslMode = ssl(params.remove("sslMode"), useSsl);
        b.urlParameters = params;
        return b;
    }

    /** The SSL mode from the URL's {@code sslMode} and legacy {@code useSSL}; contradictions are refused. */
    private static SslMode ssl(String sslMode, String useSsl) {
        Boolean use = null;
        if (useSsl != null) {
            if (!useSsl.equalsIgnoreCase("true") && !useSsl.equalsIgnoreCase("false")) {
                throw new InvalidRequestException("MySQL source: jdbcUrl parameter useSSL=" + useSsl + " must be true or false");
            }
            use = Boolean.parseBoolean(useSsl);
        }
        if (sslMode == null) {
            return use == null || !use ? SslMode.DISABLE : SslMode.VERIFY_FULL;
        }
        SslMode mode = SslMode.parse(sslMode);
        if (use != null && use != (mode != SslMode.DISABLE)) {
            throw new InvalidRequestException("MySQL source: jdbcUrl parameters contradict each other: useSSL=" + useSsl
                    + " and sslMode=" + sslMode + "; give sslMode only");
        }
        return mode;
    }

    /** A builder with every default, for connector {@code name} reading {@code database} at {@code host:port}. */
    public static Builder builder(String name, String host, int port, String database) {
        return new Builder(name, host, port, database);
    }

    /** Builds a {@link MySqlSource}; each setter documents its default on {@link MySqlSource}. */
    public static final class Builder {
        private final String name;
        private final String host;
        private final int port;
        private final String database;
        private Map<String, String> urlParameters = Map.of();
        private SslMode sslMode = SslMode.DISABLE;
        private String user = "root";
        private String password = "";
        private long serverId;
        private final List<TableSelection> tables = new ArrayList<>();
        private SnapshotMode snapshotMode = SnapshotMode.INITIAL;
        private int snapshotChunkRows = 1024;
        private long heartbeatIntervalMs = 10_000;
        private long connectTimeoutMs = 10_000;
        private int maxAppendBytes = 48 << 20;
        private Clock clock = Clock.systemUTC();
        private RestartPolicy restart = RestartPolicy.DEFAULT;

        private Builder(String name, String host, int port, String database) {
            this.name = name;
            this.host = host;
            this.port = port;
            this.database = database;
        }

        /** Sets the account and password. */
        public Builder credentials(String user, String password) {
            this.user = user;
            this.password = password;
            return this;
        }

        /** Sets {@link MySqlSource#serverId()}. */
        public Builder serverId(long value) {
            this.serverId = value;
            return this;
        }

        /** Adds tables, each {@code table} (in the URL's database) or {@code db.table}. */
        public Builder tables(String... names) {
            for (String n : names) {
                tables.add(TableSelection.of(n));
            }
            return this;
        }

        /** Adds a table selection (with a column list). */
        public Builder table(TableSelection selection) {
            tables.add(Objects.requireNonNull(selection, "selection"));
            return this;
        }

        /** Sets {@link MySqlSource#snapshotMode()}. */
        public Builder snapshotMode(SnapshotMode value) {
            this.snapshotMode = value;
            return this;
        }

        /** Sets {@link MySqlSource#snapshotChunkRows()}. */
        public Builder snapshotChunkRows(int value) {
            this.snapshotChunkRows = value;
            return this;
        }

        /** Sets {@link MySqlSource#heartbeatIntervalMs()}. */
        public Builder heartbeatIntervalMs(long value) {
            this.heartbeatIntervalMs = value;
            return this;
        }

        /** Sets {@link MySqlSource#connectTimeoutMs()}. */
        public Builder connectTimeoutMs(long value) {
            this.connectTimeoutMs = value;
            return this;
        }

        /** Sets {@link MySqlSource#maxAppendBytes()}. */
        public Builder maxAppendBytes(int value) {
            this.maxAppendBytes = value;
            return this;
        }

        /** Sets {@link MySqlSource#clock()}. */
        public Builder clock(Clock value) {
            this.clock = value;
            return this;
        }

        /** Sets {@link MySqlSource#restart()}. */
        public Builder restart(RestartPolicy value) {
            this.restart = value;
            return this;
        }

        /** Validates and builds. */
        public MySqlSource build() {
            long id = serverId != 0 ? serverId : 5_400 + Math.floorMod(name == null ? 0 : name.hashCode(), 100_000);
            return new MySqlSource(name, host, port, database, urlParameters, sslMode, user, password, id, tables, snapshotMode,
                    snapshotChunkRows, heartbeatIntervalMs, connectTimeoutMs, maxAppendBytes, clock, restart);
        }
    }
}
