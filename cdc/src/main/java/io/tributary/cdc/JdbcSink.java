package io.tributary.cdc;

import io.tributary.cdc.internal.SinkApplier;
import io.tributary.core.EventStore;
import io.tributary.core.InvalidRequestException;
import io.tributary.core.ReadFilter;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StoreClosedException;
import io.tributary.core.Subscription;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Applies captured change events to tables of another database — "sync data across databases":
 * creates and updates rows on {@code c}/{@code r}/{@code u} (an upsert by key), deletes them on
 * {@code d}, empties the table on {@code t}. Each batch is one transaction of the target that also
 * stores the sink's checkpoint (the log position after the batch) in
 * {@code tributary_cdc_sink_checkpoint}, so a restarted sink resumes exactly after the last applied
 * batch; and since applying is idempotent, even a replay leaves the same rows.
 *
 * <p>Target tables must exist with the captured columns (extra target columns are left alone) and a
 * primary key or unique index on the captured key. Unchanged TOASTed values are not overwritten.
 * Runs on its own thread; a failure stops it and {@link #lastError()} says why.
 */
public final class JdbcSink implements AutoCloseable {
    private final Thread thread;
    private final Subscription subscription;
    private final SinkApplier applier;
    private volatile boolean stopping;
    private volatile String lastError;
    private volatile long position = -1;

    private JdbcSink(EventStore store, JdbcSinkConfig config) {
        this.applier = new SinkApplier(config);
        long from = applier.checkpoint() + 1;
        this.position = from - 1;
        this.subscription = store.subscribeToAll(from, ReadFilter.categories(config.categories().toArray(new String[0])));
        this.thread = new Thread(() -> run(config), "tributary-cdc-sink-" + config.name());
        this.thread.setDaemon(true);
    }

    /**
     * Starts applying {@code config}'s categories from {@code store} to the target.
     *
     * @throws CdcException when the target cannot be reached or the checkpoint table cannot be created
     */
    public static JdbcSink start(EventStore store, JdbcSinkConfig config) {
        if (store == null || config == null) {
            throw new InvalidRequestException("JdbcSink.start needs a store and a config");
        }
        JdbcSink sink = new JdbcSink(store, config);
        sink.thread.start();
        return sink;
    }

    private void run(JdbcSinkConfig config) {
        try {
            while (!stopping) {
                List<RecordedEvent> batch = subscription.poll(config.maxBatchEvents(), Duration.ofMillis(config.pollTimeoutMs()));
                if (!batch.isEmpty()) {
                    applier.apply(batch);
                    position = batch.get(batch.size() - 1).position();
                }
            }
        } catch (StoreClosedException e) {
            if (!stopping) {
                lastError = e.getMessage();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            lastError = e.getMessage() == null ? e.toString() : e.getMessage();
        } finally {
            applier.close();
        }
    }

    /** The log position of the last applied event, {@code -1} before the first. */
    public long position() {
        return position;
    }

    /** Why the sink stopped, if it failed. */
    public java.util.Optional<String> lastError() {
        return java.util.Optional.ofNullable(lastError);
    }

    /** Stops the sink, waiting up to {@code timeout} for the batch in progress. */
    public void close(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        stopping = true;
        subscription.close();
        try {
            thread.join(Math.max(1, timeout.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the sink, waiting up to 30 seconds. */
    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }
}
