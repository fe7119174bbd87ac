package io.tributary.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.core.Direction;
import io.tributary.core.EventData;
import io.tributary.core.ExpectedVersion;
import io.tributary.core.ReadFilter;
import io.tributary.core.ReadSlice;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StreamName;
import io.tributary.core.StreamNotFoundException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Reading one stream forward and backward, from any version, page by page. */
abstract class ReadStreamContract extends ContractSection {
    private final StreamName account = stream("account-1");
    private final StreamName other = stream("account-2");
    private List<EventData> sent;

    /** Ten events in {@code account-1}, interleaved with events of another stream. */
    @BeforeEach
    void writeTenEvents() {
        sent = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            List<EventData> two = events(2, "Deposited");
            append(account, ExpectedVersion.any(), two);
            sent.addAll(two);
            appendEvents(other, 1);
        }
    }

    @Test
    void readsForwardFromTheStart() {
        ReadSlice slice = store().readStream(account, 0, 100, Direction.FORWARD);

        assertThat(versions(slice.events())).isEqualTo(range(0, 9));
        assertThat(ids(slice.events())).isEqualTo(idsOf(sent));
        assertThat(slice.events()).extracting(RecordedEvent::stream).containsOnly(account);
        assertThat(slice.next()).isEmpty();
        assertThat(slice.isEnd()).isTrue();
    }

    @Test
    void readsForwardFromTheMiddleAtMostMaxCountEvents() {
        ReadSlice slice = store().readStream(account, 4, 3, Direction.FORWARD);

        assertThat(versions(slice.events())).containsExactly(4L, 5L, 6L);
        assertThat(slice.next()).isEqualTo(OptionalLong.of(7));
    }

    @Test
    void pagesForwardWithNextUntilTheEnd() {
        ReadSlice first = store().readStream(account, 0, 3, Direction.FORWARD);
        ReadSlice second = store().readStream(account, first.next().getAsLong(), 3, Direction.FORWARD);
        ReadSlice third = store().readStream(account, second.next().getAsLong(), 3, Direction.FORWARD);
        ReadSlice fourth = store().readStream(account, third.next().getAsLong(), 3, Direction.FORWARD);

        assertThat(versions(first.events())).containsExactly(0L, 1L, 2L);
        assertThat(first.next()).isEqualTo(OptionalLong.of(3));
        assertThat(versions(second.events())).containsExactly(3L, 4L, 5L);
        assertThat(versions(third.events())).containsExactly(6L, 7L, 8L);
        assertThat(third.next()).isEqualTo(OptionalLong.of(9));
        assertThat(versions(fourth.events())).containsExactly(9L);
        assertThat(fourth.next()).isEmpty();
    }

    @Test
    void readsBackwardFromLongMaxValueStartingAtTheLastEvent() {
        ReadSlice slice = store().readStream(account, Long.MAX_VALUE, 100, Direction.BACKWARD);

        assertThat(versions(slice.events())).isEqualTo(descending(9, 0));
        assertThat(slice.next()).isEmpty();
    }

    @Test
    void readsBackwardFromTheMiddle() {
        ReadSlice slice = store().readStream(account, 4, 3, Direction.BACKWARD);

        assertThat(versions(slice.events())).containsExactly(4L, 3L, 2L);
        assertThat(slice.next()).isEqualTo(OptionalLong.of(1));
    }

    @Test
    void pagesBackwardWithNextUntilTheStart() {
        ReadSlice first = store().readStream(account, Long.MAX_VALUE, 4, Direction.BACKWARD);
        ReadSlice second = store().readStream(account, first.next().getAsLong(), 4, Direction.BACKWARD);
        ReadSlice third = store().readStream(account, second.next().getAsLong(), 4, Direction.BACKWARD);

        assertThat(versions(first.events())).containsExactly(9L, 8L, 7L, 6L);
        assertThat(first.next()).isEqualTo(OptionalLong.of(5));
        assertThat(versions(second.events())).containsExactly(5L, 4L, 3L, 2L);
        assertThat(versions(third.events())).containsExactly(1L, 0L);
        assertThat(third.next()).isEmpty();
    }

    @Test
    void pagingInEitherDirectionVisitsEveryEventOnce() {
        for (int pageSize : new int[] {1, 2, 5, 10, 11}) {
            assertThat(versions(readStreamPages(account, 0, Direction.FORWARD, pageSize)))
                    .as("forward in pages of %d", pageSize).isEqualTo(range(0, 9));
            assertThat(versions(readStreamPages(account, Long.MAX_VALUE, Direction.BACKWARD, pageSize)))
                    .as("backward in pages of %d", pageSize).isEqualTo(descending(9, 0));
        }
    }

    @Test
    void readsOneEventWithMaxCountOne() {
        ReadSlice forward = store().readStream(account, 9, 1, Direction.FORWARD);
        ReadSlice backward = store().readStream(account, 0, 1, Direction.BACKWARD);

        assertThat(versions(forward.events())).containsExactly(9L);
        assertThat(forward.next()).isEmpty();
        assertThat(versions(backward.events())).containsExactly(0L);
        assertThat(backward.next()).isEmpty();
    }

    @Test
    void readsForwardFromPastTheEndAsAnEmptyFinalSlice() {
        ReadSlice slice = store().readStream(account, 10, 5, Direction.FORWARD);

        assertThat(slice.events()).isEmpty();
        assertThat(slice.next()).isEmpty();
    }

    @Test
    void returnsTheSameEventsAsTheGlobalLog() {
        List<RecordedEvent> fromStream = readStream(account);
        List<RecordedEvent> fromAll = readAll(ReadFilter.all()).stream()
                .filter(e -> e.stream().equals(account))
                .collect(Collectors.toList());

        assertThat(fromStream).hasSize(10).isEqualTo(fromAll);
        assertThat(positions(fromStream)).containsExactly(0L, 1L, 3L, 4L, 6L, 7L, 9L, 10L, 12L, 13L);
    }

    @Test
    void throwsStreamNotFoundForAStreamThatWasNeverWritten() {
        StreamName unknown = stream("account-404");

        assertThatThrownBy(() -> store().readStream(unknown, 0, 10, Direction.FORWARD))
                .isInstanceOf(StreamNotFoundException.class)
                .satisfies(e -> assertThat(((StreamNotFoundException) e).stream()).isEqualTo(unknown));
        assertThatThrownBy(() -> store().readStream(unknown, Long.MAX_VALUE, 10, Direction.BACKWARD))
                .isInstanceOf(StreamNotFoundException.class);
    }

    @Test
    void acceptsTheLargestMaxCount() {
        ReadSlice slice = store().readStream(account, 0, 10_000, Direction.FORWARD);

        assertThat(slice.events()).hasSize(10);
    }
}
