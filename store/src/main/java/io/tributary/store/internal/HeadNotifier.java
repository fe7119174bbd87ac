package io.tributary.store.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/** Wakes subscribers waiting for the log to grow (or for the store to close). */
final class HeadNotifier {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private long version;

    /** A value that changes on every signal; pass it to {@link #await}. */
    long version() {
        lock.lock();
        try {
            return version;
        } finally {
            lock.unlock();
        }
    }

    void signalAll() {
        lock.lock();
        try {
            version++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until a signal after {@code seen}, or until {@code deadlineNanos} (System.nanoTime). */
    void await(long seen, long deadlineNanos) throws InterruptedException {
        lock.lock();
        try {
            while (version == seen) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                changed.await(left, TimeUnit.NANOSECONDS);
            }
        } finally {
            lock.unlock();
        }
    }
}
