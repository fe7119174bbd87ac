package io.tributary.eventsourcing;

import java.util.Objects;

/**
 * How a repository snapshots state. A snapshot of stream {@code s} is an event in the stream
 * {@code snapshot-s} (category {@code snapshot}): the state as JSON, with the state's schema
 * version, the aggregate version and position it was taken at and that event's timestamp in the
 * metadata. A snapshot with another state schema version, or one that no longer decodes, is
 * ignored (the state is replayed from the events) — never misread. Raise
 * {@code stateSchemaVersion} whenever the state class changes shape.
 *
 * @param stateType          the state class, serialised with the codec's JSON settings (a record)
 * @param stateSchemaVersion the version of the state's shape, {@code >= 1}
 * @param policy             when to take a snapshot
 * @param keepSnapshots      how many snapshots per stream to keep (older ones expire through
 *                           the snapshot stream's {@code maxCount}), {@code >= 1}
 */
public record SnapshotSettings<S>(Class<S> stateType, int stateSchemaVersion, SnapshotPolicy policy, int keepSnapshots) {
    /** The default number of snapshots kept per stream. */
    public static final int DEFAULT_KEEP_SNAPSHOTS = 5;

    /** Validates the settings. */
    public SnapshotSettings {
        Objects.requireNonNull(stateType, "stateType");
        Objects.requireNonNull(policy, "policy");
        if (stateSchemaVersion < 1) {
            throw new IllegalArgumentException("state schema versions start at 1, got " + stateSchemaVersion);
        }
        if (keepSnapshots < 1) {
            throw new IllegalArgumentException("keepSnapshots must be at least 1, got " + keepSnapshots);
        }
    }

    /** Settings keeping the default number of snapshots. */
    public static <S> SnapshotSettings<S> of(Class<S> stateType, int stateSchemaVersion, SnapshotPolicy policy) {
        return new SnapshotSettings<>(stateType, stateSchemaVersion, policy, DEFAULT_KEEP_SNAPSHOTS);
    }
}
