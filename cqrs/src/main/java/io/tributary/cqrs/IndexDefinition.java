package io.tributary.cqrs;

import io.tributary.cqrs.internal.Documents;

/**
 * A secondary index of a document store: documents of {@code collection} findable by the value of
 * their top-level {@code field} (equality only). Documents without the field, or with
 * {@code null} in it, are not indexed.
 *
 * @param collection the collection
 * @param field      a top-level field of its documents
 */
public record IndexDefinition(String collection, String field) {
    /** Validates the names. */
    public IndexDefinition {
        Documents.validateName("collection", collection);
        Documents.validateName("field", field);
    }

    /** An index on {@code field} of {@code collection}. */
    public static IndexDefinition of(String collection, String field) {
        return new IndexDefinition(collection, field);
    }

    @Override
    public String toString() {
        return collection + "." + field;
    }
}
