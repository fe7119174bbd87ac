package io.tributary.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RawAppendPeerTest {
    @TempDir
    Path tmp;

    @Test
    void theSegmentedLoopPreparesEachNextSegmentAndMovesOnWhenABatchDoesNotFit() throws Exception {
        Path dir = tmp.resolve("segments");
        // 100 events of 248 bytes = 24,800 bytes per batch; 64 KiB segments hold two batches: 40 batches need 20 segments.
        Map<String, Object> r = RawAppendPeer.runSegmented(dir, 30, 10, 100, new Events(1, 200), 64 << 10);
        assertThat(r.get("events")).isEqualTo(3_000L);
        assertThat(r.get("bytesPerEvent")).isEqualTo(248);
        assertThat((int) r.get("segments")).isEqualTo(20);
        assertThat(Files.exists(dir)).as("the segments are removed").isFalse();
    }

    @Test
    void refusesSegmentsThatDoNotHoldTwoBatches() {
        assertThatThrownBy(() -> RawAppendPeer.runSegmented(tmp.resolve("small"), 1, 0, 1000, new Events(1, 200), 256 << 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("less than two batches");
    }
}
