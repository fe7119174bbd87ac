package io.tributary.cdc;

/** Whether a new capture first copies the tables' current rows. */
public enum SnapshotMode {
    /** Copy every selected row as a {@code r} (read) event, then stream changes: the log starts with the full state. */
    INITIAL,
    /** Stream changes only, from the moment the replication slot is created. */
    NEVER
}
