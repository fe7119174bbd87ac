package io.tributary.examples.activity;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.core.EventData;
import io.tributary.core.RecordedEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * What users do, as appended to the log in category {@code activity} (one stream per user):
 * event types {@code PageViewed}, {@code Clicked}, {@code LoginAttempted}, {@code PaymentAttempted}.
 *
 * @param user   the user
 * @param target the page viewed, element clicked, or payment method
 * @param ok     whether a login or payment succeeded (true for views and clicks)
 * @param atMs   when it happened (event time), ms since the epoch
 */
public record Activity(String user, String target, boolean ok, long atMs) {
    static final ObjectMapper JSON = new ObjectMapper();

    /** Decodes an event's data. */
    public static Activity decode(RecordedEvent e) {
        try {
            return JSON.readValue(e.data(), Activity.class);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot decode activity " + e, ex);
        }
    }

    /** This activity as an event of {@code type}. */
    public EventData toEvent(String type) {
        return new EventData(UUID.randomUUID(), type, json(this), new byte[0]);
    }

    /** Any value as JSON bytes. */
    public static byte[] json(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** UTF-8 bytes of a string. */
    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
