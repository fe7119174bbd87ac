package io.tributary.examples.personalization;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tributary.core.EventData;
import io.tributary.core.RecordedEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.UUID;

/**
 * What a shopper does, as appended in category {@code shopper} (one stream per user): event types
 * {@code ProductViewed} and {@code ProductPurchased}, data {@code {"product": ..., "atMs": ...}}.
 *
 * @param purchase true for a purchase, false for a view (taken from the event type)
 * @param product  the product
 * @param atMs     when it happened (event time), ms since the epoch
 */
public record Shopping(boolean purchase, String product, long atMs) {
    static final ObjectMapper JSON = new ObjectMapper();
    /** Event type of a view. */
    public static final String VIEWED = "ProductViewed";
    /** Event type of a purchase. */
    public static final String PURCHASED = "ProductPurchased";

    private record Data(String product, long atMs) {
    }

    /** Decodes an event of category {@code shopper}; the type says whether it is a view or a purchase. */
    public static Shopping decode(RecordedEvent e) {
        try {
            Data d = JSON.readValue(e.data(), Data.class);
            return new Shopping(PURCHASED.equals(e.type()), d.product(), d.atMs());
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot decode shopping event " + e, ex);
        }
    }

    /** This action as an event. */
    public EventData toEvent() {
        return new EventData(UUID.randomUUID(), purchase ? PURCHASED : VIEWED, json(new Data(product, atMs)), new byte[0]);
    }

    /** Any value as JSON bytes. */
    static byte[] json(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
