package io.tributary.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.core.AppendResult;
import io.tributary.core.Direction;
import io.tributary.core.ExpectedVersion;
import io.tributary.core.ListStreamsRequest;
import io.tributary.core.ReadSlice;
import io.tributary.core.StreamDeletedException;
import io.tributary.core.StreamInfo;
import io.tributary.core.StreamName;
import io.tributary.core.StreamNotFoundException;
import io.tributary.core.WrongExpectedVersionException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Soft deletes (the stream is hidden and can be recreated; versions continue) and hard deletes
 * (a tombstone: reads and writes fail forever).
 */
abstract class DeleteContract extends ContractSection {
    private final StreamName account = stream("account-1");
    private final StreamName other = stream("account-2");

    private List<StreamName> listed() {
        return store().listStreams(ListStreamsRequest.first(100)).stream().map(StreamInfo::stream).toList();
    }

    // ------------------------------------------------------------------ soft

    @Test
    void softDeletedStreamIsNotFoundOnReadAndNotListed() {
        // given
        appendEvents(account, 3);
        appendEvents(other, 1);

        // when
        await(store().deleteStream(account, ExpectedVersion.exact(2), false));

        // then
        assertThatThrownBy(() -> store().readStream(account, 0, 10, Direction.FORWARD))
                .isInstanceOf(StreamNotFoundException.class);
        assertThatThrownBy(() -> store().readStream(account, Long.MAX_VALUE, 10, Direction.BACKWARD))
                .isInstanceOf(StreamNotFoundException.class);
        assertThat(store().streamInfo(account)).isEmpty();
        assertThat(listed()).containsExactly(other);
        assertThat(versions(readStream(other))).containsExactly(0L);
    }

    @Test
    void appendingWithAnyRecreatesASoftDeletedStreamAndVersionsContinue() {
        // given
        appendEvents(account, 3);
        delete(account, false);

        // when
        AppendResult result = append(account, ExpectedVersion.any(), event("Reopened"));

        // then: only the new event is readable, at the version after the old last one
        assertThat(result).isEqualTo(new AppendResult(account, 3, 3, 3));
        ReadSlice forward = store().readStream(account, 0, 100, Direction.FORWARD);
        assertThat(versions(forward.events())).containsExactly(3L);
        assertThat(forward.events().get(0).type()).isEqualTo("Reopened");
        assertThat(versions(store().readStream(account, Long.MAX_VALUE, 100, Direction.BACKWARD).events()))
                .containsExactly(3L);
        assertThat(store().streamInfo(account)).contains(new StreamInfo(account, 3, 3));
        assertThat(listed()).containsExactly(account);
    }

    @Test
    void appendingWithNoStreamRecreatesASoftDeletedStream() {
        // given
        appendEvents(account, 2);
        delete(account, false);

        // when
        AppendResult result = append(account, ExpectedVersion.noStream(), event("Reopened"), event("Deposited"));

        // then
        assertThat(result).isEqualTo(new AppendResult(account, 2, 3, 3));
        assertThat(versions(readStream(account))).containsExactly(2L, 3L);
    }

    @Test
    void aSoftDeletedStreamHasNoEventsForStreamExists() {
        // given
        appendEvents(account, 2);
        delete(account, false);
        StoreSnapshot before = snapshot();

        // when
        CompletableFuture<AppendResult> future = store().append(account, ExpectedVersion.streamExists(), event("Deposited"));

        // then
        WrongExpectedVersionException e = assertFailsWith(future, WrongExpectedVersionException.class);
        assertThat(e.stream()).isEqualTo(account);
        assertThat(e.actualVersion()).isEqualTo(-1);
        assertNothingWrittenSince(before);
    }

    @Test
    void softDeletingAgainAfterRecreationHidesTheNewEventsToo() {
        // given
        appendEvents(account, 2);
        delete(account, false);
        appendEvents(account, 2);

        // when
        await(store().deleteStream(account, ExpectedVersion.exact(3), false));
        AppendResult result = appendEvents(account, 1);

        // then
        assertThat(result.firstVersion()).isEqualTo(4);
        assertThat(versions(readStream(account))).containsExactly(4L);
    }

    @Test
    void rejectsASoftDeleteWithTheWrongExpectedVersion() {
        // given
        appendEvents(account, 3);
        StoreSnapshot before = snapshot();

        // when
        CompletableFuture<Void> future = store().deleteStream(account, ExpectedVersion.exact(1), false);

        // then
        WrongExpectedVersionException e = assertFailsWith(future, WrongExpectedVersionException.class);
        assertThat(e.stream()).isEqualTo(account);
        assertThat(e.expected()).isEqualTo(ExpectedVersion.exact(1));
        assertThat(e.actualVersion()).isEqualTo(2);
        assertNothingWrittenSince(before);
        assertThat(versions(readStream(account))).containsExactly(0L, 1L, 2L);
    }

    // ------------------------------------------------------------------ hard

    @Test
    void hardDeletedStreamThrowsStreamDeletedOnRead() {
        // given
        appendEvents(account, 3);

        // when
        await(store().deleteStream(account, ExpectedVersion.exact(2), true));

        // then
        assertThatThrownBy(() -> store().readStream(account, 0, 10, Direction.FORWARD))
                .isInstanceOf(StreamDeletedException.class)
                .satisfies(e -> assertThat(((StreamDeletedException) e).stream()).isEqualTo(account));
        assertThatThrownBy(() -> store().readStream(account, Long.MAX_VALUE, 10, Direction.BACKWARD))
                .isInstanceOf(StreamDeletedException.class);
        assertThat(store().streamInfo(account)).isEmpty();
    }

    @Test
    void rejectsAppendsToAHardDeletedStreamWhateverTheExpectedVersion() {
        // given
        appendEvents(account, 3);
        delete(account, true);
        StoreSnapshot before = snapshot();

        // when / then
        for (ExpectedVersion expected : List.of(ExpectedVersion.any(), ExpectedVersion.noStream(),
                ExpectedVersion.streamExists(), ExpectedVersion.exact(2), ExpectedVersion.exact(3))) {
            StreamDeletedException e = assertFailsWith(store().append(account, expected, event("Deposited")),
                    StreamDeletedException.class);
            assertThat(e.stream()).as("with %s", expected).isEqualTo(account);
        }
        assertNothingWrittenSince(before);
    }

    @Test
    void hardDeletedStreamIsNotListedAndOthersAreUntouched() {
        // given
        appendEvents(account, 3);
        appendEvents(other, 2);

        // when
        delete(account, true);

        // then
        assertThat(listed()).containsExactly(other);
        assertThat(versions(readStream(other))).containsExactly(0L, 1L);
        assertThat(store().streamInfo(other)).contains(new StreamInfo(other, 1, 4));
    }

    @Test
    void deletingAHardDeletedStreamAgainThrowsStreamDeleted() {
        // given
        appendEvents(account, 1);
        delete(account, true);

        // when / then
        assertFailsWith(store().deleteStream(account, ExpectedVersion.any(), true), StreamDeletedException.class);
        assertFailsWith(store().deleteStream(account, ExpectedVersion.any(), false), StreamDeletedException.class);
        assertThatThrownBy(() -> store().readStream(account, 0, 1, Direction.FORWARD))
                .isInstanceOf(StreamDeletedException.class);
    }

    @Test
    void hardDeletingASoftDeletedStreamTombstonesIt() {
        // given
        appendEvents(account, 2);
        delete(account, false);

        // when
        delete(account, true);

        // then
        assertThatThrownBy(() -> store().readStream(account, 0, 1, Direction.FORWARD))
                .isInstanceOf(StreamDeletedException.class);
        assertFailsWith(store().append(account, ExpectedVersion.any(), event("Reopened")), StreamDeletedException.class);
    }

    @Test
    void rejectsAHardDeleteWithTheWrongExpectedVersion() {
        // given
        appendEvents(account, 3);
        StoreSnapshot before = snapshot();

        // when
        CompletableFuture<Void> noStream = store().deleteStream(account, ExpectedVersion.noStream(), true);
        CompletableFuture<Void> stale = store().deleteStream(account, ExpectedVersion.exact(0), true);

        // then
        WrongExpectedVersionException first = assertFailsWith(noStream, WrongExpectedVersionException.class);
        assertThat(first.stream()).isEqualTo(account);
        assertThat(first.actualVersion()).isEqualTo(2);
        assertThat(assertFailsWith(stale, WrongExpectedVersionException.class).actualVersion()).isEqualTo(2);
        assertNothingWrittenSince(before);
        assertThat(versions(readStream(account))).containsExactly(0L, 1L, 2L);
        assertThat(appendEvents(account, 1).lastVersion()).as("the stream still accepts appends").isEqualTo(3);
    }
}
