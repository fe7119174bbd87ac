package io.tributary.server.internal;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Consumer;

/**
 * What a server serves of one kind (projections, stream processors, CDC sources), by name in
 * name order. Thread-safe: items may be added while requests are served.
 */
final class ServedByName<T> {
    private final String kind;
    private final Map<String, T> byName = new ConcurrentSkipListMap<>();

    /** An empty set of items called {@code kind} in messages ("projection", ...). */
    ServedByName(String kind) {
        this.kind = kind;
    }

    /** Adds {@code item}; throws {@link IllegalArgumentException} when one of that name is already there. */
    void add(String name, T item) {
        if (byName.putIfAbsent(name, item) != null) {
            throw new IllegalArgumentException("a " + kind + " named '" + name + "' is already served");
        }
    }

    Optional<T> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    Collection<T> all() {
        return byName.values();
    }

    /** Closes every item with {@code close}, all of them even when some fail; rethrows the first failure. */
    void closeAll(Consumer<T> close) {
        RuntimeException failure = null;
        for (T item : byName.values()) {
            try {
                close.accept(item);
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
