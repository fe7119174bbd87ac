package io.tributary.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.tributary.core.AppendResult;
import io.tributary.core.Direction;
import io.tributary.core.EventData;
import io.tributary.core.EventStore;
import io.tributary.core.ExpectedVersion;
import io.tributary.core.ListStreamsRequest;
import io.tributary.core.ReadFilter;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StoreClosedException;
import io.tributary.core.StreamName;
import io.tributary.core.StreamNotFoundException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** Closing the store: appends in flight complete, later calls fail with {@link StoreClosedException}. */
abstract class LifecycleContract extends ContractSection {
    private final StreamName account = stream("account-1");

    @Test
    void rejectsReadsAfterClose() {
        // given
        appendEvents(account, 1);
        EventStore closed = store();

        // when
        harness().closeStore();

        // then
        assertThatThrownBy(() -> closed.readStream(account, 0, 10, Direction.FORWARD)).isInstanceOf(StoreClosedException.class);
        assertThatThrownBy(() -> closed.readAll(0, 10, Direction.FORWARD, ReadFilter.all())).isInstanceOf(StoreClosedException.class);
        assertThatThrownBy(closed::headPosition).isInstanceOf(StoreClosedException.class);
        assertThatThrownBy(() -> closed.streamInfo(account)).isInstanceOf(StoreClosedException.class);
        assertThatThrownBy(() -> closed.listStreams(ListStreamsRequest.first(10))).isInstanceOf(StoreClosedException.class);
    }

    @Test
    void rejectsAppendsAfterClose() {
        // given
        EventStore closed = store();
        harness().closeStore();

        // when: the Javadoc allows throwing at once or failing the future
        Throwable thrown = catchThrowable(() -> await(closed.append(account, ExpectedVersion.any(), event("Deposited"))));

        // then
        assertThat(unwrap(thrown)).isInstanceOf(StoreClosedException.class);
    }

    @Test
    void closingTwiceIsHarmless() {
        EventStore store = store();
        harness().closeStore();

        store.close();

        assertThatThrownBy(store::headPosition).isInstanceOf(StoreClosedException.class);
    }

    @Test
    void completesAppendsInFlightWhenClosingAndKeepsExactlyTheAcknowledgedOnes() {
        // given: appends sent without waiting
        EventStore store = store();
        List<EventData> sent = new ArrayList<>();
        List<CompletableFuture<AppendResult>> futures = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            EventData event = event("Deposited");
            sent.add(event);
            futures.add(store.append(account, ExpectedVersion.any(), event));
        }

        // when
        harness().closeStore();

        // then: every future completes, with a result or StoreClosedException
        Map<UUID, AppendResult> acknowledged = new HashMap<>();
        for (int i = 0; i < futures.size(); i++) {
            try {
                acknowledged.put(sent.get(i).eventId(), await(futures.get(i)));
            } catch (CompletionException e) {
                assertThat(unwrap(e)).isInstanceOf(StoreClosedException.class);
            }
        }
        if (!harness().supportsReopen()) {
            return;
        }
        harness().reopen();
        List<RecordedEvent> recorded;
        try {
            recorded = readStream(account);
        } catch (StreamNotFoundException e) {
            recorded = List.of();
        }
        assertThat(recorded).hasSize(acknowledged.size());
        for (RecordedEvent event : recorded) {
            AppendResult result = acknowledged.get(event.eventId());
            assertThat(result).as("a recorded event was acknowledged").isNotNull();
            assertThat(event.version()).isEqualTo(result.firstVersion());
            assertThat(event.position()).isEqualTo(result.position());
        }
    }
}
