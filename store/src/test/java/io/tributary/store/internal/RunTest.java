package io.tributary.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.core.RecordedEvent;
import io.tributary.core.StreamName;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RunTest {
    private static final String[] STREAMS = {"order-1", "order-2", "order-10", "orderline-1", "user-1", "user", "order",
        "user-7-x", "ünïcode-1"};
    private static final String[] TYPES = {"cdc.create", "cdc.update", "Placed"};

    @Test
    void visitGivesTheRunsOfTheListForms() {
        SplittableRandom random = new SplittableRandom(11);
        int runsSeen = 0;
        for (int frame = 0; frame < 3_000; frame++) {
            List<RecordedEvent> events = frame(random, random.nextInt(frame < 10 ? 3 : 60));
            List<String> visited = new ArrayList<>();
            try {
                Run.visit(events, new Run.Visitor() {
                    @Override
                    public void version(RecordedEvent first, int count) {
                        visited.add("v " + first.position() + " " + count);
                    }

                    @Override
                    public void category(RecordedEvent first, int count) {
                        visited.add("c " + first.position() + " " + count);
                    }

                    @Override
                    public void type(RecordedEvent first, int count) {
                        visited.add("t " + first.position() + " " + count);
                    }
                });
            } catch (org.rocksdb.RocksDBException e) {
                throw new AssertionError(e);
            }
            List<String> expected = new ArrayList<>();
            Run.of(events).forEach(r -> expected.add("v " + r.first().position() + " " + r.versionCount()));
            Run.ofCategories(events).forEach(r -> expected.add("c " + r.first().position() + " " + r.versionCount()));
            Run.ofTypes(events).forEach(r -> expected.add("t " + r.first().position() + " " + r.versionCount()));
            // Each kind in order; the kinds interleave.
            for (String kind : List.of("v ", "c ", "t ")) {
                assertThat(visited.stream().filter(s -> s.startsWith(kind)).toList())
                        .as("frame %d, %s", frame, events)
                        .isEqualTo(expected.stream().filter(s -> s.startsWith(kind)).toList());
            }
            assertThat(visited).hasSameSizeAs(expected);
            runsSeen += expected.size();
        }
        assertThat(runsSeen).isGreaterThan(20_000);
    }

    /** Events as frames hold them — mostly one stream or category at a time, with gaps, restarts and type changes mixed in. */
    private static List<RecordedEvent> frame(SplittableRandom random, int size) {
        List<RecordedEvent> events = new ArrayList<>();
        long position = random.nextLong(1_000_000);
        String stream = STREAMS[random.nextInt(STREAMS.length)];
        long version = random.nextLong(5);
        String type = TYPES[0];
        for (int i = 0; i < size; i++) {
            int change = random.nextInt(10);
            if (change == 0) {
                stream = STREAMS[random.nextInt(STREAMS.length)];
                version = random.nextLong(5);
            } else if (change == 1) {
                version += 1 + random.nextInt(2); // a gap in versions
            } else if (change == 2) {
                position += 1 + random.nextInt(2); // a gap in positions (events of another frame in between)
            }
            if (random.nextInt(6) == 0) {
                type = TYPES[random.nextInt(TYPES.length)];
            }
            events.add(new RecordedEvent(StreamName.of(stream), version++, position++, new UUID(0, i), type, new byte[0],
                    new byte[0], Instant.EPOCH));
        }
        return events;
    }
}
