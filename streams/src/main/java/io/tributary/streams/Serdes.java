package io.tributary.streams;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/** Serdes for common types. */
public final class Serdes {
    private Serdes() {
    }

    /** UTF-8 strings. */
    public static Serde<String> string() {
        return of(s -> s.getBytes(StandardCharsets.UTF_8), b -> new String(b, StandardCharsets.UTF_8));
    }

    /** Longs as 8 big-endian bytes. */
    public static Serde<Long> longs() {
        return of(v -> ByteBuffer.allocate(8).putLong(v).array(), b -> ByteBuffer.wrap(b).getLong());
    }

    /** Integers as 4 big-endian bytes. */
    public static Serde<Integer> integers() {
        return of(v -> ByteBuffer.allocate(4).putInt(v).array(), b -> ByteBuffer.wrap(b).getInt());
    }

    /** Doubles as 8 big-endian bytes of their IEEE 754 bits. */
    public static Serde<Double> doubles() {
        return of(v -> ByteBuffer.allocate(8).putDouble(v).array(), b -> ByteBuffer.wrap(b).getDouble());
    }

    /** A serde from two functions. */
    public static <T> Serde<T> of(Function<T, byte[]> serializer, Function<byte[], T> deserializer) {
        return new Serde<>() {
            @Override
            public byte[] serialize(T value) {
                return serializer.apply(value);
            }

            @Override
            public T deserialize(byte[] bytes) {
                return deserializer.apply(bytes);
            }
        };
    }
}
