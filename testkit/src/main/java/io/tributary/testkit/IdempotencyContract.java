package io.tributary.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.core.AppendResult;
import io.tributary.core.DuplicateEventException;
import io.tributary.core.EventData;
import io.tributary.core.ExpectedVersion;
import io.tributary.core.MultiAppendResult;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StreamAppend;
import io.tributary.core.StreamName;
import io.tributary.core.TributaryException;
import io.tributary.core.WrongExpectedVersionException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Re-sending a request whose event ids are already recorded at the same place returns the
 * original result and writes nothing; a partial overlap is a {@link DuplicateEventException}.
 */
abstract class IdempotencyContract extends ContractSection {
    private final StreamName account = stream("account-1");
    private final EventData e1 = event("Opened");
    private final EventData e2 = event("Deposited");

    @Test
    void resendingWithNoStreamReturnsTheOriginalResultAndWritesNothing() {
        // given
        AppendResult original = append(account, ExpectedVersion.noStream(), e1, e2);
        StoreSnapshot before = snapshot();

        // when
        AppendResult again = append(account, ExpectedVersion.noStream(), e1, e2);

        // then
        assertThat(again).isEqualTo(original).isEqualTo(new AppendResult(account, 0, 1, 1));
        assertNothingWrittenSince(before);
    }

    @Test
    void resendingWithExactReturnsTheOriginalResultAndWritesNothing() {
        // given
        appendEvents(account, 2);
        AppendResult original = append(account, ExpectedVersion.exact(1), e1, e2);
        StoreSnapshot before = snapshot();

        // when
        AppendResult again = append(account, ExpectedVersion.exact(1), e1, e2);

        // then
        assertThat(again).isEqualTo(original).isEqualTo(new AppendResult(account, 2, 3, 3));
        assertNothingWrittenSince(before);
    }

    @Test
    void resendingWithExactOrNoStreamReturnsTheOriginalResultEvenAfterLaterAppends() {
        // given: the stream moved on after the original requests
        AppendResult first = append(account, ExpectedVersion.noStream(), e1, e2);
        EventData e3 = event("Withdrawn");
        AppendResult second = append(account, ExpectedVersion.exact(1), e3);
        appendEvents(stream("other-1"), 1);
        appendEvents(account, 2);
        StoreSnapshot before = snapshot();

        // when
        AppendResult firstAgain = append(account, ExpectedVersion.noStream(), e1, e2);
        AppendResult secondAgain = append(account, ExpectedVersion.exact(1), e3);

        // then
        assertThat(firstAgain).isEqualTo(first);
        assertThat(secondAgain).isEqualTo(second).isEqualTo(new AppendResult(account, 2, 2, 2));
        assertNothingWrittenSince(before);
    }

    @Test
    void resendingWithAnyReturnsTheOriginalResultAndWritesNothing() {
        // given
        appendEvents(account, 1);
        AppendResult original = append(account, ExpectedVersion.any(), e1, e2);
        appendEvents(account, 1);
        StoreSnapshot before = snapshot();

        // when
        AppendResult again = append(account, ExpectedVersion.any(), e1, e2);

        // then
        assertThat(again).isEqualTo(original).isEqualTo(new AppendResult(account, 1, 2, 2));
        assertNothingWrittenSince(before);
    }

    @Test
    void resendingWithStreamExistsReturnsTheOriginalResultAndWritesNothing() {
        // given
        appendEvents(account, 1);
        AppendResult original = append(account, ExpectedVersion.streamExists(), e1, e2);
        StoreSnapshot before = snapshot();

        // when
        AppendResult again = append(account, ExpectedVersion.streamExists(), e1, e2);

        // then
        assertThat(again).isEqualTo(original);
        assertNothingWrittenSince(before);
    }

    @Test
    void resendingTheSameRequestManyTimesConcurrentlyWritesItOnce() {
        // given
        List<EventData> sent = events(3, "Deposited");
        AppendResult original = append(account, ExpectedVersion.noStream(), sent);
        StoreSnapshot before = snapshot();

        // when
        List<CompletableFuture<AppendResult>> retries = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            retries.add(store().append(account, i % 2 == 0 ? ExpectedVersion.noStream() : ExpectedVersion.any(), sent));
        }

        // then
        for (CompletableFuture<AppendResult> retry : retries) {
            assertThat(await(retry)).isEqualTo(original);
        }
        assertNothingWrittenSince(before);
    }

    @Test
    void resendingAMultiStreamAppendReturnsTheOriginalResultAndWritesNothing() {
        // given
        StreamName order = stream("order-1");
        EventData placed = event("Placed");
        MultiAppendResult original = appendAll(
                StreamAppend.of(account, ExpectedVersion.noStream(), e1, e2),
                StreamAppend.of(order, ExpectedVersion.noStream(), placed));
        StoreSnapshot before = snapshot();

        // when
        MultiAppendResult again = appendAll(
                StreamAppend.of(account, ExpectedVersion.noStream(), e1, e2),
                StreamAppend.of(order, ExpectedVersion.noStream(), placed));

        // then
        assertThat(again).isEqualTo(original);
        assertNothingWrittenSince(before);
    }

    @Test
    void rejectsARequestThatRepeatsOnlyThePrefixOfAnEarlierOneWithAny() {
        // given
        append(account, ExpectedVersion.noStream(), e1, e2);
        StoreSnapshot before = snapshot();
        EventData fresh = event("Withdrawn");

        // when: the first id is recorded, the second one is new
        CompletableFuture<AppendResult> future = store().append(account, ExpectedVersion.any(), e1, fresh);

        // then
        DuplicateEventException e = assertFailsWith(future, DuplicateEventException.class);
        assertThat(e.stream()).isEqualTo(account);
        assertThat(e.eventId()).isEqualTo(e1.eventId());
        assertNothingWrittenSince(before);
    }

    @Test
    void rejectsANewEventFollowedByARecordedOneWithAny() {
        // given
        append(account, ExpectedVersion.noStream(), e1, e2);
        StoreSnapshot before = snapshot();

        // when
        CompletableFuture<AppendResult> future = store().append(account, ExpectedVersion.any(), event("Withdrawn"), e2);

        // then
        DuplicateEventException e = assertFailsWith(future, DuplicateEventException.class);
        assertThat(e.stream()).isEqualTo(account);
        assertThat(e.eventId()).isEqualTo(e2.eventId());
        assertNothingWrittenSince(before);
    }

    @Test
    void rejectsRecordedEventsInAnotherOrderOrWithAnExtraEvent() {
        // given
        append(account, ExpectedVersion.noStream(), e1, e2);
        StoreSnapshot before = snapshot();

        // when
        CompletableFuture<AppendResult> reordered = store().append(account, ExpectedVersion.any(), e2, e1);
        CompletableFuture<AppendResult> extended = store().append(account, ExpectedVersion.any(), e1, e2, event("Withdrawn"));

        // then
        assertFailsWith(reordered, DuplicateEventException.class);
        assertFailsWith(extended, DuplicateEventException.class);
        assertNothingWrittenSince(before);
    }

    @Test
    void rejectsAReusedIdWhenTheVersionCheckPasses() {
        // given
        append(account, ExpectedVersion.noStream(), e1, e2);
        StoreSnapshot before = snapshot();

        // when: exact(1) is right, but e1 is recorded at version 0, not at version 2
        CompletableFuture<AppendResult> alone = store().append(account, ExpectedVersion.exact(1), e1);
        CompletableFuture<AppendResult> after = store().append(account, ExpectedVersion.exact(1), event("Withdrawn"), e1);
        CompletableFuture<AppendResult> withStreamExists =
                store().append(account, ExpectedVersion.streamExists(), e2, event("Withdrawn"));

        // then
        assertThat(assertFailsWith(alone, DuplicateEventException.class).eventId()).isEqualTo(e1.eventId());
        assertThat(assertFailsWith(after, DuplicateEventException.class).eventId()).isEqualTo(e1.eventId());
        assertThat(assertFailsWith(withStreamExists, DuplicateEventException.class).eventId()).isEqualTo(e2.eventId());
        assertNothingWrittenSince(before);
    }

    @Test
    void recognisesIdsOfAnAppendThatIsStillInFlight() {
        // given: nothing recorded yet
        EventData fresh = event("Withdrawn");

        // when: sent back to back without waiting (usually written as one group)
        CompletableFuture<AppendResult> original = store().append(account, ExpectedVersion.noStream(), e1, e2);
        CompletableFuture<AppendResult> repeat = store().append(account, ExpectedVersion.any(), e1, e2);
        CompletableFuture<AppendResult> reused = store().append(account, ExpectedVersion.any(), fresh, e2);
        CompletableFuture<AppendResult> next = store().append(account, ExpectedVersion.exact(1), event("Closed"));

        // then: the repeat is the original, the reused id is refused, the next append follows the original
        assertThat(original.join()).isEqualTo(new AppendResult(account, 0, 1, 1));
        assertThat(repeat.join()).isEqualTo(original.join());
        assertThat(assertFailsWith(reused, DuplicateEventException.class).eventId()).isEqualTo(e2.eventId());
        assertThat(next.join().firstVersion()).isEqualTo(2);
        assertThat(readStream(account)).extracting(RecordedEvent::eventId)
                .hasSize(3).startsWith(e1.eventId(), e2.eventId()).doesNotContain(fresh.eventId());
    }

    @Test
    void rejectsAPartialRepeatAtTheOriginalPlace() {
        // given
        append(account, ExpectedVersion.noStream(), e1, e2);
        StoreSnapshot before = snapshot();

        // when: the place (noStream) and the first id match, the second id does not
        CompletableFuture<AppendResult> future = store().append(account, ExpectedVersion.noStream(), e1, event("Withdrawn"));

        // then: the Javadoc does not rank the two failures; either is a clear rejection
        Throwable failure = assertFailsWith(future, TributaryException.class);
        assertThat(failure).isInstanceOfAny(DuplicateEventException.class, WrongExpectedVersionException.class);
        assertNothingWrittenSince(before);
    }

    @Test
    void acceptsNewEventsAfterARejectedDuplicate() {
        // given
        append(account, ExpectedVersion.noStream(), e1, e2);
        assertFailsWith(store().append(account, ExpectedVersion.any(), e1, event("Withdrawn")), DuplicateEventException.class);

        // when
        AppendResult next = append(account, ExpectedVersion.exact(1), event("Withdrawn"));

        // then
        assertThat(next).isEqualTo(new AppendResult(account, 2, 2, 2));
    }
}
