package io.tributary.cdc;

import java.util.Optional;

/**
 * A capture's state, for monitoring (the server shows it at {@code GET /cdc}).
 *
 * @param name           the connector name
 * @param kind           the source kind, {@code postgresql}
 * @param status         what the capture is doing
 * @param sourcePosition the source position (LSN, {@code X/Y}) up to which every change is durable in the log
 * @param lagMs          how far behind the source the log is: time from a transaction's commit to its
 *                       append, of the newest appended transaction; 0 when caught up at a heartbeat
 * @param snapshot       progress of the initial snapshot
 * @param lastError      why the capture failed, when it did (or, restarting, why it lost its source)
 */
public record CdcStatus(String name, String kind, State status, String sourcePosition, long lagMs,
                        SnapshotStatus snapshot, Optional<String> lastError) {

    /** The lifecycle of a capture. */
    public enum State {
        /** Connecting, checking the source, creating the publication and slot. */
        STARTING,
        /** Copying the tables' current rows. */
        SNAPSHOTTING,
        /** Streaming changes from the slot. */
        STREAMING,
        /** Closed by the caller. */
        STOPPED,
        /** Lost its source (see {@code lastError}); waiting to start again ({@link RestartPolicy}). */
        RESTARTING,
        /** Stopped by an error; see {@code lastError}. */
        FAILED
    }

    /**
     * Snapshot progress.
     *
     * @param tables   tables to copy
     * @param rowsDone rows copied so far
     * @param done     whether the snapshot is complete (or was not wanted)
     */
    public record SnapshotStatus(int tables, long rowsDone, boolean done) {
    }
}
