package io.tributary.cqrs.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.cqrs.DocumentWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/** A transaction's writes, kept aside until commit; reads see them over the committed documents. */
final class StagedDocuments implements DocumentWriter {
    /** One staged change; {@code document} empty means deleted. */
    record Change(String collection, String key, Optional<ObjectNode> document) {
    }

    private final BiFunction<String, String, Optional<ObjectNode>> committed;
    private final Map<String, Change> changes = new LinkedHashMap<>();

    StagedDocuments(BiFunction<String, String, Optional<ObjectNode>> committed) {
        this.committed = committed;
    }

    @Override
    public Optional<ObjectNode> get(String collection, String key) {
        Documents.validateName("collection", collection);
        Documents.validateName("key", key);
        Change c = changes.get(collection + '\0' + key);
        Optional<ObjectNode> doc = c != null ? c.document() : committed.apply(collection, key);
        return doc.map(ObjectNode::deepCopy);
    }

    @Override
    public <T> Optional<T> get(String collection, String key, Class<T> type) {
        return get(collection, key).map(d -> Documents.convert(d, type));
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
}
