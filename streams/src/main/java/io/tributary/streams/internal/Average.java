package io.tributary.streams.internal;

import io.tributary.streams.Serde;
import io.tributary.streams.Serdes;
import java.nio.ByteBuffer;

/** The running sum and count behind an average. */
record Average(double sum, long count) {
    static final Average ZERO = new Average(0, 0);
    static final Serde<Average> SERDE = Serdes.of(
            a -> ByteBuffer.allocate(16).putDouble(a.sum).putLong(a.count).array(),
            b -> {
                ByteBuffer buf = ByteBuffer.wrap(b);
                return new Average(buf.getDouble(), buf.getLong());
            });

    Average add(double value) {
        return new Average(sum + value, count + 1);
    }

    Average merge(Average other) {
        return new Average(sum + other.sum, count + other.count);
    }

    double value() {
        return count == 0 ? 0 : sum / count;
    }
}
