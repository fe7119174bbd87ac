package io.tributary.eventsourcing;

import io.tributary.core.StreamName;
import java.util.OptionalLong;

/**
 * The state of one stream, derived by replaying its events.
 *
 * @param stream          the stream
 * @param state           the state after the last replayed event ({@link Decider#initialState()} if none)
 * @param version         the version of the last replayed event, {@code -1} when there was none
 * @param position        the global position of that event, {@code -1} when there was none
 * @param replayedEvents  how many events were decoded and evolved (after the snapshot, if one was used)
 * @param snapshotVersion the version of the snapshot the replay started from, empty if it started from scratch
 */
public record AggregateState<S>(StreamName stream, S state, long version, long position, long replayedEvents,
                                OptionalLong snapshotVersion) {

    /** True when at least one event was replayed or restored from a snapshot. */
    public boolean exists() {
        return version >= 0;
    }
}
