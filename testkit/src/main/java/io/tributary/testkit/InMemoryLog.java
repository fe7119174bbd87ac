package io.tributary.testkit;

import io.tributary.core.AppendResult;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StreamMetadata;
import io.tributary.core.StreamName;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The data of an {@link InMemoryEventStore}: the global log and the per-stream state. It outlives
 * a store instance so that {@link InMemoryEventStore#reopen()} can simulate a restart.
 *
 * <p>Every field is guarded by {@link #lock}; {@link #changed} is signalled whenever something a
 * subscription may wait for happens (an append, a delete, a close).
 */
final class InMemoryLog {
    final ReentrantLock lock = new ReentrantLock();
    final Condition changed = lock.newCondition();
    /** Every recorded event; the index is the position. */
    final List<RecordedEvent> all = new ArrayList<>();
    /** Streams by name, in name order for listing. */
    final TreeMap<String, StreamState> streams = new TreeMap<>();

    StreamState stream(StreamName name) {
        return streams.get(name.value());
    }

    StreamState streamOrCreate(StreamName name) {
        return streams.computeIfAbsent(name.value(), n -> new StreamState());
    }

    long headPosition() {
        return all.size() - 1L;
    }

    /** One stream's events (soft-deleted ones included, since versions continue) and lifecycle. */
    static final class StreamState {
        /** The index is the version. */
        final List<RecordedEvent> events = new ArrayList<>();
        /** The index is the version: the result of the request that wrote that event. */
        final List<AppendResult> results = new ArrayList<>();
        final Map<UUID, Integer> versionById = new HashMap<>();
        /** The first version of the current incarnation: a soft delete moves it past the last event. */
        long liveFrom;
        boolean tombstoned;
        StreamMetadata metadata = StreamMetadata.none();

        long lastVersion() {
            return events.size() - 1L;
        }

        /** True when the stream has events that are not soft-deleted and it is not tombstoned. */
        boolean live() {
            return !tombstoned && events.size() > liveFrom;
        }

        /** The version an expected-version check compares against: -1 when the stream has no events. */
        long currentVersion() {
            return live() ? lastVersion() : -1;
        }

        /** The lowest version not hidden by a soft delete, {@code truncateBefore} or {@code maxCount}. */
        long firstVisibleVersion() {
            long first = liveFrom;
            if (metadata.truncateBefore().isPresent()) {
                first = Math.max(first, metadata.truncateBefore().getAsLong());
            }
            if (metadata.maxCount().isPresent()) {
                first = Math.max(first, lastVersion() - metadata.maxCount().getAsLong() + 1);
            }
            return first;
        }

        /** Whether the event at {@code version} is readable at {@code now}. */
        boolean visible(long version, Instant now) {
            if (version < firstVisibleVersion() || version > lastVersion()) {
                return false;
            }
            if (metadata.maxAge().isEmpty()) {
                return true;
            }
            Duration age = Duration.between(event(version).timestamp(), now);
            return age.compareTo(metadata.maxAge().get()) < 0;
        }

        /** Whether any version in {@code [from, to]} is readable at {@code now}. */
        boolean anyVisible(long from, long to, Instant now) {
            for (long v = Math.max(from, 0); v <= to && v <= lastVersion(); v++) {
                if (visible(v, now)) {
                    return true;
                }
            }
            return false;
        }

        RecordedEvent event(long version) {
            return events.get(Math.toIntExact(version));
        }
    }
}
