package io.tributary.core;

import java.util.List;

/**
 * The outcome of an atomic multi-stream append.
 *
 * @param results  one result per stream, in request order
 * @param position the global position of the request's last event (the consistency token)
 */
public record MultiAppendResult(List<AppendResult> results, long position) {
    /** Copies the list. */
    public MultiAppendResult {
        results = List.copyOf(results);
    }
}
