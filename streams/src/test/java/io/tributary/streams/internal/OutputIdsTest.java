package io.tributary.streams.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Output ids must never change between versions (a replay after an upgrade would append its
 * outputs again): the cheaper computation gives exactly the name-based UUID of
 * {@code <name>\0<position>\0<index>} that the processor has always used.
 */
class OutputIdsTest {
    private static UUID reference(String name, long position, int index) {
        return UUID.nameUUIDFromBytes((name + "\u0000" + position + "\u0000" + index).getBytes(StandardCharsets.UTF_8));
    }

    @Property(tries = 2000)
    void givesTheNameBasedUuidOfNamePositionAndIndex(@ForAll String name, @ForAll long position,
                                                      @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int index) {
        OutputIds ids = new OutputIds(name);
        assertThat(ids.id(position, index)).isEqualTo(reference(name, position, index));
        // and again with the same instance (the digest and the buffer are reused)
        assertThat(ids.id(index, 0)).isEqualTo(reference(name, index, 0));
    }

    @Test
    void handlesTheEdgesOfTheNumberRange() {
        OutputIds ids = new OutputIds("nexmark-q0 – ünïcode");
        long[] positions = {Long.MIN_VALUE, Long.MIN_VALUE + 1, -10, -1, 0, 1, 9, 10, 99, 100, Long.MAX_VALUE - 1, Long.MAX_VALUE};
        int[] indexes = {0, 1, 9, 10, 1_000_000_000, Integer.MAX_VALUE};
        for (long p : positions) {
            for (int i : indexes) {
                assertThat(ids.id(p, i)).as("position %d index %d", p, i).isEqualTo(reference("nexmark-q0 – ünïcode", p, i));
            }
        }
    }

    @Test
    void writesDecimalsAsLongToStringDoes() {
        byte[] buffer = new byte[32];
        for (long v : new long[] {Long.MIN_VALUE, -1234567890123L, -1, 0, 7, 42, 1_000_000, Long.MAX_VALUE}) {
            int end = OutputIds.writeDecimal(buffer, 3, v);
            assertThat(new String(buffer, 3, end - 3, StandardCharsets.US_ASCII)).isEqualTo(Long.toString(v));
        }
    }
}
