package io.tributary.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.core.EventData;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The check for an id used twice in one append part, with an open-addressing table of indexes. */
class RepeatedIdTest {
    private static EventData event(UUID id) {
        return new EventData(id, "T", new byte[0], new byte[0]);
    }

    @Test
    void findsARepeatAnywhereAmongManyIds() {
        SplittableRandom r = new SplittableRandom(7);
        for (int n : new int[] {2, 3, 17, 1000, 4096}) {
            List<EventData> events = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                events.add(event(new UUID(r.nextLong(), r.nextLong())));
            }
            assertThat(LogStore.repeatedId(events)).as("%d distinct ids", n).isNull();
            for (int at : new int[] {0, n / 2, n - 1}) {
                List<EventData> withRepeat = new ArrayList<>(events);
                UUID id = events.get(at).eventId();
                withRepeat.add(r.nextInt(withRepeat.size() + 1), event(new UUID(id.getMostSignificantBits(),
                        id.getLeastSignificantBits())));
                assertThat(LogStore.repeatedId(withRepeat)).as("%d ids, repeat of %d", n, at).isEqualTo(id);
            }
        }
    }

    @Test
    void idsWhoseHashesCollideAreStillDistinct() {
        // The same msb*C ^ lsb for every id: all land in one probe chain, none is equal.
        List<EventData> events = new ArrayList<>();
        for (long msb = 1; msb <= 200; msb++) {
            long lsb = msb * 0x9E3779B97F4A7C15L;
            events.add(event(new UUID(msb, lsb)));
        }
        assertThat(LogStore.repeatedId(events)).isNull();
        events.add(event(new UUID(50, 50 * 0x9E3779B97F4A7C15L)));
        assertThat(LogStore.repeatedId(events)).isEqualTo(new UUID(50, 50 * 0x9E3779B97F4A7C15L));
    }
}
