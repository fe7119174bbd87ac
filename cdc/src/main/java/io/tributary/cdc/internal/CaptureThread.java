package io.tributary.cdc.internal;

import io.tributary.cdc.CdcStatus;
import java.time.Duration;
import java.util.Objects;

/**
 * Runs a capture engine (PostgreSQL or MySQL/MariaDB) on its own daemon thread: the part the
 * public capture classes share.
 */
public final class CaptureThread {
    /** What a capture engine offers its thread and its public facade. */
    public interface Engine extends Runnable {
        /** Checks the source and sets up what the capture needs; throws before anything is started. */
        void prepare();

        /** Asks the run loop to stop. */
        void stop();

        /** The current status; cheap, any thread. */
        CdcStatus status();

        /** Appends that carried part of a transaction larger than one append may hold. */
        long chunkedAppends();
    }

    private final Engine engine;
    private final Thread thread;

    private CaptureThread(Engine engine, String name) {
        this.engine = engine;
        this.thread = new Thread(engine, "tributary-cdc-" + name);
        this.thread.setDaemon(true);
    }

    /** Prepares {@code engine} (which may throw: then nothing runs) and starts its thread. */
    public static CaptureThread start(Engine engine, String name) {
        engine.prepare();
        CaptureThread t = new CaptureThread(engine, name);
        t.thread.start();
        return t;
    }

    /** The engine's status. */
    public CdcStatus status() {
        return engine.status();
    }

    /** The engine's chunked appends. */
    public long chunkedAppends() {
        return engine.chunkedAppends();
    }

    /** Stops the engine and waits for its thread, at most {@code timeout}. */
    public void close(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        engine.stop();
        try {
            thread.join(Math.max(1, timeout.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
