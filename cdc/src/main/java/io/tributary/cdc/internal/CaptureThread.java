package io.tributary.cdc.internal;

import io.tributary.cdc.CdcStatus;
import io.tributary.cdc.RestartPolicy;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a capture engine (PostgreSQL or MySQL/MariaDB) on its own daemon thread: the part the
 * public capture classes share. When the engine loses its source ({@link TransientFailure}) a new
 * one is made, prepared and run after the {@link RestartPolicy}'s back-off: it resumes from the last
 * durable position, as a restart by hand does.
 */
public final class CaptureThread {
    private static final Logger LOG = LoggerFactory.getLogger(CaptureThread.class);

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

        /** Why the run ended failed; null when it did not. */
        Throwable failure();
    }

    private final Supplier<Engine> engines;
    private final RestartPolicy policy;
    private final String name;
    private final Thread thread;
    private final Object lock = new Object();
    /** The engine running, or the last one. */
    private volatile Engine engine;
    /** Why the capture is waiting to restart (status RESTARTING), or why it stopped for good (FAILED). */
    private volatile String pendingError;
    private volatile boolean restarting;
    private volatile boolean gaveUp;
    private volatile boolean closed;
    private long chunkedBefore;
    /** Restarts in a row (the capture thread's). */
    private int attempt;

    private CaptureThread(Supplier<Engine> engines, Engine first, RestartPolicy policy, String name) {
        this.engines = engines;
        this.engine = first;
        this.policy = policy;
        this.name = name;
        this.thread = new Thread(this::runAll, "tributary-cdc-" + name);
        this.thread.setDaemon(true);
    }

    /**
     * Makes and prepares an engine from {@code engines} (which may throw: then nothing runs) and starts the thread,
     * which makes the next ones when {@code policy} restarts the capture.
     */
    public static CaptureThread start(Supplier<Engine> engines, RestartPolicy policy, String name) {
        Engine first = engines.get();
        first.prepare();
        CaptureThread t = new CaptureThread(engines, first, policy, name);
        t.thread.start();
        return t;
    }

    private void runAll() {
        Engine e = engine;
        while (e != null) {
            long started = System.nanoTime();
            e.run();
            if (closed || e.status().status() != CdcStatus.State.FAILED) {
                return;
            }
            if (System.nanoTime() - started >= RestartPolicy.RECOVERED_AFTER.toNanos()) {
                attempt = 0; // it recovered before failing again: a new row of restarts
            }
            e = restarted(e, e.failure());
        }
    }

    /**
     * A new, prepared engine in place of {@code failed}, after the policy's back-off (again after each failed prepare);
     * null when the capture stays failed (not a lost source, restarts spent) or is closed meanwhile.
     */
    private Engine restarted(Engine failed, Throwable failure) {
        while (true) {
            attempt++;
            pendingError = message(failure);
            if (!TransientFailure.is(failure) || !policy.allows(attempt)) {
                gaveUp = true;
                restarting = false;
                if (attempt > 1) {
                    LOG.error("capture '{}' gave up restarting after {} attempts: {}", name, attempt - 1, pendingError);
                }
                return null;
            }
            Duration wait = policy.backoff(attempt);
            restarting = true;
            LOG.warn("capture '{}' lost its source ({}); restart {} in {} ms", name, pendingError, attempt, wait.toMillis());
            if (!sleep(wait)) {
                restarting = false;
                return null;
            }
            Engine next = engines.get();
            try {
                next.prepare();
            } catch (RuntimeException x) {
                failure = x;
                continue;
            }
            synchronized (lock) {
                restarting = false;
                if (!closed) {
                    chunkedBefore += failed.chunkedAppends();
                    engine = next;
                    LOG.info("capture '{}' restarted (attempt {})", name, attempt);
                    return next;
                }
            }
            next.stop();
            next.run(); // closed meanwhile: stops at once and releases what prepare() opened
            return null;
        }
    }

    private static String message(Throwable t) {
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    /** Waits {@code d} unless closed first; false when closed. */
    private boolean sleep(Duration d) {
        long deadline = System.nanoTime() + d.toNanos();
        synchronized (lock) {
            while (!closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return true;
                }
                try {
                    lock.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException x) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return false;
        }
    }

    /** The engine's status; {@code RESTARTING} with the failure while waiting to restart. */
    public CdcStatus status() {
        CdcStatus s = engine.status();
        if (restarting) {
            return new CdcStatus(s.name(), s.kind(), CdcStatus.State.RESTARTING, s.sourcePosition(), s.lagMs(), s.snapshot(),
                    Optional.ofNullable(pendingError));
        }
        if (gaveUp) {
            return new CdcStatus(s.name(), s.kind(), CdcStatus.State.FAILED, s.sourcePosition(), s.lagMs(), s.snapshot(),
                    Optional.ofNullable(pendingError));
        }
        return s;
    }

    /** The chunked appends of every engine run so far. */
    public long chunkedAppends() {
        synchronized (lock) {
            return chunkedBefore + engine.chunkedAppends();
        }
    }

    /** Stops the engine (or its restart) and waits for the thread, at most {@code timeout}. */
    public void close(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        synchronized (lock) {
            closed = true;
            lock.notifyAll();
            engine.stop();
        }
        try {
            thread.join(Math.max(1, timeout.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
