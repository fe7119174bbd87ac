package io.tributary.cqrs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.cqrs.internal.InMemoryDocumentStore;
import io.tributary.cqrs.internal.RocksDbDocumentStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A store of JSON documents by projection, collection and key, with secondary indexes on
 * declared fields for equality queries. Queries read the projection's active slot and see only
 * committed transactions (each one a batch of events together with its checkpoint).
 *
 * <p>Two implementations share one projection API ({@link DocumentWriter}): {@link #inMemory}
 * (a transaction is applied under one lock) and {@link #rocksDb} (a transaction is one RocksDB
 * write batch, documents, index entries and checkpoint together). Thread-safe.
 */
public interface DocumentStore extends ReadModelStore<DocumentWriter> {

    /** A document of {@code projection}; a copy the caller may change. */
    Optional<ObjectNode> get(String projection, String collection, String key);

    /** A document of {@code projection} converted to {@code type}. */
    <T> Optional<T> get(String projection, String collection, String key, Class<T> type);

    /**
     * The documents of {@code collection} whose {@code field} equals {@code value} (compared as
     * JSON: {@code 42} and {@code "42"} differ), in key order.
     *
     * @throws IllegalArgumentException when no index is declared on that field
     */
    List<ObjectNode> findBy(String projection, String collection, String field, Object value);

    /** Every document of {@code collection}, in key order. Holds them all in memory. */
    List<ObjectNode> all(String projection, String collection);

    /** An in-memory store with these indexes; its content is lost on close. */
    static DocumentStore inMemory(IndexDefinition... indexes) {
        return new InMemoryDocumentStore(Set.of(indexes));
    }

    /**
     * Opens (or creates) a RocksDB document store in {@code directory} with these indexes. Indexes
     * are maintained from the moment they are declared: declare a new one and reset the projection
     * to index existing documents.
     *
     * @throws io.tributary.core.StorageException when RocksDB cannot open the directory
     */
    static DocumentStore rocksDb(Path directory, IndexDefinition... indexes) {
        return RocksDbDocumentStore.open(directory, Set.of(indexes));
    }
}
