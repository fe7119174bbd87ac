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
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;

/**
 * Documents in maps. A transaction is staged aside and applied, with its checkpoint, under the
 * one write lock: readers see all of it or none of it.
 */
public final class InMemoryDocumentStore implements DocumentStore {
    private final Set<IndexDefinition> indexes;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    // slot -> collection -> key -> document
    private final Map<String, Map<String, TreeMap<String, ObjectNode>>> slots = new HashMap<>();
    private final Map<String, Long> checkpoints = new HashMap<>();
    private final Map<String, String> aliases = new HashMap<>();

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
        // Only this slot's runner writes it, so reading committed documents without the lock held
        // across the whole transaction is safe; the lock is held for each read and for the apply.
        StagedDocuments staged = new StagedDocuments((c, k) -> read(slot, c, k));
        changes.accept(staged);
        lock.writeLock().lock();
        try {
            Map<String, TreeMap<String, ObjectNode>> data = slots.computeIfAbsent(slot, s -> new HashMap<>());
            for (StagedDocuments.Change c : staged.changes()) {
                if (c.document().isPresent()) {
                    data.computeIfAbsent(c.collection(), x -> new TreeMap<>()).put(c.key(), c.document().get());
                } else {
                    TreeMap<String, ObjectNode> coll = data.get(c.collection());
                    if (coll != null) {
                        coll.remove(c.key());
                    }
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
            Map<String, TreeMap<String, ObjectNode>> data = slots.get(slot);
            TreeMap<String, ObjectNode> coll = data == null ? null : data.get(collection);
            return Optional.ofNullable(coll == null ? null : coll.get(key)).map(ObjectNode::deepCopy);
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
                    docs.forEach((key, doc) -> out.put(coll + "/" + key, Documents.canonical(doc))));
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
        return get(projection, collection, key).map(d -> Documents.convert(d, type));
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
            Map<String, TreeMap<String, ObjectNode>> data = slots.get(aliases.getOrDefault(projection, projection));
            TreeMap<String, ObjectNode> coll = data == null ? null : data.get(collection);
            List<ObjectNode> out = new ArrayList<>();
            if (coll != null) {
                coll.values().forEach(d -> out.add(d.deepCopy()));
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
