package io.tributary.examples.iot;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.core.EventData;
import io.tributary.core.RecordedEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.UUID;

/**
 * A sensor reading, appended as {@code ReadingTaken} to the stream {@code sensor-<id>}.
 *
 * @param sensor the sensor id
 * @param value  the measured value
 * @param atMs   when it was measured (event time)
 */
public record Reading(String sensor, double value, long atMs) {
    static final ObjectMapper JSON = new ObjectMapper();

    /** Decodes an event. */
    public static Reading decode(RecordedEvent e) {
        try {
            return JSON.readValue(e.data(), Reading.class);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot decode reading " + e, ex);
        }
    }

    /** This reading as an event. */
    public EventData toEvent() {
        return new EventData(UUID.randomUUID(), "ReadingTaken", json(this), new byte[0]);
    }

    static byte[] json(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
