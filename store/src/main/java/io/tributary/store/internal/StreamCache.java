package io.tributary.store.internal;

import java.util.LinkedHashMap;

/**
 * The writer's view of stream versions: an LRU of recent streams. Entries whose changes are
 * not yet in the index are never evicted (the index could not answer for them yet).
 */
final class StreamCache {
    private record Entry(StreamRecord record, long seq) {
    }

    private final int capacity;
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(1024, 0.75f, true);

    StreamCache(int capacity) {
        this.capacity = capacity;
    }

    StreamRecord get(String name) {
        Entry e = entries.get(name);
        return e == null ? null : e.record();
    }

    void put(String name, StreamRecord record, long seq, long indexedSeq) {
        entries.put(name, new Entry(record, seq));
        // Evicts in batches (down to the capacity once it is 1/16 over): one pass over the least
        // recently used instead of an iterator per put when every put brings a new stream (CDC).
        if (entries.size() > capacity + Math.max(1, capacity >> 4)) {
            var it = entries.values().iterator();
            // From the least recently used; skip those the index does not have yet.
            int budget = 2 * (entries.size() - capacity) + 16;
            for (int scanned = 0; it.hasNext() && entries.size() > capacity && scanned < budget; scanned++) {
                if (it.next().seq() <= indexedSeq) {
                    it.remove();
                }
            }
        }
    }
}
