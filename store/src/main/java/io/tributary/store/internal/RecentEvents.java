package io.tributary.store.internal;

import io.tributary.core.RecordedEvent;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The newest events in memory, by position, so live subscribers and tail reads need no disk
 * read and no decoding. One writer (the indexer) publishes events before it advances the
 * visible head; readers check that the slot still holds the position they asked for.
 */
final class RecentEvents {
    private final AtomicReferenceArray<RecordedEvent> slots;
    private final int mask;

    /** @param capacity a power of two */
    RecentEvents(int capacity) {
        if (Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two");
        }
        slots = new AtomicReferenceArray<>(capacity);
        mask = capacity - 1;
    }

    void add(RecordedEvent e) {
        slots.lazySet((int) (e.position() & mask), e);
    }

    /** Forgets the event at {@code position} (it was scavenged). */
    void remove(long position) {
        int slot = (int) (position & mask);
        RecordedEvent e = slots.get(slot);
        if (e != null && e.position() == position) {
            slots.compareAndSet(slot, e, null);
        }
    }

    /** The event at {@code position} if it is still held, else null. */
    RecordedEvent get(long position) {
        RecordedEvent e = slots.get((int) (position & mask));
        return e != null && e.position() == position ? e : null;
    }

    int capacity() {
        return mask + 1;
    }
}
