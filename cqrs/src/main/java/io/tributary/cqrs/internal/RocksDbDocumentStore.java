package io.tributary.cqrs.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.core.StorageException;
import io.tributary.core.StoreClosedException;
import io.tributary.cqrs.DocumentStore;
import io.tributary.cqrs.DocumentWriter;
import io.tributary.cqrs.IndexDefinition;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Snapshot;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * Documents in RocksDB. A transaction is one {@link WriteBatch}: documents, their index entries
 * and the checkpoint are written atomically (RocksDB's write-ahead log makes the batch all or
 * nothing across a crash). Keys, all in the default column family:
 * <pre>
 *   d slot \0 collection \0 key                      -> document JSON
 *   i slot \0 collection \0 field \0 value \0 key    -> (empty)     value = canonical JSON of the field
 *   c slot                                           -> checkpoint (8 bytes, big-endian)
 *   a projection                                     -> active slot
 * </pre>
 * Writes are not fsynced: the process surviving a crash keeps them (the WAL is in the OS), and
 * power loss can only lose whole recent batches together with their checkpoint, which the
 * projection then replays.
 */
public final class RocksDbDocumentStore implements DocumentStore {
    static {
        RocksDB.loadLibrary();
    }

    private final RocksDB db;
    private final Options options;
    private final WriteOptions writeOptions = new WriteOptions();
    private final Set<IndexDefinition> indexes;
    /** The collections with at least one index: only their changes need the old document. */
    private final Set<String> indexedCollections;
    private final ReadWriteLock closeLock = new ReentrantReadWriteLock();
    private boolean closed;
    /**
     * Committed documents (empty: known absent) by slot \0 collection \0 key, for the runners'
     * reads, least recently used evicted; guarded by itself. Filled and updated only by commit,
     * right after its write and under this lock, and cleared by reset under this lock, so it never
     * holds a document older than RocksDB's. Its documents are shared and never mutated. Queries
     * do not use it.
     */
    private final Map<String, Optional<ObjectNode>> cache = new LinkedHashMap<>(1024, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Optional<ObjectNode>> eldest) {
            return size() > CACHE_DOCUMENTS;
        }
    };
    private static final int CACHE_DOCUMENTS = 16_384;

    private RocksDbDocumentStore(RocksDB db, Options options, Set<IndexDefinition> indexes) {
        this.db = db;
        this.options = options;
        this.indexes = Set.copyOf(indexes);
        this.indexedCollections = this.indexes.stream().map(IndexDefinition::collection).collect(Collectors.toUnmodifiableSet());
    }

    /** Opens or creates the store in {@code directory}. */
    public static RocksDbDocumentStore open(Path directory, Set<IndexDefinition> indexes) {
        Options options = new Options().setCreateIfMissing(true);
        try {
            Files.createDirectories(directory);
            return new RocksDbDocumentStore(RocksDB.open(options, directory.toString()), options, indexes);
        } catch (RocksDBException | IOException e) {
            options.close();
            throw new StorageException("cannot open the document store in " + directory + ": " + e.getMessage()
                    + " (is another process using it?)", e);
        }
    }

    private static byte[] key(char kind, String... parts) {
        return (kind + String.join("\0", parts)).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] prefix(char kind, String... parts) {
        return (kind + String.join("\0", parts) + "\0").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] prefixEnd(byte[] prefix) {
        byte[] end = Arrays.copyOf(prefix, prefix.length);
        end[end.length - 1] = 1; // the prefix ends with \0; \1 sorts right after every key under it
        return end;
    }

    private void enter() {
        closeLock.readLock().lock();
        if (closed) {
            closeLock.readLock().unlock();
            throw new StoreClosedException("the document store is closed");
        }
    }

    private void exit() {
        closeLock.readLock().unlock();
    }

    @Override
    public long checkpoint(String slot) {
        enter();
        try {
            byte[] v = db.get(key('c', slot));
            return v == null ? -1 : ByteBuffer.wrap(v).getLong();
        } catch (RocksDBException e) {
            throw failure("read the checkpoint of " + slot, e);
        } finally {
            exit();
        }
    }

    @Override
    public void commit(String slot, long checkpoint, Consumer<? super DocumentWriter> changes) {
        enter();
        try (WriteBatch batch = new WriteBatch()) {
            StagedDocuments staged = new StagedDocuments((c, k) -> runnerDoc(slot, c, k));
            changes.accept(staged);
            List<StagedDocuments.Change> changed = staged.changes();
            Map<String, Optional<ObjectNode>> oldDocs = oldIndexedDocs(slot, staged, changed);
            List<Optional<ObjectNode>> nodes = new ArrayList<>(changed.size());
            for (StagedDocuments.Change c : changed) {
                // An immutable record becomes its JSON tree once, here: stored bytes, index entries, cache.
                Optional<ObjectNode> doc = asNode(c.document());
                nodes.add(doc);
                byte[] docKey = key('d', slot, c.collection(), c.key());
                if (indexedCollections.contains(c.collection())) {
                    // Old index entries go; the old document is the one this batch read, else fetched.
                    Optional<ObjectNode> old = asNode(staged.committedAsRead(c.collection(), c.key()));
                    if (old == null) {
                        old = oldDocs.get(c.collection() + '\0' + c.key());
                    }
                    old.ifPresent(o -> indexEntries(slot, c.collection(), c.key(), o, k -> delete(batch, k)));
                }
                if (doc.isPresent()) {
                    batch.put(docKey, Documents.bytes(doc.get()));
                    indexEntries(slot, c.collection(), c.key(), doc.get(), k -> put(batch, k));
                } else {
                    batch.delete(docKey);
                }
            }
            batch.put(key('c', slot), ByteBuffer.allocate(8).putLong(checkpoint).array());
            synchronized (cache) {
                db.write(writeOptions, batch);
                // Only after the write succeeded: the cache holds committed documents only.
                staged.forEachCommittedRead((c, k, doc) -> cache.put(cacheKey(slot, c, k), asNode(doc)));
                for (int i = 0; i < changed.size(); i++) {
                    StagedDocuments.Change c = changed.get(i);
                    cache.put(cacheKey(slot, c.collection(), c.key()), nodes.get(i));
                }
            }
        } catch (RocksDBException e) {
            throw failure("commit a batch of " + slot, e);
        } finally {
            exit();
        }
    }

    /** A staged or read document as a tree (the runner's reads here are always trees); null stays null. */
    private static Optional<ObjectNode> asNode(Optional<?> doc) {
        return doc == null ? null : doc.map(Documents::node);
    }

    private static String cacheKey(String slot, String collection, String key) {
        return slot + '\0' + collection + '\0' + key;
    }

    /**
     * A committed document for the slot's runner: from the cache, else read from RocksDB. The
     * result is shared and read-only ({@link StagedDocuments} copies what it hands out).
     */
    private Optional<ObjectNode> runnerDoc(String slot, String collection, String key) {
        Optional<ObjectNode> doc;
        synchronized (cache) {
            doc = cache.get(cacheKey(slot, collection, key));
        }
        return doc != null ? doc : committedDoc(slot, collection, key);
    }

    /**
     * The committed documents, by collection \0 key, of changes to indexed collections that the
     * batch did not read (their old index entries must go), from the cache or one multiGet.
     */
    private Map<String, Optional<ObjectNode>> oldIndexedDocs(String slot, StagedDocuments staged,
            List<StagedDocuments.Change> changed) throws RocksDBException {
        if (indexedCollections.isEmpty()) {
            return Map.of();
        }
        Map<String, Optional<ObjectNode>> out = new HashMap<>();
        List<String> missing = new ArrayList<>();
        List<byte[]> missingKeys = new ArrayList<>();
        for (StagedDocuments.Change c : changed) {
            if (indexedCollections.contains(c.collection()) && staged.committedAsRead(c.collection(), c.key()) == null) {
                String id = c.collection() + '\0' + c.key();
                Optional<ObjectNode> doc;
                synchronized (cache) {
                    doc = cache.get(slot + '\0' + id);
                }
                if (doc != null) {
                    out.put(id, doc);
                } else {
                    missing.add(id);
                    missingKeys.add(key('d', slot, c.collection(), c.key()));
                }
            }
        }
        if (!missing.isEmpty()) {
            List<byte[]> values = db.multiGetAsList(missingKeys);
            for (int i = 0; i < missing.size(); i++) {
                byte[] v = values.get(i);
                out.put(missing.get(i), v == null ? Optional.empty() : Optional.of(Documents.parse(v)));
            }
        }
        return out;
    }

    private static void put(WriteBatch batch, byte[] key) {
        try {
            batch.put(key, new byte[0]);
        } catch (RocksDBException e) {
            throw failure("stage an index entry", e);
        }
    }

    private static void delete(WriteBatch batch, byte[] key) {
        try {
            batch.delete(key);
        } catch (RocksDBException e) {
            throw failure("stage an index entry", e);
        }
    }

    private void indexEntries(String slot, String collection, String key, ObjectNode doc, Consumer<byte[]> action) {
        for (IndexDefinition index : indexes) {
            if (index.collection().equals(collection)) {
                String value = Documents.indexValue(doc, index.field());
                if (value != null) {
                    action.accept(key('i', slot, collection, index.field(), value, key));
                }
            }
        }
    }

    private Optional<ObjectNode> committedDoc(String slot, String collection, String key) {
        try {
            byte[] v = db.get(key('d', slot, collection, key));
            return v == null ? Optional.empty() : Optional.of(Documents.parse(v));
        } catch (RocksDBException e) {
            throw failure("read a document of " + slot, e);
        }
    }

    @Override
    public void reset(String slot, Consumer<? super DocumentWriter> clear) {
        enter();
        try (WriteBatch batch = new WriteBatch()) {
            byte[] docs = prefix('d', slot);
            byte[] index = prefix('i', slot);
            batch.deleteRange(docs, prefixEnd(docs));
            batch.deleteRange(index, prefixEnd(index));
            batch.delete(key('c', slot));
            synchronized (cache) {
                db.write(writeOptions, batch);
                cache.keySet().removeIf(k -> k.startsWith(slot + '\0'));
            }
        } catch (RocksDBException e) {
            throw failure("reset " + slot, e);
        } finally {
            exit();
        }
    }

    @Override
    public String activeSlot(String projection) {
        enter();
        try {
            byte[] v = db.get(key('a', projection));
            return v == null ? projection : new String(v, StandardCharsets.UTF_8);
        } catch (RocksDBException e) {
            throw failure("read the active slot of " + projection, e);
        } finally {
            exit();
        }
    }

    @Override
    public void activate(String projection, String slot) {
        enter();
        try {
            db.put(writeOptions, key('a', projection), slot.getBytes(StandardCharsets.UTF_8));
        } catch (RocksDBException e) {
            throw failure("activate " + slot, e);
        } finally {
            exit();
        }
    }

    @Override
    public boolean supportsShadowSlots() {
        return true;
    }

    @Override
    public SortedMap<String, String> contents(String slot) {
        enter();
        try (RocksIterator it = db.newIterator()) {
            SortedMap<String, String> out = new TreeMap<>();
            byte[] p = prefix('d', slot);
            for (it.seek(p); it.isValid() && startsWith(it.key(), p); it.next()) {
                String rest = new String(it.key(), p.length, it.key().length - p.length, StandardCharsets.UTF_8);
                out.put(rest.replace('\0', '/'), Documents.canonical(Documents.parse(it.value())));
            }
            return out;
        } finally {
            exit();
        }
    }

    private static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    @Override
    public Optional<ObjectNode> get(String projection, String collection, String key) {
        Documents.validateName("collection", collection);
        Documents.validateName("key", key);
        String slot = activeSlot(projection);
        enter();
        try {
            return committedDoc(slot, collection, key);
        } finally {
            exit();
        }
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
                    + collection + "\", \"" + field + "\") when opening the store");
        }
        String slot = activeSlot(projection);
        enter();
        Snapshot snapshot = db.getSnapshot();
        try (ReadOptions ro = new ReadOptions().setSnapshot(snapshot); RocksIterator it = db.newIterator(ro)) {
            byte[] p = prefix('i', slot, collection, field, Documents.queryValue(value));
            List<ObjectNode> out = new ArrayList<>();
            for (it.seek(p); it.isValid() && startsWith(it.key(), p); it.next()) {
                byte[] docKey = key('d', slot, collection,
                        new String(it.key(), p.length, it.key().length - p.length, StandardCharsets.UTF_8));
                byte[] doc = db.get(ro, docKey);
                if (doc != null) {
                    out.add(Documents.parse(doc));
                }
            }
            return out;
        } catch (RocksDBException e) {
            throw failure("query " + index, e);
        } finally {
            db.releaseSnapshot(snapshot);
            exit();
        }
    }

    @Override
    public List<ObjectNode> all(String projection, String collection) {
        String slot = activeSlot(projection);
        enter();
        try (RocksIterator it = db.newIterator()) {
            byte[] p = prefix('d', slot, collection);
            List<ObjectNode> out = new ArrayList<>();
            for (it.seek(p); it.isValid() && startsWith(it.key(), p); it.next()) {
                out.add(Documents.parse(it.value()));
            }
            return out;
        } finally {
            exit();
        }
    }

    private static StorageException failure(String what, RocksDBException e) {
        return new StorageException("document store: cannot " + what + ": " + e.getMessage(), e);
    }

    @Override
    public void close() {
        closeLock.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                synchronized (cache) {
                    cache.clear();
                }
                writeOptions.close();
                db.close();
                options.close();
            }
        } finally {
            closeLock.writeLock().unlock();
        }
    }
}
