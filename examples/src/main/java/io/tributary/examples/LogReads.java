package io.tributary.examples;

import io.tributary.core.Direction;
import io.tributary.core.EventStore;
import io.tributary.core.ReadFilter;
import io.tributary.core.ReadSlice;
import io.tributary.core.RecordedEvent;
import java.util.ArrayList;
import java.util.List;

/** Reading helpers shared by the examples. */
public final class LogReads {
    private LogReads() {
    }

    /** Every event of the log that matches {@code filter}, in log order, read in pages of 1,000. */
    public static List<RecordedEvent> readAll(EventStore store, ReadFilter filter) {
        List<RecordedEvent> out = new ArrayList<>();
        long from = 0;
        while (true) {
            ReadSlice s = store.readAll(from, 1_000, Direction.FORWARD, filter);
            out.addAll(s.events());
            if (s.isEnd()) {
                return out;
            }
            from = s.next().getAsLong();
        }
    }
}
