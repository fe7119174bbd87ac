package io.tributary.cqrs;

import java.util.SortedMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Injects crashes at commit number {@code failAt}: either after the projection wrote its changes
 * but before the store committed them, or after the store committed (before the runner learned it).
 */
final class FaultyReadModelStore<W> implements ReadModelStore<W> {
    enum When { AFTER_WRITES_BEFORE_COMMIT, AFTER_COMMIT }

    static final class InjectedCrash extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InjectedCrash(String message) {
            super(message);
        }
    }

    private final ReadModelStore<W> delegate;
    private final int failAt;
    private final When when;
    private final AtomicInteger commits = new AtomicInteger();

    FaultyReadModelStore(ReadModelStore<W> delegate, int failAt, When when) {
        this.delegate = delegate;
        this.failAt = failAt;
        this.when = when;
    }

    @Override
    public long checkpoint(String slot) {
        return delegate.checkpoint(slot);
    }

    @Override
    public void commit(String slot, long checkpoint, Consumer<? super W> changes) {
        int n = commits.incrementAndGet();
        if (n == failAt && when == When.AFTER_WRITES_BEFORE_COMMIT) {
            delegate.commit(slot, checkpoint, w -> {
                changes.accept(w);
                throw new InjectedCrash("crash after the writes of commit " + n);
            });
        }
        delegate.commit(slot, checkpoint, changes);
        if (n == failAt) {
            throw new InjectedCrash("crash after commit " + n);
        }
    }

    @Override
    public void reset(String slot, Consumer<? super W> clear) {
        delegate.reset(slot, clear);
    }

    @Override
    public String activeSlot(String projection) {
        return delegate.activeSlot(projection);
    }

    @Override
    public void activate(String projection, String slot) {
        delegate.activate(projection, slot);
    }

    @Override
    public boolean supportsShadowSlots() {
        return delegate.supportsShadowSlots();
    }

    @Override
    public SortedMap<String, String> contents(String slot) {
        return delegate.contents(slot);
    }

    @Override
    public void close() {
        // the delegate outlives the crash
    }
}
