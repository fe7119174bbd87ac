package io.tributary.streams.internal;

import io.tributary.streams.Serde;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * A named key-value store in the blueprint: one instance per task, created on first use and
 * registered for interactive queries.
 */
public final class TableStore<K, V> {
    private final String name;
    private final Optional<Serde<K>> keySerde;
    private final Optional<Serde<V>> valueSerde;
    private final Function<V, ?> view;

    /** A store {@code name} with these serdes (needed on RocksDB). */
    public TableStore(String name, Optional<Serde<K>> keySerde, Optional<Serde<V>> valueSerde) {
        this(name, keySerde, valueSerde, Function.identity());
    }

    /** A store whose queries answer {@code view(value)} (an aggregate's result rather than its state). */
    public TableStore(String name, Optional<Serde<K>> keySerde, Optional<Serde<V>> valueSerde, Function<V, ?> view) {
        this.name = name;
        this.keySerde = keySerde;
        this.valueSerde = valueSerde;
        this.view = view;
    }

    /** The store's name. */
    public String name() {
        return name;
    }

    /**
     * The key of this store in {@code task} whose text form ({@code String.valueOf}) is the given
     * text, or null (a scan: for queries by text, such as the HTTP API's).
     */
    public Function<String, K> textKeys(Task task) {
        KvStore<K, V> store = in(task);
        return text -> {
            AtomicReference<K> found = new AtomicReference<>();
            store.forEach((k, v) -> {
                if (found.get() == null && String.valueOf(k).equals(text)) {
                    found.set(k);
                }
            });
            return found.get();
        };
    }

    /** This store in {@code task}. */
    public KvStore<K, V> in(Task task) {
        return task.instance(this, () -> {
            KvStore<K, V> store = task.state().keyValue(name, keySerde, valueSerde);
            task.registerQueryable(name, new Queryable() {
                @Override
                @SuppressWarnings("unchecked")
                public Optional<Object> query(Object key) {
                    V v = store.get((K) key);
                    return v == null ? Optional.empty() : Optional.of(view.apply(v));
                }

                @Override
                public Optional<Object> queryByText(String keyText) {
                    AtomicReference<Object> found = new AtomicReference<>();
                    store.forEach((k, v) -> {
                        if (found.get() == null && String.valueOf(k).equals(keyText)) {
                            found.set(view.apply(v));
                        }
                    });
                    return Optional.ofNullable(found.get());
                }
            });
            return store;
        });
    }
}
