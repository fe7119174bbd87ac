package io.tributary.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.core.AppendResult;
import io.tributary.core.Direction;
import io.tributary.core.EventData;
import io.tributary.core.ExpectedVersion;
import io.tributary.core.InvalidRequestException;
import io.tributary.core.MultiAppendResult;
import io.tributary.core.ReadFilter;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StreamAppend;
import io.tributary.core.StreamDeletedException;
import io.tributary.core.StreamName;
import io.tributary.core.StreamNotFoundException;
import io.tributary.core.WrongExpectedVersionException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Appends spanning several streams: atomic, each stream with its own check. */
abstract class MultiStreamAppendContract extends ContractSection {
    private final StreamName account = stream("account-1");
    private final StreamName order = stream("order-1");
    private final StreamName ledger = stream("ledger-1");

    @Test
    void appendsToSeveralStreamsWithOneResultPerStreamInRequestOrder() {
        // given
        appendEvents(order, 2);
        List<EventData> accountEvents = events(2, "Debited");
        List<EventData> orderEvents = events(1, "Paid");
        List<EventData> ledgerEvents = events(3, "Posted");

        // when
        MultiAppendResult result = appendAll(
                new StreamAppend(account, ExpectedVersion.noStream(), accountEvents),
                new StreamAppend(order, ExpectedVersion.exact(1), orderEvents),
                new StreamAppend(ledger, ExpectedVersion.any(), ledgerEvents));

        // then: every result carries the position of the request's last event
        assertThat(result.position()).isEqualTo(7);
        assertThat(result.results()).containsExactly(
                new AppendResult(account, 0, 1, 7),
                new AppendResult(order, 2, 2, 7),
                new AppendResult(ledger, 0, 2, 7));
        List<EventData> all = new ArrayList<>(accountEvents);
        all.addAll(orderEvents);
        all.addAll(ledgerEvents);
        List<RecordedEvent> logged = store().readAll(2, 100, Direction.FORWARD, ReadFilter.all()).events();
        assertThat(ids(logged)).as("the request's events, in request order").isEqualTo(idsOf(all));
        assertThat(positions(logged)).isEqualTo(range(2, 7));
        assertThat(versions(readStream(order))).containsExactly(0L, 1L, 2L);
        assertThat(store().headPosition()).isEqualTo(7);
    }

    @Test
    void writesNothingInAnyStreamWhenOneCheckFails() {
        // given
        appendEvents(account, 1);
        appendEvents(ledger, 4);
        StoreSnapshot before = snapshot();

        // when: account and order would pass; ledger is at 3, not 1
        CompletableFuture<MultiAppendResult> future = store().appendAll(List.of(
                StreamAppend.of(account, ExpectedVersion.exact(0), event("Debited")),
                StreamAppend.of(order, ExpectedVersion.noStream(), event("Paid")),
                StreamAppend.of(ledger, ExpectedVersion.exact(1), event("Posted"))));

        // then
        WrongExpectedVersionException e = assertFailsWith(future, WrongExpectedVersionException.class);
        assertThat(e.stream()).isEqualTo(ledger);
        assertThat(e.expected()).isEqualTo(ExpectedVersion.exact(1));
        assertThat(e.actualVersion()).isEqualTo(3);
        assertNothingWrittenSince(before);
        assertThatThrownBy(() -> store().readStream(order, 0, 10, Direction.FORWARD))
                .isInstanceOf(StreamNotFoundException.class);
    }

    @Test
    void namesTheFailingStreamWhenItIsTheFirstOfTheRequest() {
        // given
        appendEvents(account, 1);
        StoreSnapshot before = snapshot();

        // when
        CompletableFuture<MultiAppendResult> future = store().appendAll(List.of(
                StreamAppend.of(account, ExpectedVersion.noStream(), event("Opened")),
                StreamAppend.of(order, ExpectedVersion.noStream(), event("Placed"))));

        // then
        WrongExpectedVersionException e = assertFailsWith(future, WrongExpectedVersionException.class);
        assertThat(e.stream()).isEqualTo(account);
        assertThat(e.actualVersion()).isEqualTo(0);
        assertNothingWrittenSince(before);
    }

    @Test
    void writesNothingWhenOneStreamIsTombstoned() {
        // given
        appendEvents(ledger, 1);
        delete(ledger, true);
        StoreSnapshot before = snapshot();

        // when
        CompletableFuture<MultiAppendResult> future = store().appendAll(List.of(
                StreamAppend.of(account, ExpectedVersion.any(), event("Debited")),
                StreamAppend.of(ledger, ExpectedVersion.any(), event("Posted"))));

        // then
        StreamDeletedException e = assertFailsWith(future, StreamDeletedException.class);
        assertThat(e.stream()).isEqualTo(ledger);
        assertNothingWrittenSince(before);
    }

    @Test
    void rejectsTheSameStreamTwiceInOneRequestAtOnce() {
        // given
        StoreSnapshot before = snapshot();

        // when / then
        assertThatThrownBy(() -> store().appendAll(List.of(
                StreamAppend.of(account, ExpectedVersion.any(), event("Debited")),
                StreamAppend.of(order, ExpectedVersion.any(), event("Paid")),
                StreamAppend.of(account, ExpectedVersion.any(), event("Credited")))))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("account-1");
        assertNothingWrittenSince(before);
    }

    @Test
    void rejectsAnEmptyOrNullRequestAtOnce() {
        // given
        StoreSnapshot before = snapshot();

        // when / then
        assertThatThrownBy(() -> store().appendAll(List.of())).isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> store().appendAll(null)).isInstanceOf(InvalidRequestException.class);
        assertNothingWrittenSince(before);
    }

    @Test
    void appendsASingleStreamRequestLikeAnAppend() {
        // given
        appendEvents(account, 2);

        // when
        MultiAppendResult result = appendAll(StreamAppend.of(account, ExpectedVersion.exact(1), event("Debited")));

        // then
        assertThat(result).isEqualTo(new MultiAppendResult(List.of(new AppendResult(account, 2, 2, 2)), 2));
    }

    @Test
    void keepsEachStreamsVersionsIndependent() {
        // given
        appendEvents(account, 3);
        appendEvents(order, 1);

        // when
        MultiAppendResult first = appendAll(
                StreamAppend.of(account, ExpectedVersion.exact(2), event("Debited")),
                StreamAppend.of(order, ExpectedVersion.exact(0), event("Paid")));
        MultiAppendResult second = appendAll(
                StreamAppend.of(order, ExpectedVersion.exact(1), event("Shipped")),
                StreamAppend.of(account, ExpectedVersion.exact(3), event("Debited")));

        // then
        assertThat(first.results()).extracting(AppendResult::firstVersion).containsExactly(3L, 1L);
        assertThat(second.results()).extracting(AppendResult::firstVersion).containsExactly(2L, 4L);
        assertThat(second.position()).isEqualTo(7);
        assertThat(versions(readStream(account))).isEqualTo(range(0, 4));
        assertThat(versions(readStream(order))).isEqualTo(range(0, 2));
    }
}
