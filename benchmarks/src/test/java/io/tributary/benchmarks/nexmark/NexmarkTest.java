package io.tributary.benchmarks.nexmark;

import io.tributary.core.EventView;
import io.tributary.store.internal.FrameView;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class NexmarkTest {

    @Nested
    class Generator {
        @Test
        void givesTheSameEventsForTheSameSeed() {
            NexmarkGenerator a = new NexmarkGenerator(NexmarkConfig.defaults(2000, 7));
            NexmarkGenerator b = new NexmarkGenerator(NexmarkConfig.defaults(2000, 7));
            NexmarkGenerator other = new NexmarkGenerator(NexmarkConfig.defaults(2000, 8));
            int differ = 0;
            for (long n = 0; n < 2000; n++) {
                assertThat(a.event(n)).isEqualTo(b.event(n));
                if (!a.event(n).equals(other.event(n))) {
                    differ++;
                }
            }
            assertThat(differ).isGreaterThan(1900);
        }

        @Test
        void makesOnePersonThreeAuctionsAndFortySixBidsOfEveryFiftyEventsInTimeOrder() {
            NexmarkGenerator g = new NexmarkGenerator(NexmarkConfig.defaults(5000, 1));
            Map<Class<?>, Integer> counts = new HashMap<>();
            long last = Long.MIN_VALUE;
            for (long n = 0; n < 5000; n++) {
                NexmarkEvent e = g.event(n);
                counts.merge(e.getClass(), 1, Integer::sum);
                assertThat(e.dateTime()).isGreaterThanOrEqualTo(last);
                last = e.dateTime();
            }
            assertThat(counts).containsEntry(Person.class, 100).containsEntry(Auction.class, 300).containsEntry(Bid.class, 4600);
        }

        @Test
        void eventsSurviveTheCodec() {
            NexmarkGenerator g = new NexmarkGenerator(NexmarkConfig.defaults(200, 3));
            for (long n = 0; n < 200; n++) {
                NexmarkEvent e = g.event(n);
                assertThat(EventCodec.decode(EventCodec.encode(e))).isEqualTo(e);
            }
        }
    }

    @Nested
    class LogInput {
        private final NexmarkConfig config = NexmarkConfig.defaults(20_000, 11);

        @Test
        void framesHoldTheEventsAndTheirViewsDecodeToThem() {
            EncodedEvents events = EncodedEvents.generate(config);
            LogFrames frames = LogFrames.encode(events);
            assertThat(frames.events()).isEqualTo(events.size());
            FrameView view = new FrameView();
            int n = 0;
            for (java.nio.ByteBuffer f : frames.frames()) {
                view.open(f, 0);
                while (view.next()) {
                    EventView e = view.current();
                    assertThat(e.position()).isEqualTo(n);
                    assertThat(e.type()).isEqualTo(EventCodec.kind(events.data(n)));
                    assertThat(EventCodec.decode(e)).isEqualTo(EventCodec.decode(events.data(n)));
                    assertThat(e.toRecordedEvent()).isEqualTo(LogFrames.record(events, n, e.timestamp()));
                    n++;
                }
            }
            assertThat(n).isEqualTo(events.size());
        }

        @ParameterizedTest
        @EnumSource(Query.class)
        void everyQueryGivesTheSameResultsFromFramesAsFromRecords(Query query) {
            Results fromFrames = new Results(query);
            TributaryQueries.run(query, config, LogFrames.encode(EncodedEvents.generate(config)), fromFrames);
            Results fromRecords = new Results(query);
            TributaryQueries.runRecords(query, config, EncodedEvents.generate(config), fromRecords);
            assertThat(fromFrames.canonicalRows()).isEqualTo(fromRecords.canonicalRows()).isNotEmpty();
        }
    }

    @Nested
    class Q7 {
        // 20,000 events 1 ms apart: two 10 s windows
        private final NexmarkConfig config = new NexmarkConfig(20_000, 5, NexmarkConfig.DEFAULT_BASE_TIME_MS, 1000, 1000, 100, 2, 4, 4);

        @Test
        void tributaryGivesTheHighestBidsOfEveryWindow() {
            Results out = new Results(Query.Q7);
            TributaryQueries.run(Query.Q7, config, LogFrames.encode(EncodedEvents.generate(config)), out);
            assertThat(out.canonicalRows()).isEqualTo(expected()).hasSizeGreaterThanOrEqualTo(2);
            Results records = new Results(Query.Q7);
            TributaryQueries.runRecords(Query.Q7, config, EncodedEvents.generate(config), records);
            assertThat(records.canonicalRows()).isEqualTo(expected());
        }

        /** The highest-priced bids per 10 s window, computed by brute force. */
        private List<String> expected() {
            NexmarkGenerator g = new NexmarkGenerator(config);
            Map<Long, List<Bid>> top = new HashMap<>();
            for (long n = 0; n < config.events(); n++) {
                if (g.event(n) instanceof Bid b) {
                    long start = b.dateTime() - Math.floorMod(b.dateTime(), Query.TUMBLE.toMillis());
                    List<Bid> list = top.computeIfAbsent(start, s -> new ArrayList<>());
                    if (!list.isEmpty() && b.price() > list.get(0).price()) {
                        list.clear();
                    }
                    if (list.isEmpty() || b.price() == list.get(0).price()) {
                        list.add(b);
                    }
                }
            }
            List<String> rows = new ArrayList<>();
            top.forEach((start, bids) -> bids.forEach(b -> rows.add(new Values.Q7Row(start, b.auction(), b.price(), b.bidder(),
                    b.dateTime()).row())));
            Collections.sort(rows);
            return rows;
        }
    }
}
