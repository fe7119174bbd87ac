package io.tributary.cqrs;

import java.util.SortedMap;
import java.util.function.Consumer;

/**
 * Where projections keep their read models and checkpoints, changed together in one atomic
 * transaction: after a crash a projection's read model is exactly the effect of the events up
 * to its checkpoint, never more and never less.
 *
 * <p>Data is kept in <em>slots</em>. A projection normally writes to the slot named after it;
 * a shadow rebuild writes into another slot and {@link #activate}s it when it has caught up, so
 * readers switch from one complete read model to the other in one step.
 *
 * <p>Implementations: {@link DocumentStore#inMemory}, {@link DocumentStore#rocksDb} and
 * {@link JdbcReadModelStore#postgres}. Thread-safe; but only one runner may write to a slot.
 *
 * @param <W> the writer a projection changes the read model through
 */
public interface ReadModelStore<W> extends AutoCloseable {

    /** The last log position whose effect is in {@code slot}, {@code -1} when none. */
    long checkpoint(String slot);

    /**
     * Runs {@code changes} against {@code slot} and records {@code checkpoint}, all or nothing.
     * When {@code changes} throws, nothing of it is kept and the exception propagates.
     */
    void commit(String slot, long checkpoint, Consumer<? super W> changes);

    /**
     * Deletes everything in {@code slot} and its checkpoint, atomically; {@code clear} is run in
     * the same transaction by stores that cannot find a slot's data on their own (JDBC).
     */
    void reset(String slot, Consumer<? super W> clear);

    /** The slot readers of {@code projection} see: the projection's name until another slot is activated. */
    String activeSlot(String projection);

    /**
     * Makes {@code slot} the one readers of {@code projection} see, in one atomic step.
     *
     * @throws UnsupportedOperationException when the store keeps one slot per projection
     */
    void activate(String projection, String slot);

    /** Whether {@link #activate} is supported (needed by shadow rebuilds). */
    boolean supportsShadowSlots();

    /**
     * Everything in {@code slot} as canonical text by key ({@code collection/key} to JSON with
     * sorted properties), for diff reports and tests. Holds the whole slot in memory.
     *
     * @throws UnsupportedOperationException when the store cannot enumerate a slot
     */
    SortedMap<String, String> contents(String slot);

    /** Releases the store's resources. */
    @Override
    void close();
}
