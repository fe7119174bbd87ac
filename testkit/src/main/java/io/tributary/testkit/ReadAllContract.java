package io.tributary.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.core.Direction;
import io.tributary.core.ExpectedVersion;
import io.tributary.core.ReadFilter;
import io.tributary.core.ReadSlice;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StreamName;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Reading the global log ({@code $all}) forward and backward, page by page. */
abstract class ReadAllContract extends ContractSection {

    /** Ten events in positions 0..9 across three streams. */
    private void writeTenEvents() {
        appendEvents(stream("account-1"), 3);
        appendEvents(stream("order-1"), 2);
        appendEvents(stream("account-2"), 1);
        appendEvents(stream("account-1"), 4);
    }

    @Test
    void readsAnEmptyStoreAsAnEmptyFinalSlice() {
        ReadSlice forward = store().readAll(0, 10, Direction.FORWARD, ReadFilter.all());
        ReadSlice backward = store().readAll(Long.MAX_VALUE, 10, Direction.BACKWARD, ReadFilter.all());

        assertThat(forward.events()).isEmpty();
        assertThat(forward.next()).isEmpty();
        assertThat(backward.events()).isEmpty();
        assertThat(backward.next()).isEmpty();
        assertThat(store().headPosition()).isEqualTo(-1);
    }

    @Test
    void readsForwardInPositionOrderAcrossStreams() {
        writeTenEvents();

        ReadSlice slice = store().readAll(0, 100, Direction.FORWARD, ReadFilter.all());

        assertThat(positions(slice.events())).isEqualTo(range(0, 9));
        assertThat(slice.events()).extracting(e -> e.stream().value()).containsExactly(
                "account-1", "account-1", "account-1", "order-1", "order-1", "account-2",
                "account-1", "account-1", "account-1", "account-1");
        assertThat(versions(slice.events())).containsExactly(0L, 1L, 2L, 0L, 1L, 0L, 3L, 4L, 5L, 6L);
        assertThat(slice.next()).isEmpty();
    }

    @Test
    void pagesTheLogForwardWithNextUntilTheHead() {
        writeTenEvents();

        ReadSlice first = store().readAll(0, 4, Direction.FORWARD, ReadFilter.all());
        ReadSlice second = store().readAll(first.next().getAsLong(), 4, Direction.FORWARD, ReadFilter.all());
        ReadSlice third = store().readAll(second.next().getAsLong(), 4, Direction.FORWARD, ReadFilter.all());

        assertThat(positions(first.events())).containsExactly(0L, 1L, 2L, 3L);
        assertThat(first.next()).isEqualTo(OptionalLong.of(4));
        assertThat(positions(second.events())).containsExactly(4L, 5L, 6L, 7L);
        assertThat(second.next()).isEqualTo(OptionalLong.of(8));
        assertThat(positions(third.events())).containsExactly(8L, 9L);
        assertThat(third.next()).isEmpty();
    }

    @Test
    void readsBackwardFromLongMaxValueStartingAtTheHead() {
        writeTenEvents();

        ReadSlice slice = store().readAll(Long.MAX_VALUE, 100, Direction.BACKWARD, ReadFilter.all());

        assertThat(positions(slice.events())).isEqualTo(descending(9, 0));
        assertThat(slice.next()).isEmpty();
    }

    @Test
    void pagesTheLogBackwardWithNextUntilTheStart() {
        writeTenEvents();

        ReadSlice first = store().readAll(Long.MAX_VALUE, 4, Direction.BACKWARD, ReadFilter.all());
        ReadSlice second = store().readAll(first.next().getAsLong(), 4, Direction.BACKWARD, ReadFilter.all());
        ReadSlice third = store().readAll(second.next().getAsLong(), 4, Direction.BACKWARD, ReadFilter.all());

        assertThat(positions(first.events())).containsExactly(9L, 8L, 7L, 6L);
        assertThat(first.next()).isEqualTo(OptionalLong.of(5));
        assertThat(positions(second.events())).containsExactly(5L, 4L, 3L, 2L);
        assertThat(second.next()).isEqualTo(OptionalLong.of(1));
        assertThat(positions(third.events())).containsExactly(1L, 0L);
        assertThat(third.next()).isEmpty();
    }

    @Test
    void readsFromAPositionInTheMiddleInBothDirections() {
        writeTenEvents();

        ReadSlice forward = store().readAll(5, 3, Direction.FORWARD, ReadFilter.all());
        ReadSlice backward = store().readAll(5, 3, Direction.BACKWARD, ReadFilter.all());

        assertThat(positions(forward.events())).containsExactly(5L, 6L, 7L);
        assertThat(forward.next()).isEqualTo(OptionalLong.of(8));
        assertThat(positions(backward.events())).containsExactly(5L, 4L, 3L);
        assertThat(backward.next()).isEqualTo(OptionalLong.of(2));
    }

    @Test
    void readsForwardFromPastTheHeadAsAnEmptyFinalSlice() {
        writeTenEvents();

        ReadSlice slice = store().readAll(10, 5, Direction.FORWARD, ReadFilter.all());

        assertThat(slice.events()).isEmpty();
        assertThat(slice.next()).isEmpty();
    }

    @Test
    void pagingTheLogInEitherDirectionVisitsEveryEventOnce() {
        writeTenEvents();

        for (int pageSize : new int[] {1, 3, 10, 11}) {
            assertThat(positions(readAllPages(0, Direction.FORWARD, ReadFilter.all(), pageSize)))
                    .as("forward in pages of %d", pageSize).isEqualTo(range(0, 9));
            assertThat(positions(readAllPages(Long.MAX_VALUE, Direction.BACKWARD, ReadFilter.all(), pageSize)))
                    .as("backward in pages of %d", pageSize).isEqualTo(descending(9, 0));
        }
    }

    @Test
    void headPositionFollowsEveryAppend() {
        assertThat(store().headPosition()).isEqualTo(-1);
        StreamName account = stream("account-1");

        append(account, ExpectedVersion.any(), events(3, "Deposited"));
        long afterFirst = store().headPosition();
        append(stream("order-1"), ExpectedVersion.any(), events(2, "Placed"));
        long afterSecond = store().headPosition();

        assertThat(afterFirst).isEqualTo(2);
        assertThat(afterSecond).isEqualTo(4);
        List<RecordedEvent> newest = store().readAll(Long.MAX_VALUE, 1, Direction.BACKWARD, ReadFilter.all()).events();
        assertThat(positions(newest)).containsExactly(afterSecond);
    }
}
