package io.tributary.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.core.RecordedEvent;
import io.tributary.core.StreamName;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SseFrameCacheTest {

    private static RecordedEvent event(long position, String data) {
        return new RecordedEvent(StreamName.of("s-1"), position, position, UUID.randomUUID(), "T",
                data.getBytes(StandardCharsets.UTF_8), new byte[0], Instant.EPOCH);
    }

    @Test
    void encodesTheFrameOnceAndSharesIt() {
        SseFrameCache cache = new SseFrameCache(8, 1024, 1 << 20);
        RecordedEvent e = event(5, "{\"a\":1}");
        byte[] first = cache.frame(e);
        assertThat(first).isEqualTo(SseFrameCache.encode(e));
        assertThat(new String(first, StandardCharsets.UTF_8)).startsWith("id: 5\nevent: event\ndata: {").endsWith("}\n\n");
        assertThat(cache.frame(e)).isSameAs(first);
        assertThat(cache.totalBytes()).isEqualTo(first.length);
    }

    @Test
    void aSlotReusedByAnotherPositionOrEventIsNotServed() {
        SseFrameCache cache = new SseFrameCache(8, 1024, 1 << 20);
        RecordedEvent a = event(3, "{\"n\":\"a\"}");
        RecordedEvent b = event(11, "{\"n\":\"b\"}");       // same slot (11 & 7 == 3)
        byte[] fa = cache.frame(a);
        assertThat(cache.frame(b)).isEqualTo(SseFrameCache.encode(b));
        assertThat(cache.frame(a)).isEqualTo(fa).isNotSameAs(fa);   // evicted, re-encoded
        RecordedEvent otherAtSamePosition = event(3, "{\"n\":\"c\"}");
        assertThat(cache.frame(otherAtSamePosition)).isEqualTo(SseFrameCache.encode(otherAtSamePosition));
        assertThat(cache.totalBytes()).isEqualTo(SseFrameCache.encode(otherAtSamePosition).length);
    }

    @Test
    void staysWithinItsByteBounds() {
        SseFrameCache cache = new SseFrameCache(64, 1000, 1000);
        RecordedEvent big = event(1, "{\"x\":\"" + "y".repeat(2000) + "\"}");
        byte[] f = cache.frame(big);
        assertThat(cache.frame(big)).isEqualTo(f).isNotSameAs(f);    // too large to keep
        assertThat(cache.totalBytes()).isZero();
        for (int p = 0; p < 64; p++) {
            cache.frame(event(p, "{\"x\":\"" + "y".repeat(10) + "\"}"));
            assertThat(cache.totalBytes()).isLessThanOrEqualTo(1000);
        }
        assertThat(cache.totalBytes()).isPositive();
    }

    @Test
    void rejectsACapacityThatIsNotAPowerOfTwo() {
        assertThatThrownBy(() -> new SseFrameCache(100, 1024, 1024)).isInstanceOf(IllegalArgumentException.class);
    }
}
