package io.tributary.streams.internal;

import java.util.Optional;

/** A store readable by key from any thread while the task runs (interactive queries). */
public interface Queryable {
    /** The value for {@code key}: the latest value, or for windowed stores a sorted map window → value. */
    Optional<Object> query(Object key);

    /** The value for the key whose text form ({@code String.valueOf}) is {@code keyText}. */
    Optional<Object> queryByText(String keyText);
}
