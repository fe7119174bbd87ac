package io.tributary.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class InflightIdsTest {
    @Test
    void keepsEveryIdOfTheGroupsTheIdIndexHasNotReached() {
        InflightIds ids = new InflightIds();
        SplittableRandom random = new SplittableRandom(7);
        int groups = 3_000;
        long[][] written = new long[groups + 1][];
        long indexedSeq = 0;
        for (int seq = 1; seq <= groups; seq++) {
            // The id index lags a random 0..40 groups behind the writer.
            indexedSeq = Math.max(indexedSeq, seq - 1 - random.nextInt(41));
            int n = 1 + random.nextInt(300);
            written[seq] = new long[n];
            for (int i = 0; i < n; i++) {
                written[seq][i] = random.nextLong();
                ids.add(written[seq][i], seq, indexedSeq);
            }
            for (long g = indexedSeq + 1; g <= seq; g++) {
                for (long h : written[(int) g]) {
                    assertThat(ids.contains(h)).as("id of group %d (indexed up to %d)", g, indexedSeq).isTrue();
                }
            }
        }
        assertThat(ids.contains(0)).isFalse();
    }

    @Test
    void forgetsIdsOnlyInBulkAndStaysSmallWhenTheIndexKeepsUp() {
        InflightIds ids = new InflightIds();
        for (int seq = 1; seq <= 100_000; seq++) {
            ids.add(seq * 0x9E3779B97F4A7C15L, seq, seq - 1);
        }
        // The oldest ids were dropped in a swap: they are in the index.
        assertThat(ids.contains(0x9E3779B97F4A7C15L)).isFalse();
        assertThat(ids.contains(100_000 * 0x9E3779B97F4A7C15L)).isTrue();
    }
}
