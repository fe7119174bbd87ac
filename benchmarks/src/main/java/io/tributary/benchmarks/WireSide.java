package io.tributary.benchmarks;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.PGReplicationStream;

/**
 * The CDC benchmark's floor (side {@code wire}): a replication client that does nothing with what it
 * receives. It opens a slot and publication of its own and reads the pgoutput stream with the
 * options our capture uses (protocol v2, streaming, logical messages) through pgjdbc's replication
 * API, counting Insert messages by their first byte: no decoding, no events, no log, no fsync. Its
 * throughput is the time the source itself takes — the INSERT, its commit, the walsender's decoding
 * and sending — which every capture of this workload pays, ours and Debezium's alike; the ratio
 * Debezium/wire is the most any capture could gain over Debezium here.
 */
final class WireSide {
    private WireSide() {
    }

    /** Starts reading {@code table}'s changes; the returned capture counts {@code expected} inserts. */
    @SuppressWarnings("try") // close() may be interrupted while it waits for the reader
    static CdcBenchmarks.Capture start(String url, String table, long expected) throws SQLException {
        String slot = "wire_" + table;
        try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement s = c.createStatement()) {
            s.execute("CREATE PUBLICATION " + slot + " FOR TABLE " + table);
        }
        Properties p = new Properties();
        PGProperty.USER.set(p, "postgres");
        PGProperty.REPLICATION.set(p, "database");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(p, "10");
        PGProperty.PREFER_QUERY_MODE.set(p, "simple");
        Connection replication = DriverManager.getConnection(url, p);
        PGConnection pg = replication.unwrap(PGConnection.class);
        pg.getReplicationAPI().createReplicationSlot().logical().withSlotName(slot).withOutputPlugin("pgoutput").make();
        PGReplicationStream stream = pg.getReplicationAPI().replicationStream().logical().withSlotName(slot)
                .withSlotOption("proto_version", "2").withSlotOption("publication_names", slot)
                .withSlotOption("messages", "true").withSlotOption("streaming", "true")
                .withStatusInterval(10, TimeUnit.SECONDS).start();
        CountDownLatch done = new CountDownLatch(1);
        AtomicLong doneNanos = new AtomicLong();
        AtomicLong firstNanos = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            long seen = 0;
            try {
                while (seen < expected) {
                    ByteBuffer b = stream.read();
                    if (b == null) {
                        throw new IllegalStateException("the server ended the replication stream");
                    }
                    if (b.get(b.position()) == 'I') {
                        if (seen == 0) {
                            firstNanos.set(System.nanoTime());
                        }
                        if (++seen == expected) {
                            doneNanos.set(System.nanoTime());
                            done.countDown();
                        }
                    }
                }
            } catch (Throwable e) {
                failure.set(e);
                done.countDown();
            }
        }, "wire-reader");
        reader.setDaemon(true);
        reader.start();
        return new CdcBenchmarks.Capture() {
            @Override
            public long awaitAll(long deadlineNanos) throws InterruptedException {
                if (!done.await(deadlineNanos - System.nanoTime(), TimeUnit.NANOSECONDS)) {
                    throw new IllegalStateException("wire: not all " + expected + " inserts arrived in time");
                }
                if (failure.get() != null) {
                    throw new IllegalStateException("wire: reading the replication stream failed: " + failure.get(), failure.get());
                }
                return doneNanos.get();
            }

            @Override
            public long firstNanos() {
                return firstNanos.get();
            }

            @Override
            public List<long[]> records() {
                throw new UnsupportedOperationException("the wire side measures throughput only");
            }

            @Override
            public void close() throws Exception {
                stream.close();
                replication.close();
                reader.join(10_000);
                try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement s = c.createStatement()) {
                    for (int attempt = 0; ; attempt++) {
                        try {
                            s.execute("SELECT pg_drop_replication_slot('" + slot + "')");
                            break;
                        } catch (SQLException e) {
                            if (attempt >= 100) { // the closed connection's walsender may still hold the slot a moment
                                throw e;
                            }
                            Thread.sleep(100);
                        }
                    }
                    s.execute("DROP PUBLICATION " + slot);
                }
            }
        };
    }
}
