package io.tributary.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.core.Direction;
import io.tributary.core.EventData;
import io.tributary.core.ExpectedVersion;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StreamMetadata;
import io.tributary.core.StreamName;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the fake does beyond the contract: an injected clock and a guarded reopen. */
class InMemoryEventStoreTest {
    private final StreamName account = StreamName.of("account-1");

    /** A clock the test moves by hand. */
    private static final class ManualClock extends Clock {
        private Instant now = Instant.parse("2024-01-01T00:00:00Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    @Test
    void stampsEventsWithTheInjectedClockAndExpiresThemByIt() {
        // given
        ManualClock clock = new ManualClock();
        try (InMemoryEventStore store = InMemoryEventStore.create(clock, StoreLimits.DEFAULTS)) {
            store.append(account, ExpectedVersion.noStream(), EventData.json("Opened", "{}")).join();
            store.setStreamMetadata(account, StreamMetadata.none().withMaxAge(Duration.ofMinutes(10))).join();

            // when
            clock.advance(Duration.ofMinutes(9));
            List<RecordedEvent> young = store.readStream(account, 0, 10, Direction.FORWARD).events();
            clock.advance(Duration.ofMinutes(1));
            List<RecordedEvent> old = store.readStream(account, 0, 10, Direction.FORWARD).events();

            // then
            assertThat(young).extracting(RecordedEvent::timestamp).containsExactly(Instant.parse("2024-01-01T00:00:00Z"));
            assertThat(old).isEmpty();
        }
    }

    @Test
    void refusesToReopenAStoreThatIsStillOpen() {
        try (InMemoryEventStore store = InMemoryEventStore.create()) {
            assertThatThrownBy(store::reopen).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void reopenSeesTheSameData() {
        InMemoryEventStore store = InMemoryEventStore.create();
        store.append(account, ExpectedVersion.noStream(), EventData.json("Opened", "{}")).join();
        store.close();

        try (InMemoryEventStore reopened = store.reopen()) {
            assertThat(reopened.headPosition()).isZero();
            assertThat(reopened.readStream(account, 0, 10, Direction.FORWARD).events()).hasSize(1);
        }
    }
}
