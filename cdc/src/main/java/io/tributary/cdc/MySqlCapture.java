package io.tributary.cdc;

import io.tributary.cdc.internal.CaptureThread;
import io.tributary.cdc.internal.mysql.MySqlEngine;
import io.tributary.cdc.internal.mysql.TlsMaterial;
import io.tributary.core.EventStore;
import io.tributary.core.InvalidRequestException;
import java.time.Duration;

/**
 * Captures a MySQL or MariaDB database's committed changes into the log, by reading its binlog
 * as a replica would (row-based binlog with full row images and full row metadata).
 *
 * <p>{@link #start} checks the source (and fails at once with {@link SourceConfigurationException}
 * saying what to change), then runs on its own thread: first the initial snapshot (when configured
 * and not yet done; on MariaDB without locks, inside {@code START TRANSACTION WITH CONSISTENT
 * SNAPSHOT}), then streaming from the binlog position consistent with it. Each committed source
 * transaction becomes one atomic append that also records the binlog position after it (file,
 * offset and, on MariaDB, the GTID state) in the stream {@code tributary.cdc-<name>}; a restarted
 * capture resumes right after the last appended transaction, so nothing is lost or duplicated.
 * A lost server (the binlog connection broken, the server restarted) is restarted after a back-off
 * ({@link MySqlSource#restart()}); any other failure stops the capture: {@link #status()} says why,
 * and starting it again resumes.
 *
 * <p>Run one capture per connector name at a time; a second one fails when it first appends.
 */
public final class MySqlCapture implements CdcCapture {
    private final CaptureThread thread;

    private MySqlCapture(CaptureThread thread) {
        this.thread = thread;
    }

    /**
     * Starts capturing {@code source} into {@code store}.
     *
     * @throws SourceConfigurationException when the source is not set up for capture; nothing is started
     * @throws InvalidRequestException      when an argument is null
     */
    public static MySqlCapture start(EventStore store, MySqlSource source) {
        if (store == null || source == null) {
            throw new InvalidRequestException("MySqlCapture.start needs a store and a source, got " + store + ", " + source);
        }
        // The certificate files the URL names, read before anything connects: a missing file, a wrong password
        // or type, a key store without a key is the caller's to fix.
        try {
            TlsMaterial.of(source);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("MySQL source: jdbcUrl parameter " + e.getMessage());
        }
        return new MySqlCapture(CaptureThread.start(() -> new MySqlEngine(store, source), source.restart(), source.name()));
    }

    /** The capture's current status ({@code kind} is {@code mysql}, the position {@code file:pos [gtid ...]}); cheap, any thread. */
    @Override
    public CdcStatus status() {
        return thread.status();
    }

    /** How many appends carried part of a transaction larger than {@code maxAppendBytes} (see the README). */
    @Override
    public long chunkedAppends() {
        return thread.chunkedAppends();
    }

    /** Stops capturing and waits for the capture thread (at most {@code timeout}); a later start resumes. */
    @Override
    public void close(Duration timeout) {
        thread.close(timeout);
    }

    /** Stops capturing, waiting up to 30 seconds; see {@link #close(Duration)}. */
    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }
}
