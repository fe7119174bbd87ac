package io.tributary.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Index batches reuse direct buffers from a pool. A batch closed twice (the catch-up at open did: its last flush closed
 * the batch, then its finally again) put its buffers in the pool twice, and two later batches built at once — a large
 * group's prebuilt batch beside the next group's — wrote into each other's keys and values: the index update failed
 * and the store stopped ("newPosition > limit", seen in a CDC snapshot test).
 */
class IndexBatchBuffersTest {
    @TempDir
    Path dir;

    @Test
    void aBatchClosedTwiceGivesItsBuffersBackOnce() {
        try (Index index = Index.open(dir)) {
            Index.Batch b = index.batch();
            b.close();
            b.close();
            Index.Batch x = index.batch();
            Index.Batch y = index.batch();
            assertThat(x.sharesBuffersWith(y)).isFalse();
            x.close();
            y.close();
        }
    }
}
