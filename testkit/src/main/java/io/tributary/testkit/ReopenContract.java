package io.tributary.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tributary.core.AppendResult;
import io.tributary.core.Direction;
import io.tributary.core.EventData;
import io.tributary.core.ExpectedVersion;
import io.tributary.core.MultiAppendResult;
import io.tributary.core.ReadFilter;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StreamAppend;
import io.tributary.core.StreamDeletedException;
import io.tributary.core.StreamMetadata;
import io.tributary.core.StreamName;
import io.tributary.core.StreamNotFoundException;
import io.tributary.core.Subscription;
import io.tributary.core.TributaryException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Closing the store and opening the same directory again: everything acknowledged before is
 * there, exactly as it was, and the store goes on where it stopped.
 */
abstract class ReopenContract extends ContractSection {
    private final StreamName account = stream("account-1");
    private final StreamName order = stream("order-1");
    private final StreamName capped = stream("account-capped");
    private final StreamName softDeleted = stream("account-soft");
    private final StreamName tombstoned = stream("account-hard");

    @BeforeEach
    void requireReopen() {
        assumeTrue(harness().supportsReopen(), "the store under test does not keep data across reopen");
    }

    /** Everything a reader can observe, per stream: events or the exception a read throws, info and metadata. */
    private Map<String, Object> observe(List<StreamName> streams) {
        Map<String, Object> seen = new LinkedHashMap<>();
        seen.put("snapshot", snapshot());
        for (StreamName stream : streams) {
            seen.put(stream + " events", outcome(() -> readStream(stream)));
            seen.put(stream + " backward", outcome(() -> readStreamPages(stream, Long.MAX_VALUE, Direction.BACKWARD, 3)));
            seen.put(stream + " info", store().streamInfo(stream));
            seen.put(stream + " metadata", outcome(() -> store().getStreamMetadata(stream)));
        }
        return seen;
    }

    private static Object outcome(Supplier<Object> read) {
        try {
            return read.get();
        } catch (TributaryException e) {
            return e.getClass();
        }
    }

    private void writeEverything() {
        appendEvents(account, 5);
        appendAll(StreamAppend.of(account, ExpectedVersion.exact(4), event("Debited")),
                StreamAppend.of(order, ExpectedVersion.noStream(), event("Placed"), event("Paid")));
        appendEvents(capped, 6);
        setMetadata(capped, StreamMetadata.none().withMaxCount(2).withCustom("{\"x\":1}".getBytes(StandardCharsets.UTF_8)));
        setMetadata(account, StreamMetadata.none().withCustom("{\"owner\":\"ana\"}".getBytes(StandardCharsets.UTF_8)));
        appendEvents(softDeleted, 3);
        delete(softDeleted, false);
        appendEvents(tombstoned, 2);
        delete(tombstoned, true);
        appendEvents(order, 1);
    }

    @Test
    void keepsEventsStreamsMetadataAndDeletesExactlyAsTheyWere() {
        // given
        writeEverything();
        List<StreamName> streams = List.of(account, order, capped, softDeleted, tombstoned);
        Map<String, Object> before = observe(streams);

        // when
        harness().reopen();

        // then
        assertThat(observe(streams)).isEqualTo(before);
        assertThat(versions(readStream(capped))).containsExactly(4L, 5L);
        assertThatThrownBy(() -> store().readStream(softDeleted, 0, 10, Direction.FORWARD))
                .isInstanceOf(StreamNotFoundException.class);
        assertThatThrownBy(() -> store().readStream(tombstoned, 0, 10, Direction.FORWARD))
                .isInstanceOf(StreamDeletedException.class);
        assertFailsWith(store().append(tombstoned, ExpectedVersion.any(), event("Reopened")), StreamDeletedException.class);
    }

    @Test
    void continuesPositionsAndVersionsWhereItStopped() {
        // given
        appendEvents(account, 1_000);
        appendEvents(order, 3);
        long head = store().headPosition();
        List<RecordedEvent> before = readAll(ReadFilter.all());

        // when
        harness().reopen();
        AppendResult next = append(account, ExpectedVersion.exact(999), event("Deposited"));

        // then
        assertThat(store().headPosition()).isEqualTo(head + 1);
        assertThat(next).isEqualTo(new AppendResult(account, 1_000, 1_000, head + 1));
        List<RecordedEvent> after = readAll(ReadFilter.all());
        assertThat(after.subList(0, before.size())).isEqualTo(before);
        assertThat(positions(after)).isEqualTo(range(0, head + 1));
    }

    @Test
    void recreatesASoftDeletedStreamWithContinuingVersionsAfterReopen() {
        // given
        appendEvents(softDeleted, 3);
        delete(softDeleted, false);

        // when
        harness().reopen();
        AppendResult result = append(softDeleted, ExpectedVersion.noStream(), event("Reopened"));

        // then
        assertThat(result.firstVersion()).isEqualTo(3);
        assertThat(versions(readStream(softDeleted))).containsExactly(3L);
    }

    @Test
    void keepsIdempotencyAcrossReopen() {
        // given
        List<EventData> sent = events(3, "Deposited");
        AppendResult original = append(account, ExpectedVersion.noStream(), sent);
        EventData placed = event("Placed");
        EventData paid = event("Paid");
        MultiAppendResult multi = appendAll(StreamAppend.of(order, ExpectedVersion.noStream(), placed),
                StreamAppend.of(capped, ExpectedVersion.noStream(), paid));

        // when
        harness().reopen();
        StoreSnapshot before = snapshot();

        // then
        assertThat(append(account, ExpectedVersion.noStream(), sent)).isEqualTo(original);
        assertThat(append(account, ExpectedVersion.any(), sent)).isEqualTo(original);
        assertThat(appendAll(StreamAppend.of(order, ExpectedVersion.noStream(), placed),
                StreamAppend.of(capped, ExpectedVersion.noStream(), paid))).isEqualTo(multi);
        assertNothingWrittenSince(before);
    }

    @Test
    void reopensAnEmptyStore() {
        harness().reopen();

        assertThat(store().headPosition()).isEqualTo(-1);
        assertThat(appendEvents(account, 1)).isEqualTo(new AppendResult(account, 0, 0, 0));
    }

    @Test
    void survivesSeveralReopensInARow() {
        long expectedEvents = 0;
        for (int cycle = 0; cycle < 3; cycle++) {
            // given
            AppendResult result = appendEvents(account, 10);
            expectedEvents += 10;
            assertThat(result.lastVersion()).isEqualTo(expectedEvents - 1);

            // when
            harness().reopen();

            // then
            assertThat(versions(readStream(account))).isEqualTo(range(0, expectedEvents - 1));
            assertThat(store().headPosition()).isEqualTo(expectedEvents - 1);
        }
    }

    @Test
    void subscriptionsAfterReopenCatchUpThenFollowLiveAppends() throws Exception {
        // given
        appendEvents(account, 20);
        harness().reopen();
        Subscription subscription = store().subscribeToAll(0, ReadFilter.all());

        // when
        appendEvents(order, 5);

        // then
        assertThat(positions(pollUntil(subscription, 25, 7))).isEqualTo(range(0, 24));
        subscription.close();
    }
}
