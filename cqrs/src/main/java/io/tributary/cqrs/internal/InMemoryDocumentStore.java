package io.tributary.cqrs.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.cqrs.DocumentStore;
import io.tributary.cqrs.DocumentWriter;
import io.tributary.cqrs.IndexDefinition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Documents in maps. A transaction is staged aside and applied, with its checkpoint, under the
 * one write lock: readers see all of it or none of it.
 */
public final class InMemoryDocumentStore implements DocumentStore {
    private final Set<IndexDefinition> indexes;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    // slot -> collection -> key -> document
    private final Map<String, Map<String, Docs>> slots = new HashMap<>();
    private final Map<String, Long> checkpoints = new HashMap<>();
    private final Map<String, String> aliases = new HashMap<>();

    /**
     * A collection's documents — JSON trees, or immutable records kept as they were put — hashed
     * for point reads and writes, with the keys kept sorted for scans.
     */
    private static final class Docs {
        private final Map<String, Object> byKey = new HashMap<>();
        private final TreeSet<String> keys = new TreeSet<>();

        Object get(String key) {
            return byKey.get(key);
        }

        void put(String key, Object doc) {
            if (byKey.put(key, doc) == null) {
                keys.add(key);
            }
        }

        void remove(String key) {
            if (byKey.remove(key) != null) {
                keys.remove(key);
            }
        }

        /** The documents in key order. */
        void forEach(BiConsumer<String, Object> action) {
            for (String key : keys) {
                action.accept(key, byKey.get(key));
            }
        }
    }

    /** A store with these indexes. Indexes are checked, not materialised: a query scans the collection. */
    public InMemoryDocumentStore(Set<IndexDefinition> indexes) {
        this.indexes = Set.copyOf(indexes);
    }

    @Override
    public long checkpoint(String slot) {
        lock.readLock().lock();
        try {
            return checkpoints.getOrDefault(slot, -1L);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void commit(String slot, long checkpoint, Consumer<? super DocumentWriter> changes) {
        // Only this slot's runner writes it (ReadModelStore: one runner per slot), and its maps are
        // changed only by that runner's commits, under the write lock. So the slot's map is looked
        // up once under the read lock (which also makes earlier commits visible) and then read
        // without it. Stored documents are never mutated in place (a commit replaces them), so
        // the staged reads get them uncopied; StagedDocuments copies what it hands to the projection.
        Map<String, Docs> committed;
        lock.readLock().lock();
        try {
            committed = slots.get(slot);
        } finally {
            lock.readLock().unlock();
        }
        StagedDocuments staged = new StagedDocuments((c, k) -> {
            Docs coll = committed == null ? null : committed.get(c);
            return Optional.ofNullable(coll == null ? null : coll.get(k));
        });
        changes.accept(staged);
        lock.writeLock().lock();
        try {
            Map<String, Docs> data = slots.computeIfAbsent(slot, s -> new HashMap<>());
            String lastCollection = null;
            Docs coll = null;
            for (StagedDocuments.Change c : staged.changes()) {
                if (!c.collection().equals(lastCollection)) {
                    lastCollection = c.collection();
                    coll = data.computeIfAbsent(lastCollection, x -> new Docs());
                }
                if (c.document().isPresent()) {
                    coll.put(c.key(), c.document().get());
                } else {
                    coll.remove(c.key());
                }
            }
            checkpoints.put(slot, checkpoint);
        } finally {
            lock.writeLock().unlock();
        }
    }

    private Optional<ObjectNode> read(String slot, String collection, String key) {
        lock.readLock().lock();
        try {
            Map<String, Docs> data = slots.get(slot);
            Docs coll = data == null ? null : data.get(collection);
            Object doc = coll == null ? null : coll.get(key);
            return doc == null ? Optional.empty() : Optional.of(Documents.copyOf(doc));
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void reset(String slot, Consumer<? super DocumentWriter> clear) {
        lock.writeLock().lock();
        try {
            slots.remove(slot);
            checkpoints.remove(slot);
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public String activeSlot(String projection) {
        lock.readLock().lock();
        try {
            return aliases.getOrDefault(projection, projection);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void activate(String projection, String slot) {
        lock.writeLock().lock();
        try {
            aliases.put(projection, slot);
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public boolean supportsShadowSlots() {
        return true;
    }

    @Override
    public SortedMap<String, String> contents(String slot) {
        lock.readLock().lock();
        try {
            SortedMap<String, String> out = new TreeMap<>();
            slots.getOrDefault(slot, Map.of()).forEach((coll, docs) ->
                    docs.forEach((key, doc) -> out.put(coll + "/" + key, Documents.canonical(Documents.node(doc)))));
            return out;
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public Optional<ObjectNode> get(String projection, String collection, String key) {
        return read(activeSlot(projection), collection, key);
    }

    @Override
    public <T> Optional<T> get(String projection, String collection, String key, Class<T> type) {
        Object doc;
        lock.readLock().lock();
        try {
            Map<String, Docs> data = slots.get(aliases.getOrDefault(projection, projection));
            Docs coll = data == null ? null : data.get(collection);
            doc = coll == null ? null : coll.get(key);
        } finally {
            lock.readLock().unlock();
        }
        if (doc == null) {
            return Optional.empty();
        }
        if (!(doc instanceof ObjectNode) && type.isInstance(doc)) {
            return Optional.of(type.cast(doc)); // an immutable record of that type: shared as it is
        }
        // Data binding builds a new object and does not change the stored tree: no copy needed,
        // except for a tree type, which Jackson would hand out as the stored node itself.
        return Optional.of(Documents.convert(type.isAssignableFrom(ObjectNode.class) ? Documents.copyOf(doc) : Documents.node(doc), type));
    }

    @Override
    public List<ObjectNode> findBy(String projection, String collection, String field, Object value) {
        IndexDefinition index = IndexDefinition.of(collection, field);
        if (!indexes.contains(index)) {
            throw new IllegalArgumentException("no index on " + index + "; declare IndexDefinition.of(\""
                    + collection + "\", \"" + field + "\") when creating the store");
        }
        String wanted = Documents.queryValue(value);
        List<ObjectNode> out = new ArrayList<>();
        for (ObjectNode doc : all(projection, collection)) {
            if (wanted.equals(Documents.indexValue(doc, field))) {
                out.add(doc);
            }
        }
        return out;
    }

    @Override
    public List<ObjectNode> all(String projection, String collection) {
        lock.readLock().lock();
        try {
            Map<String, Docs> data = slots.get(aliases.getOrDefault(projection, projection));
            Docs coll = data == null ? null : data.get(collection);
            List<ObjectNode> out = new ArrayList<>();
            if (coll != null) {
                coll.forEach((k, d) -> out.add(Documents.copyOf(d)));
            }
            return out;
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            slots.clear();
            checkpoints.clear();
        } finally {
            lock.writeLock().unlock();
        }
    }
}
