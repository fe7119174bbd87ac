package io.tributary.core;

import java.util.List;
import java.util.OptionalLong;

/**
 * One page of a read.
 *
 * @param events the events, in the direction of the read
 * @param next   where to continue (a version for stream reads, a position for global reads),
 *               empty when the read reached the end (forward: the head at the time of the
 *               read; backward: the start)
 */
public record ReadSlice(List<RecordedEvent> events, OptionalLong next) {
    /** Copies the list. */
    public ReadSlice {
        events = List.copyOf(events);
    }

    /** True when there is nothing more to read in this direction right now. */
    public boolean isEnd() {
        return next.isEmpty();
    }
}
