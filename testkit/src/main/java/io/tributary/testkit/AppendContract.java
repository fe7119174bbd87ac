package io.tributary.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.core.AppendResult;
import io.tributary.core.Direction;
import io.tributary.core.EventData;
import io.tributary.core.ExpectedVersion;
import io.tributary.core.ReadFilter;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StreamInfo;
import io.tributary.core.StreamName;
import io.tributary.core.WrongExpectedVersionException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Appends to one stream: versions, positions, what is recorded, and every expected-version case. */
abstract class AppendContract extends ContractSection {

    @Test
    void assignsVersionsAndPositionsFromZeroInAnEmptyStore() {
        // given
        StreamName account = stream("account-1");
        assertThat(store().headPosition()).isEqualTo(-1);

        // when
        AppendResult result = append(account, ExpectedVersion.noStream(), events(3, "Deposited"));

        // then
        assertThat(result).isEqualTo(new AppendResult(account, 0, 2, 2));
        List<RecordedEvent> recorded = readStream(account);
        assertThat(versions(recorded)).containsExactly(0L, 1L, 2L);
        assertThat(positions(recorded)).containsExactly(0L, 1L, 2L);
        assertThat(store().headPosition()).isEqualTo(2);
        assertThat(store().streamInfo(account)).contains(new StreamInfo(account, 2, 2));
    }

    @Test
    void assignsGapFreeIncreasingPositionsAcrossStreamsAndVersionsPerStream() {
        // given
        StreamName a = stream("account-1");
        StreamName b = stream("order-1");
        StreamName c = stream("account-2");

        // when
        AppendResult first = appendEvents(a, 2);
        AppendResult second = appendEvents(b, 1);
        AppendResult third = appendEvents(a, 1);
        AppendResult fourth = appendEvents(c, 3);

        // then
        assertThat(first).isEqualTo(new AppendResult(a, 0, 1, 1));
        assertThat(second).isEqualTo(new AppendResult(b, 0, 0, 2));
        assertThat(third).isEqualTo(new AppendResult(a, 2, 2, 3));
        assertThat(fourth).isEqualTo(new AppendResult(c, 0, 2, 6));
        List<RecordedEvent> all = readAll(ReadFilter.all());
        assertThat(positions(all)).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(all).extracting(e -> e.stream().value())
                .containsExactly("account-1", "account-1", "order-1", "account-1", "account-2", "account-2", "account-2");
        assertThat(versions(all)).containsExactly(0L, 1L, 0L, 2L, 0L, 1L, 2L);
        assertThat(store().headPosition()).isEqualTo(6);
    }

    @Test
    void recordsEventIdTypeDataAndMetadataExactlyAsSent() {
        // given
        StreamName account = stream("account-1");
        byte[] binary = {0, 1, (byte) 0x7f, (byte) 0x80, (byte) 0xff, 0, 10, 13};
        EventData withBinary = new EventData(UUID.randomUUID(), "Binary", binary, "{\"user\":\"ana\"}".getBytes(StandardCharsets.UTF_8));
        EventData empty = new EventData(UUID.randomUUID(), "Empty", new byte[0], new byte[0]);
        EventData unicode = EventData.json("Überweisung€ 💸", "{\"note\":\"naïve — 日本語 💸\"}");

        // when
        append(account, ExpectedVersion.noStream(), withBinary, empty, unicode);

        // then
        List<RecordedEvent> recorded = readStream(account);
        assertThat(recorded).hasSize(3);
        assertSameEvent(recorded.get(0), withBinary);
        assertSameEvent(recorded.get(1), empty);
        assertSameEvent(recorded.get(2), unicode);
        assertThat(recorded.get(2).dataAsString()).isEqualTo("{\"note\":\"naïve — 日本語 💸\"}");
        assertThat(recorded).extracting(RecordedEvent::stream).containsOnly(account);
    }

    @Test
    void stampsAllEventsOfOneAppendWithTheSameCommitTime() {
        // given
        StreamName account = stream("account-1");
        Instant before = Instant.now();

        // when
        append(account, ExpectedVersion.any(), events(5, "Deposited"));
        Instant after = Instant.now();

        // then
        List<RecordedEvent> recorded = readStream(account);
        assertThat(recorded).extracting(RecordedEvent::timestamp).containsOnly(recorded.get(0).timestamp());
        // a tolerance for backends whose clock is not this JVM's (a database server's)
        assertThat(recorded.get(0).timestamp()).isBetween(before.minus(Duration.ofSeconds(5)), after.plus(Duration.ofSeconds(5)));
    }

    @Test
    void returnsThePositionOfTheLastEventAsTheConsistencyToken() {
        // given
        StreamName a = stream("account-1");
        appendEvents(stream("other-1"), 4);

        // when
        AppendResult result = append(a, ExpectedVersion.any(), events(3, "Deposited"));

        // then
        List<RecordedEvent> recorded = readStream(a);
        assertThat(result.position()).isEqualTo(recorded.get(2).position()).isEqualTo(6);
        assertThat(store().headPosition()).isEqualTo(result.position());
    }

    @Test
    void makesTheEventsReadableWhenTheFutureCompletes() {
        // given
        StreamName account = stream("account-1");
        List<EventData> sent = events(2, "Deposited");

        // when
        AppendResult result = append(account, ExpectedVersion.any(), sent);

        // then: readable at once, no waiting
        assertThat(ids(store().readStream(account, 0, 10, Direction.FORWARD).events())).isEqualTo(idsOf(sent));
        assertThat(ids(store().readAll(0, 10, Direction.FORWARD, ReadFilter.all()).events())).isEqualTo(idsOf(sent));
        assertThat(store().headPosition()).isEqualTo(result.position());
    }

    @Test
    void appendsManyEventsInOneRequest() {
        // given
        StreamName account = stream("account-1");
        List<EventData> sent = events(500, "Deposited");

        // when
        AppendResult result = append(account, ExpectedVersion.noStream(), sent);

        // then
        assertThat(result).isEqualTo(new AppendResult(account, 0, 499, 499));
        List<RecordedEvent> recorded = readStream(account);
        assertThat(ids(recorded)).isEqualTo(idsOf(sent));
        assertThat(versions(recorded)).isEqualTo(range(0, 499));
        assertThat(positions(recorded)).isEqualTo(range(0, 499));
    }

    @Test
    void recordsEachPipelinedAppendOnceAtTheVersionItsResultReports() {
        // given: appends sent without waiting for each other
        StreamName account = stream("account-1");
        List<EventData> sent = events(200, "Deposited");
        List<CompletableFuture<AppendResult>> futures = new ArrayList<>();

        // when
        for (EventData event : sent) {
            futures.add(store().append(account, ExpectedVersion.any(), event));
        }

        List<AppendResult> results = new ArrayList<>();
        for (CompletableFuture<AppendResult> future : futures) {
            results.add(await(future));
        }

        // then
        List<RecordedEvent> recorded = readStream(account);
        Set<Long> positionsReported = new HashSet<>();
        for (int i = 0; i < sent.size(); i++) {
            AppendResult result = results.get(i);
            assertThat(result.firstVersion()).isEqualTo(result.lastVersion());
            RecordedEvent atVersion = recorded.get((int) result.firstVersion());
            assertThat(atVersion.eventId()).isEqualTo(sent.get(i).eventId());
            assertThat(atVersion.position()).isEqualTo(result.position());
            positionsReported.add(result.position());
        }
        assertThat(versions(recorded)).isEqualTo(range(0, 199));
        assertThat(positionsReported).hasSize(200);
        assertThat(positions(recorded)).isEqualTo(range(0, 199));
    }

    // ------------------------------------------------------------------ expected versions

    @Test
    void appendsWithNoStreamToANewStream() {
        StreamName account = stream("account-1");

        AppendResult result = append(account, ExpectedVersion.noStream(), event("Opened"));

        assertThat(result).isEqualTo(new AppendResult(account, 0, 0, 0));
    }

    @Test
    void rejectsNoStreamWhenTheStreamAlreadyExists() {
        // given
        StreamName account = stream("account-1");
        appendEvents(account, 2);
        StoreSnapshot before = snapshot();

        // when
        CompletableFuture<AppendResult> future = store().append(account, ExpectedVersion.noStream(), event("Opened"));

        // then
        WrongExpectedVersionException e = assertFailsWith(future, WrongExpectedVersionException.class);
        assertThat(e.stream()).isEqualTo(account);
        assertThat(e.expected()).isEqualTo(ExpectedVersion.noStream());
        assertThat(e.actualVersion()).isEqualTo(1);
        assertNothingWrittenSince(before);
    }

    @Test
    void appendsWithAnyToNewAndExistingStreams() {
        StreamName account = stream("account-1");

        AppendResult first = append(account, ExpectedVersion.any(), event("Opened"));
        AppendResult second = append(account, ExpectedVersion.any(), event("Deposited"), event("Deposited"));

        assertThat(first).isEqualTo(new AppendResult(account, 0, 0, 0));
        assertThat(second).isEqualTo(new AppendResult(account, 1, 2, 2));
    }

    @Test
    void appendsWithStreamExistsToAnExistingStream() {
        StreamName account = stream("account-1");
        appendEvents(account, 1);

        AppendResult result = append(account, ExpectedVersion.streamExists(), event("Deposited"));

        assertThat(result).isEqualTo(new AppendResult(account, 1, 1, 1));
    }

    @Test
    void rejectsStreamExistsWhenTheStreamDoesNotExist() {
        // given
        StreamName account = stream("account-1");
        appendEvents(stream("other-1"), 1);
        StoreSnapshot before = snapshot();

        // when
        CompletableFuture<AppendResult> future = store().append(account, ExpectedVersion.streamExists(), event("Deposited"));

        // then
        WrongExpectedVersionException e = assertFailsWith(future, WrongExpectedVersionException.class);
        assertThat(e.stream()).isEqualTo(account);
        assertThat(e.expected()).isEqualTo(ExpectedVersion.streamExists());
        assertThat(e.actualVersion()).isEqualTo(-1);
        assertNothingWrittenSince(before);
    }

    @Test
    void appendsWithExactWhenItMatchesTheLastVersion() {
        StreamName account = stream("account-1");
        appendEvents(account, 3);

        AppendResult result = append(account, ExpectedVersion.exact(2), event("Deposited"));

        assertThat(result).isEqualTo(new AppendResult(account, 3, 3, 3));
    }

    @Test
    void rejectsExactWhenTheStreamIsAheadOrBehind() {
        // given
        StreamName account = stream("account-1");
        appendEvents(account, 3);
        StoreSnapshot before = snapshot();

        // when
        CompletableFuture<AppendResult> stale = store().append(account, ExpectedVersion.exact(1), event("Deposited"));
        CompletableFuture<AppendResult> ahead = store().append(account, ExpectedVersion.exact(5), event("Deposited"));

        // then
        WrongExpectedVersionException staleFailure = assertFailsWith(stale, WrongExpectedVersionException.class);
        assertThat(staleFailure.stream()).isEqualTo(account);
        assertThat(staleFailure.expected()).isEqualTo(ExpectedVersion.exact(1));
        assertThat(staleFailure.actualVersion()).isEqualTo(2);
        WrongExpectedVersionException aheadFailure = assertFailsWith(ahead, WrongExpectedVersionException.class);
        assertThat(aheadFailure.expected()).isEqualTo(ExpectedVersion.exact(5));
        assertThat(aheadFailure.actualVersion()).isEqualTo(2);
        assertNothingWrittenSince(before);
    }

    @Test
    void rejectsExactOnAStreamThatDoesNotExist() {
        // given
        StreamName account = stream("account-1");
        StoreSnapshot before = snapshot();

        // when
        CompletableFuture<AppendResult> future = store().append(account, ExpectedVersion.exact(0), event("Deposited"));

        // then
        WrongExpectedVersionException e = assertFailsWith(future, WrongExpectedVersionException.class);
        assertThat(e.stream()).isEqualTo(account);
        assertThat(e.actualVersion()).isEqualTo(-1);
        assertNothingWrittenSince(before);
        assertThat(store().streamInfo(account)).isEmpty();
    }

    @Test
    void writesNothingOfARequestWhoseCheckFailsAndGoesOnAcceptingAppends() {
        // given
        StreamName account = stream("account-1");
        appendEvents(account, 1);

        // when: a failed append of several events, then a good one
        assertFailsWith(store().append(account, ExpectedVersion.exact(7), events(3, "Deposited")),
                WrongExpectedVersionException.class);
        AppendResult next = append(account, ExpectedVersion.exact(0), event("Deposited"));

        // then: the failed request left no trace, not even a skipped version or position
        assertThat(next).isEqualTo(new AppendResult(account, 1, 1, 1));
        assertThat(positions(readAll(ReadFilter.all()))).containsExactly(0L, 1L);
    }
}
