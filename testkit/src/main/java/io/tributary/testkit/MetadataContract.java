package io.tributary.testkit;

import static org.assertj.core.api.Assertions.assertThat;


import io.tributary.core.AppendResult;
import org.awaitility.Awaitility;
import io.tributary.core.Direction;
import io.tributary.core.ExpectedVersion;
import io.tributary.core.ReadSlice;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StreamInfo;
import io.tributary.core.StreamMetadata;
import io.tributary.core.StreamName;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Stream metadata: stored and returned as set, and {@code maxCount}, {@code truncateBefore}, {@code maxAge} hiding events. */
abstract class MetadataContract extends ContractSection {
    private final StreamName account = stream("account-1");

    @Test
    void returnsNoneForStreamsWithoutMetadata() {
        appendEvents(account, 2);

        assertThat(store().getStreamMetadata(account)).isEqualTo(StreamMetadata.none());
        assertThat(store().getStreamMetadata(stream("account-404"))).isEqualTo(StreamMetadata.none());
    }

    @Test
    void returnsTheMetadataThatWasSet() {
        // given
        appendEvents(account, 2);
        StreamMetadata metadata = StreamMetadata.none()
                .withMaxCount(100)
                .withMaxAge(Duration.ofDays(30))
                .withTruncateBefore(1)
                .withCustom("{\"owner\":\"payments\"}".getBytes(StandardCharsets.UTF_8));

        // when
        setMetadata(account, metadata);

        // then
        assertThat(store().getStreamMetadata(account)).isEqualTo(metadata);
        assertThat(store().getStreamMetadata(stream("account-2"))).isEqualTo(StreamMetadata.none());
    }

    @Test
    void replacesTheWholeMetadataOnEachSet() {
        // given
        appendEvents(account, 2);
        setMetadata(account, StreamMetadata.none().withMaxCount(5).withCustom(new byte[] {1, 2, 3}));
        StreamMetadata replacement = StreamMetadata.none().withMaxAge(Duration.ofHours(1));

        // when
        setMetadata(account, replacement);

        // then
        assertThat(store().getStreamMetadata(account)).isEqualTo(replacement);
    }

    @Test
    void maxCountHidesOlderEventsFromStreamReads() {
        // given
        appendEvents(account, 10);
        List<RecordedEvent> before = readStream(account);

        // when
        setMetadata(account, StreamMetadata.none().withMaxCount(3));

        // then: only the three newest remain, with their versions and positions unchanged
        assertThat(readStream(account)).isEqualTo(before.subList(7, 10));
        ReadSlice forward = store().readStream(account, 0, 100, Direction.FORWARD);
        assertThat(versions(forward.events())).containsExactly(7L, 8L, 9L);
        assertThat(forward.next()).isEmpty();
        ReadSlice backward = store().readStream(account, Long.MAX_VALUE, 100, Direction.BACKWARD);
        assertThat(versions(backward.events())).containsExactly(9L, 8L, 7L);
        assertThat(backward.next()).isEmpty();
        assertThat(versions(readStreamPages(account, 0, Direction.FORWARD, 2))).containsExactly(7L, 8L, 9L);
        assertThat(versions(readStreamPages(account, Long.MAX_VALUE, Direction.BACKWARD, 2))).containsExactly(9L, 8L, 7L);
        assertThat(store().streamInfo(account)).contains(new StreamInfo(account, 9, 9));
    }

    @Test
    void maxCountKeepsTheNewestEventsAsTheStreamGrows() {
        // given
        appendEvents(account, 10);
        setMetadata(account, StreamMetadata.none().withMaxCount(3));

        // when: the version check still sees the real last version
        AppendResult result = append(account, ExpectedVersion.exact(9), event("Deposited"));

        // then
        assertThat(result.lastVersion()).isEqualTo(10);
        assertThat(versions(readStream(account))).containsExactly(8L, 9L, 10L);
    }

    @Test
    void truncateBeforeHidesEarlierVersions() {
        // given
        appendEvents(account, 10);
        List<RecordedEvent> before = readStream(account);

        // when
        setMetadata(account, StreamMetadata.none().withTruncateBefore(4));

        // then
        assertThat(readStream(account)).isEqualTo(before.subList(4, 10));
        ReadSlice firstPage = store().readStream(account, 0, 2, Direction.FORWARD);
        assertThat(versions(firstPage.events())).containsExactly(4L, 5L);
        assertThat(firstPage.next()).isEqualTo(OptionalLong.of(6));
        ReadSlice backward = store().readStream(account, Long.MAX_VALUE, 100, Direction.BACKWARD);
        assertThat(versions(backward.events())).isEqualTo(descending(9, 4));
        assertThat(backward.next()).isEmpty();
        assertThat(store().streamInfo(account)).contains(new StreamInfo(account, 9, 9));
    }

    @Test
    void appliesTheStricterOfMaxCountAndTruncateBefore() {
        // given
        appendEvents(account, 10);

        // when / then
        setMetadata(account, StreamMetadata.none().withMaxCount(5).withTruncateBefore(7));
        assertThat(versions(readStream(account))).containsExactly(7L, 8L, 9L);
        setMetadata(account, StreamMetadata.none().withMaxCount(2).withTruncateBefore(3));
        assertThat(versions(readStream(account))).containsExactly(8L, 9L);
    }

    @Test
    void hidesNothingWhenTheLimitsAreWide() {
        appendEvents(account, 4);

        setMetadata(account, StreamMetadata.none().withMaxCount(10).withTruncateBefore(0).withMaxAge(Duration.ofDays(1)));

        assertThat(versions(readStream(account))).containsExactly(0L, 1L, 2L, 3L);
    }

    @Test
    void maxAgeHidesEventsOnceTheyAreOlderThanTheAge() {
        // given: two events, and a maximum age of two seconds
        long start = System.nanoTime();
        appendEvents(account, 2);
        setMetadata(account, StreamMetadata.none().withMaxAge(Duration.ofSeconds(2)));
        assertThat(versions(readStream(account))).as("young events are visible").containsExactly(0L, 1L);

        // when the events grow older than that
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> store().readStream(account, 0, 10, Direction.FORWARD).events().isEmpty());
        Duration hiddenAfter = Duration.ofNanos(System.nanoTime() - start);

        // then: they were not hidden too early, the stream still exists, and new events are visible
        assertThat(hiddenAfter).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(store().streamInfo(account)).contains(new StreamInfo(account, 1, 1));
        AppendResult result = append(account, ExpectedVersion.exact(1), event("Deposited"));
        assertThat(result.lastVersion()).isEqualTo(2);
        assertThat(versions(readStream(account))).containsExactly(2L);
    }
}
