package io.tributary.streams.internal;

import io.tributary.streams.Serde;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A named key-value store in the blueprint: one instance per task, created on first use and
 * registered for interactive queries.
 */
public final class TableStore<K, V> {
    private final String name;
    private final Optional<Serde<K>> keySerde;
    private final Optional<Serde<V>> valueSerde;

    /** A store {@code name} with these serdes (needed on RocksDB). */
    public TableStore(String name, Optional<Serde<K>> keySerde, Optional<Serde<V>> valueSerde) {
        this.name = name;
        this.keySerde = keySerde;
        this.valueSerde = valueSerde;
    }

    /** The store's name. */
    public String name() {
        return name;
    }

    /** This store in {@code task}. */
    public KvStore<K, V> in(Task task) {
        return task.instance(this, () -> {
            KvStore<K, V> store = task.state().keyValue(name, keySerde, valueSerde);
            task.registerQueryable(name, new Queryable() {
                @Override
                @SuppressWarnings("unchecked")
                public Optional<Object> query(Object key) {
                    return Optional.ofNullable(store.get((K) key));
                }

                @Override
                public Optional<Object> queryByText(String keyText) {
                    AtomicReference<Object> found = new AtomicReference<>();
                    store.forEach((k, v) -> {
                        if (found.get() == null && String.valueOf(k).equals(keyText)) {
                            found.set(v);
                        }
                    });
                    return Optional.ofNullable(found.get());
                }
            });
            return store;
        });
    }
}
