package io.tributary.streams.internal;

import io.tributary.streams.Serde;
import io.tributary.streams.Window;
import io.tributary.streams.Windowed;
import java.nio.ByteBuffer;
import java.util.Arrays;

/** Windowed keys as the key's bytes followed by start and end (8 bytes each). */
final class WindowedSerde<K> implements Serde<Windowed<K>> {
    private final Serde<K> keys;

    WindowedSerde(Serde<K> keys) {
        this.keys = keys;
    }

    @Override
    public byte[] serialize(Windowed<K> w) {
        byte[] k = keys.serialize(w.key());
        return ByteBuffer.allocate(k.length + 16).put(k).putLong(w.window().startMs()).putLong(w.window().endMs()).array();
    }

    @Override
    public Windowed<K> deserialize(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes, bytes.length - 16, 16);
        long start = b.getLong();
        long end = b.getLong();
        return new Windowed<>(keys.deserialize(Arrays.copyOf(bytes, bytes.length - 16)), new Window(start, end));
    }
}
