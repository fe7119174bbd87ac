package io.tributary.cqrs.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.cqrs.DocumentWriter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * A transaction's writes, kept aside until commit; reads see them over the committed documents.
 *
 * <p>Copies: a document handed to the projection by {@link #get} is its own copy (one deep copy),
 * and a node given to {@link #put} is copied once on the way in. The committed documents this
 * transaction reads are remembered (each read at most once per transaction) and never mutated,
 * so the store may hand out shared, read-only references and reuse them at commit.
 */
final class StagedDocuments implements DocumentWriter {
    /** One staged change; {@code document} empty means deleted. */
    record Change(String collection, String key, Optional<ObjectNode> document) {
    }

    /** Reads a committed document; the result is treated as read-only and may be shared. */
    private final BiFunction<String, String, Optional<ObjectNode>> committed;
    private final Map<String, Change> changes = new LinkedHashMap<>();
    /** Committed documents read during this transaction, by collection \0 key; never mutated. */
    private final Map<String, Optional<ObjectNode>> read = new HashMap<>();

    StagedDocuments(BiFunction<String, String, Optional<ObjectNode>> committed) {
        this.committed = committed;
    }

    /** The staged or committed document, not copied: callers must not mutate it or hand it out. */
    private Optional<ObjectNode> current(String collection, String key) {
        Documents.validateName("collection", collection);
        Documents.validateName("key", key);
        String id = collection + '\0' + key;
        Change c = changes.get(id);
        if (c != null) {
            return c.document();
        }
        Optional<ObjectNode> doc = read.get(id);
        if (doc == null) {
            doc = committed.apply(collection, key);
            read.put(id, doc);
        }
        return doc;
    }

    @Override
    public Optional<ObjectNode> get(String collection, String key) {
        return current(collection, key).map(ObjectNode::deepCopy);
    }

    @Override
    public <T> Optional<T> get(String collection, String key, Class<T> type) {
        if (type.isAssignableFrom(ObjectNode.class)) {
            // Jackson would return the node itself for a JSON tree type: hand out a copy.
            return get(collection, key).map(d -> Documents.convert(d, type));
        }
        // Data binding builds a new object and does not change the node: no copy needed.
        return current(collection, key).map(d -> Documents.convert(d, type));
    }

    @Override
    public void put(String collection, String key, Object document) {
        Documents.validateName("collection", collection);
        Documents.validateName("key", key);
        changes.put(collection + '\0' + key, new Change(collection, key, Optional.of(Documents.toObject(document))));
    }

    @Override
    public void delete(String collection, String key) {
        Documents.validateName("collection", collection);
        Documents.validateName("key", key);
        changes.put(collection + '\0' + key, new Change(collection, key, Optional.empty()));
    }

    Iterable<Change> changes() {
        return changes.values();
    }

    /**
     * The committed document as this transaction read it (read-only), or null when this
     * transaction did not read it.
     */
    Optional<ObjectNode> committedAsRead(String collection, String key) {
        return read.get(collection + '\0' + key);
    }

    /** The committed documents this transaction read, by collection \0 key (read-only). */
    Map<String, Optional<ObjectNode>> committedRead() {
        return read;
    }
}
