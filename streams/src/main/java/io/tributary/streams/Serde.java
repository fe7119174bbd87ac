package io.tributary.streams;

/**
 * Turns values into bytes and back, for state stores on disk (RocksDB). Heap state needs none.
 * Implementations must be deterministic (equal values give equal bytes) and thread-safe.
 *
 * @param <T> the value type
 */
public interface Serde<T> {
    /** The bytes of {@code value}. */
    byte[] serialize(T value);

    /** The value encoded in {@code bytes}. */
    T deserialize(byte[] bytes);
}
