package io.tributary.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.cqrs.DocumentStore;
import io.tributary.cqrs.ProjectionRunner;
import java.util.Objects;
import java.util.Optional;

/**
 * A projection the server exposes under {@code /projections/{name}}: its runner (status, lag,
 * read-your-writes waits, reset) and how to look up one read-model document by key for
 * {@code GET /projections/{name}/state/{key}}. Register it with {@link TributaryServer#serve}.
 *
 * @param runner the running projection; the server closes it when the server closes
 * @param lookup finds the read-model document of a key; called on HTTP request threads, so it
 *               must be thread-safe
 */
public record ServedProjection(ProjectionRunner<?> runner, StateLookup lookup) {

    /** Validates that both parts are present. */
    public ServedProjection {
        Objects.requireNonNull(runner, "runner");
        Objects.requireNonNull(lookup, "lookup");
    }

    /** A projection whose state is looked up with {@code lookup}. */
    public static ServedProjection of(ProjectionRunner<?> runner, StateLookup lookup) {
        return new ServedProjection(runner, lookup);
    }

    /**
     * A document-store projection whose state for a key is the document of that key in
     * {@code collection} (of the projection's active slot) in {@code documents}.
     */
    public static ServedProjection documents(ProjectionRunner<?> runner, DocumentStore documents, String collection) {
        Objects.requireNonNull(documents, "documents");
        Objects.requireNonNull(collection, "collection");
        String name = runner.name();
        return new ServedProjection(runner, key -> documents.get(name, collection, key).map(JsonNode.class::cast));
    }

    /** The projection's name, as in the URL. */
    public String name() {
        return runner.name();
    }

    /** Looks up the read-model state of one key. */
    @FunctionalInterface
    public interface StateLookup {
        /**
         * The JSON document of {@code key}, or empty when the read model has none. Runs on a
         * request thread; must be thread-safe and should not block for long.
         */
        Optional<JsonNode> find(String key);
    }
}
