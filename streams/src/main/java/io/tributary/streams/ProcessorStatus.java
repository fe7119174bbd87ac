package io.tributary.streams;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A snapshot of a running processor, as the server shows it ({@code GET /processors}).
 *
 * @param name            the processor's name
 * @param state           what it is doing
 * @param inputPosition   the log position up to which the processor has processed and committed; -1 before the first
 * @param watermark       the event-time watermark; empty before the first event
 * @param lateEvents      events that arrived after all their windows had closed
 * @param eventsPerSecond input events processed per second, over the last few seconds
 * @param lastError       why it failed, if it did
 */
public record ProcessorStatus(String name, State state, long inputPosition, Optional<Instant> watermark,
                              long lateEvents, double eventsPerSecond, Optional<String> lastError) {
    /** What a processor is doing. */
    public enum State {
        /** Reading the log towards its head. */
        RUNNING,
        /** Stopped after an error; see {@link ProcessorStatus#lastError()}. */
        FAILED,
        /** Closed. */
        STOPPED
    }

    /** Validates. */
    public ProcessorStatus {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(watermark, "watermark");
        Objects.requireNonNull(lastError, "lastError");
    }
}
