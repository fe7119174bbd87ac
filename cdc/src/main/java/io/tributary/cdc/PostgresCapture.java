package io.tributary.cdc;

import io.tributary.cdc.internal.CaptureEngine;
import io.tributary.cdc.internal.CaptureThread;
import io.tributary.cdc.internal.SourceSetup;
import io.tributary.core.EventStore;
import io.tributary.core.InvalidRequestException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;

/**
 * Captures a PostgreSQL database's committed changes into the log, over logical replication
 * with the built-in {@code pgoutput} plugin.
 *
 * <p>{@link #start} checks the source (and fails at once with {@link SourceConfigurationException}
 * saying what to change), creates the publication and the replication slot if needed, then runs
 * on its own thread: first the initial snapshot (when configured and not yet done), then
 * streaming. Each committed source transaction becomes one atomic append that also records its
 * commit LSN in the stream {@code tributary.cdc-<name>}; a restarted capture resumes right after
 * the last appended transaction, so nothing is lost or duplicated. The slot is acknowledged only up
 * to what is durable in the log. A lost server (the connection broken, the server restarted) is
 * restarted after a back-off ({@link PostgresSource#restart()}); any other failure stops the capture:
 * {@link #status()} says why, and starting it again resumes.
 *
 * <p>Run one capture per connector name at a time; a second one fails when it first appends.
 */
public final class PostgresCapture implements CdcCapture {
    private final CaptureThread thread;

    private PostgresCapture(CaptureThread thread) {
        this.thread = thread;
    }

    /**
     * Starts capturing {@code source} into {@code store}.
     *
     * @throws SourceConfigurationException when the source is not set up for capture; nothing is started
     * @throws InvalidRequestException      when an argument is null
     */
    public static PostgresCapture start(EventStore store, PostgresSource source) {
        if (store == null || source == null) {
            throw new InvalidRequestException("PostgresCapture.start needs a store and a source, got " + store + ", " + source);
        }
        return new PostgresCapture(CaptureThread.start(() -> new CaptureEngine(store, source), source.restart(), source.name()));
    }

    /** The capture's current status; cheap, callable from any thread. */
    @Override
    public CdcStatus status() {
        return thread.status();
    }

    /** How many appends carried part of a transaction larger than {@code maxAppendBytes} (see the README). */
    @Override
    public long chunkedAppends() {
        return thread.chunkedAppends();
    }

    /**
     * Stops capturing and waits for the capture thread (at most {@code timeout}). The slot and the
     * publication stay, so a later start resumes; see {@link #dropSlotAndPublication}.
     */
    @Override
    public void close(Duration timeout) {
        thread.close(timeout);
    }

    /** Stops capturing, waiting up to 30 seconds; see {@link #close(Duration)}. */
    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }

    /**
     * Drops the connector's replication slot and (if {@code dropPublication}) its publication, so
     * the source keeps no WAL for it. The capture must be stopped. Its streams in the log stay;
     * starting it again takes a new snapshot only if its offset stream is deleted too.
     */
    public static void dropSlotAndPublication(PostgresSource source, boolean dropPublication) {
        SourceSetup setup = new SourceSetup(Objects.requireNonNull(source, "source"));
        try (Connection c = setup.connect()) {
            setup.dropSlot(c);
            if (dropPublication) {
                setup.dropPublication(c);
            }
        } catch (SQLException e) {
            throw new CdcException("cannot drop the slot of '" + source.name() + "': " + e.getMessage(), e);
        }
    }
}
