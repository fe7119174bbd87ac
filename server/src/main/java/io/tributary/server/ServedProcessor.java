package io.tributary.server;

import io.tributary.streams.StreamProcessor;
import java.util.Objects;

/**
 * A stream processor the server exposes under {@code /processors/{name}}: its status
 * (input position, watermark, late events, rate) and its queryable state stores for
 * {@code GET /processors/{name}/state/{store}/{key}}. Register it with {@link TributaryServer#serve(ServedProcessor)}.
 *
 * <p>State values are written as JSON with Jackson: numbers, strings and booleans as themselves,
 * records and beans as objects of their properties, maps and collections as objects and arrays;
 * a value Jackson cannot write is shown as its {@code toString()} text. A windowed store's entry
 * is the key's open windows, each {@code {"start", "end", "startMs", "endMs", "value"}}.
 *
 * @param processor the running processor; it must run on the server's store, and the server
 *                  closes it (before the store) when the server closes
 */
public record ServedProcessor(StreamProcessor processor) {

    /** Validates that the processor is present. */
    public ServedProcessor {
        Objects.requireNonNull(processor, "processor");
    }

    /** Serves {@code processor}. */
    public static ServedProcessor of(StreamProcessor processor) {
        return new ServedProcessor(processor);
    }

    /** The processor's name, as in the URL. */
    public String name() {
        return processor.status().name();
    }
}
