package io.tributary.cdc;

/** Whether a capture copies the tables' current rows: when it is new, and when its position is lost. */
public enum SnapshotMode {
    /** Copy every selected row as a {@code r} (read) event, then stream changes: the log starts with the full state. */
    INITIAL,
    /** Stream changes only, from the moment the replication slot is created. */
    NEVER,
    /**
     * As {@link #INITIAL}, and again whenever the stored position can no longer be resumed — the PostgreSQL replication
     * slot is gone (dropped, or lost in a failover) or invalidated ({@code max_slot_wal_keep_size}), the MySQL/MariaDB
     * binlog file it names is purged: instead of
     * refusing to start, the capture starts over at the source's present with a new snapshot, and logs a warning. The
     * changes made while nothing captured are then not in the log as events of their own (each row's new {@code r}
     * holds its state as of the new snapshot), a row deleted meanwhile gets no {@code d}, and a transaction that was
     * being appended in chunks when the position was lost stays in the log as far as it got. Other refusals (another
     * server's position, a server that lacks captured transactions) stay refusals.
     */
    WHEN_NEEDED
}
