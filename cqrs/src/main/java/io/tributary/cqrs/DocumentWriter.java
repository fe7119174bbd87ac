package io.tributary.cqrs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * A projection's view of a {@link DocumentStore} transaction: JSON documents by collection and
 * key. Reads see the transaction's own uncommitted writes; nothing is visible to queries before
 * the transaction commits together with the checkpoint.
 *
 * <p>Used only on the runner's thread, only during {@link Projection#apply}.
 */
public interface DocumentWriter {

    /** The document, with this transaction's writes applied; a copy the caller may change. */
    Optional<ObjectNode> get(String collection, String key);

    /**
     * The document converted to {@code type} (Jackson data binding; unknown properties are ignored).
     * An immutable record put as a document (all its components primitives, strings, boxed
     * numbers, {@code BigDecimal}, {@code UUID}, {@code java.time} values, enums or such records)
     * is kept as it is and returned as the same instance when asked for as its own type.
     */
    <T> Optional<T> get(String collection, String key, Class<T> type);

    /** Creates or replaces a document: an {@link ObjectNode}, or any value Jackson turns into a JSON object. */
    void put(String collection, String key, Object document);

    /** Deletes a document; nothing happens if it does not exist. */
    void delete(String collection, String key);
}
