package io.tributary.cqrs.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.cqrs.DocumentWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * A transaction's writes, kept aside until commit; reads see them over the committed documents.
 *
 * <p>Copies: a document handed to the projection by {@link #get} is its own copy (one deep copy),
 * and a node given to {@link #put} is copied once on the way in, so nothing the projection does
 * to a node it holds changes what is staged or stored. The committed documents this transaction
 * reads are remembered (each read at most once per transaction) and never mutated, so the store may
 * hand out shared, read-only references and reuse them at commit.
 *
 * <p>Documents are kept per collection and key in one entry (staged change, committed read), so a read-modify-write is two hash look-ups and no key concatenation.
 */
final class StagedDocuments implements DocumentWriter {
    /**
     * One staged change; {@code document} empty means deleted, else an {@link ObjectNode} this
     * transaction owns or an immutable record (see {@link Documents#isImmutableRecord}).
     */
    record Change(String collection, String key, Optional<Object> document) {
    }

    /** A committed document this transaction read (read-only). */
    interface ReadConsumer {
        void accept(String collection, String key, Optional<?> document);
    }

    /** Everything this transaction knows of one document. */
    private static final class Entry {
        final String collection;
        final String key;
        /** The committed document as read (a node or an immutable record); null when not read. */
        Optional<?> committed;
        /** The staged document (a node or an immutable record) when {@link #changed}; null means deleted. */
        Object staged;
        boolean changed;

        Entry(String collection, String key) {
            this.collection = collection;
            this.key = key;
        }
    }

    /** Sized for a batch of ~1,000 distinct documents without rehashing. */
    private static final int INITIAL_CAPACITY = 2048;

    /** Reads a committed document; the result is treated as read-only and may be shared. */
    private final BiFunction<String, String, Optional<?>> committed;
    private final Map<String, Map<String, Entry>> collections = new HashMap<>();
    /** Changed entries in the order of their first change. */
    private final List<Entry> changed = new ArrayList<>();
    private String lastCollection;
    private Map<String, Entry> lastEntries;

    StagedDocuments(BiFunction<String, String, Optional<?>> committed) {
        this.committed = committed;
    }

    private Map<String, Entry> entries(String collection) {
        if (collection.equals(lastCollection)) {
            return lastEntries;
        }
        Map<String, Entry> entries = collections.computeIfAbsent(collection, c -> new HashMap<>(INITIAL_CAPACITY));
        lastCollection = collection;
        lastEntries = entries;
        return entries;
    }

    private Entry entry(String collection, String key) {
        Documents.validateName("collection", collection);
        Documents.validateName("key", key);
        Map<String, Entry> entries = entries(collection);
        Entry e = entries.get(key);
        if (e == null) {
            e = new Entry(collection, key);
            entries.put(key, e);
        }
        return e;
    }

    /** The staged or committed document, not copied: callers must not mutate it or hand it out. */
    private Object current(Entry e) {
        if (e.changed) {
            return e.staged;
        }
        if (e.committed == null) {
            e.committed = committed.apply(e.collection, e.key);
        }
        return e.committed.orElse(null);
    }

    @Override
    public Optional<ObjectNode> get(String collection, String key) {
        Entry e = entry(collection, key);
        Object doc = current(e);
        return doc == null ? Optional.empty() : Optional.of(Documents.copyOf(doc));
    }

    @Override
    public <T> Optional<T> get(String collection, String key, Class<T> type) {
        if (type.isAssignableFrom(ObjectNode.class)) {
            // Jackson would return the node itself for a JSON tree type: hand out a copy.
            return get(collection, key).map(d -> Documents.convert(d, type));
        }
        Object doc = current(entry(collection, key));
        if (doc == null) {
            return Optional.empty();
        }
        if (!(doc instanceof ObjectNode) && type.isInstance(doc)) {
            return Optional.of(type.cast(doc)); // an immutable record of that type: shared as it is
        }
        // Data binding builds a new object and does not change the node: no copy needed.
        return Optional.of(Documents.convert(Documents.node(doc), type));
    }

    @Override
    public void put(String collection, String key, Object document) {
        Entry e = entry(collection, key);
        // An immutable record is kept as it is; anything else becomes a JSON tree of its own.
        stage(e, Documents.isImmutableRecord(document) ? document : Documents.toObject(document));
    }

    @Override
    public void delete(String collection, String key) {
        Entry e = entry(collection, key);
        stage(e, null);
    }

    private void stage(Entry e, Object node) {
        if (!e.changed) {
            e.changed = true;
            changed.add(e);
        }
        e.staged = node;
    }

    /** The staged changes, in the order of each document's first change. */
    List<Change> changes() {
        List<Change> out = new ArrayList<>(changed.size());
        for (Entry e : changed) {
            out.add(new Change(e.collection, e.key, Optional.ofNullable(e.staged)));
        }
        return out;
    }

    /**
     * The committed document as this transaction read it (read-only), or null when this
     * transaction did not read it.
     */
    Optional<?> committedAsRead(String collection, String key) {
        Map<String, Entry> entries = collections.get(collection);
        Entry e = entries == null ? null : entries.get(key);
        return e == null ? null : e.committed;
    }

    /** Calls {@code action} with each committed document this transaction read (read-only). */
    void forEachCommittedRead(ReadConsumer action) {
        for (Map<String, Entry> entries : collections.values()) {
            for (Entry e : entries.values()) {
                if (e.committed != null) {
                    action.accept(e.collection, e.key, e.committed);
                }
            }
        }
    }
}
