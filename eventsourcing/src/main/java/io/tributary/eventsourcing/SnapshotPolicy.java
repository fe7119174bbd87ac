package io.tributary.eventsourcing;

import java.time.Duration;
import java.util.Objects;

/**
 * When the repository writes a snapshot of an aggregate's state, after it handled a command.
 *
 * @see SnapshotSettings
 */
public sealed interface SnapshotPolicy
        permits SnapshotPolicy.EveryEvents, SnapshotPolicy.ReplayLongerThan, SnapshotPolicy.Either {

    /**
     * Says whether to snapshot now.
     *
     * @param eventsSinceSnapshot events in the stream after the newest usable snapshot (all of them if none)
     * @param replayTime          how long loading the state took before the command
     */
    boolean shouldSnapshot(long eventsSinceSnapshot, Duration replayTime);

    /** Snapshot once {@code events} events have been recorded since the last snapshot. */
    static SnapshotPolicy everyEvents(long events) {
        return new EveryEvents(events);
    }

    /** Snapshot when loading the state took longer than {@code replayTime} (measured with the repository's clock). */
    static SnapshotPolicy whenReplayLongerThan(Duration replayTime) {
        return new ReplayLongerThan(replayTime);
    }

    /** Snapshot when this policy or {@code other} says so. */
    default SnapshotPolicy or(SnapshotPolicy other) {
        return new Either(this, other);
    }

    /**
     * Every {@code events} events.
     *
     * @param events at least 1
     */
    record EveryEvents(long events) implements SnapshotPolicy {
        /** Validates the count. */
        public EveryEvents {
            if (events < 1) {
                throw new IllegalArgumentException("snapshot interval must be at least 1 event, got " + events);
            }
        }

        @Override
        public boolean shouldSnapshot(long eventsSinceSnapshot, Duration replayTime) {
            return eventsSinceSnapshot >= events;
        }
    }

    /**
     * When a replay took longer than {@code replayTime}.
     *
     * @param replayTime a positive duration
     */
    record ReplayLongerThan(Duration replayTime) implements SnapshotPolicy {
        /** Validates the duration. */
        public ReplayLongerThan {
            Objects.requireNonNull(replayTime, "replayTime");
            if (replayTime.isNegative() || replayTime.isZero()) {
                throw new IllegalArgumentException("replay time threshold must be positive, got " + replayTime);
            }
        }

        @Override
        public boolean shouldSnapshot(long eventsSinceSnapshot, Duration replayTime) {
            return eventsSinceSnapshot > 0 && replayTime.compareTo(this.replayTime) > 0;
        }
    }

    /**
     * When either policy says so.
     *
     * @param first  one policy
     * @param second the other
     */
    record Either(SnapshotPolicy first, SnapshotPolicy second) implements SnapshotPolicy {
        /** Validates the parts. */
        public Either {
            Objects.requireNonNull(first, "first");
            Objects.requireNonNull(second, "second");
        }

        @Override
        public boolean shouldSnapshot(long eventsSinceSnapshot, Duration replayTime) {
            return first.shouldSnapshot(eventsSinceSnapshot, replayTime) || second.shouldSnapshot(eventsSinceSnapshot, replayTime);
        }
    }
}
