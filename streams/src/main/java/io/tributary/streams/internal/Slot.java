package io.tributary.streams.internal;

import io.tributary.streams.Serde;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A window's aggregate and the sequence number of its creation, which orders windows that close
 * at the same time the same way before and after a restart.
 */
record Slot<A>(long seq, A aggregate) {
    static <A> Serde<Slot<A>> serde(Serde<A> aggregates) {
        return new Serde<>() {
            @Override
            public byte[] serialize(Slot<A> slot) {
                byte[] a = aggregates.serialize(slot.aggregate());
                return ByteBuffer.allocate(8 + a.length).putLong(slot.seq()).put(a).array();
            }

            @Override
            public Slot<A> deserialize(byte[] bytes) {
                long seq = ByteBuffer.wrap(bytes).getLong();
                return new Slot<>(seq, aggregates.deserialize(Arrays.copyOfRange(bytes, 8, bytes.length)));
            }
        };
    }
}
