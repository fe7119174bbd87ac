package io.tributary.cdc;

import java.time.Duration;

/**
 * A running capture of one source database into the log — {@link PostgresCapture} or
 * {@link MySqlCapture} — as servers and tools see it: its status, and a way to stop it.
 */
public interface CdcCapture extends AutoCloseable {
    /** The capture's current status; cheap, callable from any thread. */
    CdcStatus status();

    /** How many appends carried part of a transaction larger than one append may hold. */
    long chunkedAppends();

    /** Stops capturing and waits for the capture thread (at most {@code timeout}); a later start resumes. */
    void close(Duration timeout);

    /** Stops capturing, waiting up to 30 seconds. */
    @Override
    void close();
}
