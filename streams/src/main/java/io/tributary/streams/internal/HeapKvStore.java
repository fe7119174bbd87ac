package io.tributary.streams.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/** A store in the heap; a concurrent map so that queries from other threads see whole values. */
final class HeapKvStore<K, V> implements KvStore<K, V> {
    private final ConcurrentHashMap<K, V> map = new ConcurrentHashMap<>();

    @Override
    public V get(K key) {
        return map.get(key);
    }

    @Override
    public void put(K key, V value) {
        map.put(key, value);
    }

    @Override
    public void delete(K key) {
        map.remove(key);
    }

    @Override
    public void forEach(BiConsumer<K, V> action) {
        map.forEach(action);
    }
}
