package io.tributary.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;


import io.tributary.core.AppendResult;
import org.awaitility.Awaitility;
import io.tributary.core.ExpectedVersion;
import io.tributary.core.ReadFilter;
import io.tributary.core.RecordedEvent;
import io.tributary.core.StoreClosedException;
import io.tributary.core.StreamDeletedException;
import io.tributary.core.StreamName;
import io.tributary.core.Subscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Catch-up-then-live subscriptions to {@code $all}, a category and a stream: no gap and no
 * duplicate at the switch, pull-based back-pressure, and closing.
 */
abstract class SubscriptionContract extends ContractSection {
    private static final List<StreamName> STREAMS = List.of(
            stream("account-1"), stream("order-1"), stream("account-2"), stream("order-2"));

    /** Appends {@code total} events over {@link #STREAMS} in batches of 1 to 37 events; returns each batch's stream and size. */
    private List<Batch> writeBatches(int total, int seed) {
        List<Batch> batches = new ArrayList<>();
        int written = 0;
        for (int i = seed; written < total; i++) {
            int size = Math.min(1 + (i * 7) % 37, total - written);
            StreamName target = STREAMS.get(i % STREAMS.size());
            append(target, ExpectedVersion.any(), events(size, i % 3 == 0 ? "Deposited" : "Withdrawn"));
            batches.add(new Batch(target, size));
            written += size;
        }
        return batches;
    }

    private record Batch(StreamName stream, int size) {
    }

    private static int eventsIn(List<Batch> batches, String category) {
        return batches.stream().filter(b -> b.stream().category().equals(category)).mapToInt(Batch::size).sum();
    }

    @Test
    void catchesUpThenFollowsLiveAppendsToAllWithoutGapOrDuplicate() throws Exception {
        // given: 1,000 events already written
        writeBatches(1_000, 0);
        Subscription subscription = store().subscribeToAll(0, ReadFilter.all());

        // when: 2,000 more are written while the subscriber polls
        Background<List<Batch>> writer = Background.start("writer", () -> writeBatches(2_000, 1_000));
        List<RecordedEvent> received = pollUntil(subscription, 3_000, 97);
        await(writer.result());

        // then
        assertThat(positions(received)).isEqualTo(range(0, 2_999));
        assertThat(received).isEqualTo(readAll(ReadFilter.all()));
        assertNothingMore(subscription);
        assertThat(subscription.nextCursor()).isEqualTo(3_000);
        subscription.close();
    }

    @Test
    void deliversOnlyTheCategoryInGlobalOrderThroughCatchUpAndLive() throws Exception {
        // given
        List<Batch> before = writeBatches(500, 0);
        Subscription subscription = store().subscribeToCategory("account", 0);

        // when
        Background<List<Batch>> writer = Background.start("writer", () -> writeBatches(1_500, 500));
        int expectedCount = eventsIn(before, "account") + eventsIn(await(writer.result()), "account");
        List<RecordedEvent> received = pollUntil(subscription, expectedCount, 50);

        // then
        List<RecordedEvent> accounts = readAll(ReadFilter.all()).stream()
                .filter(e -> e.stream().category().equals("account"))
                .collect(Collectors.toList());
        assertThat(accounts).hasSize(expectedCount);
        assertThat(received).isEqualTo(accounts);
        assertNothingMore(subscription);
        subscription.close();
    }

    @Test
    void deliversAStreamsVersionsInOrderThroughCatchUpAndLive() throws Exception {
        // given
        StreamName account = STREAMS.get(0);
        appendEvents(account, 300);
        appendEvents(STREAMS.get(1), 10);
        Subscription subscription = store().subscribeToStream(account, 0);

        // when: the stream and another one grow while the subscriber polls
        Background<Void> writer = Background.start("writer", () -> {
            for (int i = 0; i < 70; i++) {
                appendEvents(account, 10);
                appendEvents(STREAMS.get(1), 1);
            }
            return null;
        });
        List<RecordedEvent> received = pollUntil(subscription, 1_000, 64);
        await(writer.result());

        // then
        assertThat(versions(received)).isEqualTo(range(0, 999));
        assertThat(received).isEqualTo(readStream(account));
        assertNothingMore(subscription);
        assertThat(subscription.nextCursor()).isEqualTo(1_000);
        subscription.close();
    }

    @Test
    void subscribingFromHeadPlusOneReceivesOnlyNewEvents() throws Exception {
        // given
        appendEvents(STREAMS.get(0), 5);
        Subscription subscription = store().subscribeToAll(store().headPosition() + 1, ReadFilter.all());
        assertThat(subscription.nextCursor()).isEqualTo(5);
        assertNothingMore(subscription);

        // when
        AppendResult appended = appendEvents(STREAMS.get(1), 3);

        // then
        List<RecordedEvent> received = pollUntil(subscription, 3, 100);
        assertThat(positions(received)).containsExactly(5L, 6L, 7L);
        assertThat(appended.position()).isEqualTo(7);
        assertNothingMore(subscription);
        subscription.close();
    }

    @Test
    void subscribingToAnEmptyStoreReceivesTheFirstEvents() throws Exception {
        Subscription subscription = store().subscribeToAll(store().headPosition() + 1, ReadFilter.all());

        appendEvents(STREAMS.get(0), 2);

        assertThat(positions(pollUntil(subscription, 2, 10))).containsExactly(0L, 1L);
        subscription.close();
    }

    @Test
    void subscribingToAStreamThatDoesNotExistYetReceivesItsEventsOnceWritten() throws Exception {
        // given
        StreamName later = stream("account-later");
        Subscription subscription = store().subscribeToStream(later, 0);
        assertNothingMore(subscription);

        // when
        appendEvents(STREAMS.get(0), 3);
        AppendResult appended = appendEvents(later, 2);

        // then
        List<RecordedEvent> received = pollUntil(subscription, 2, 10);
        assertThat(versions(received)).containsExactly(0L, 1L);
        assertThat(received).extracting(RecordedEvent::stream).containsOnly(later);
        assertThat(received.get(1).position()).isEqualTo(appended.position());
        assertNothingMore(subscription);
        assertThat(subscription.nextCursor()).isEqualTo(2);
        subscription.close();
    }

    @Test
    void subscribingToAStreamFromAVersionSkipsTheEarlierOnes() throws Exception {
        StreamName account = STREAMS.get(0);
        appendEvents(account, 5);

        Subscription subscription = store().subscribeToStream(account, 3);

        assertThat(versions(pollUntil(subscription, 2, 10))).containsExactly(3L, 4L);
        assertNothingMore(subscription);
        subscription.close();
    }

    @Test
    void deliversOnlyEventsThatMatchTheFilter() throws Exception {
        // given
        writeBatches(300, 0);
        Subscription subscription = store().subscribeToAll(0, ReadFilter.eventTypes("Deposited"));

        // when
        writeBatches(300, 300);

        // then
        List<RecordedEvent> deposits = readAll(ReadFilter.all()).stream()
                .filter(e -> e.type().equals("Deposited"))
                .collect(Collectors.toList());
        assertThat(deposits).isNotEmpty();
        assertThat(pollUntil(subscription, deposits.size(), 33)).isEqualTo(deposits);
        assertNothingMore(subscription);
        subscription.close();
    }

    @Test
    void returnsAtMostMaxEventsPerPollAndAdvancesTheCursor() throws Exception {
        // given
        appendEvents(STREAMS.get(0), 10);
        Subscription subscription = store().subscribeToAll(0, ReadFilter.all());
        assertThat(subscription.nextCursor()).isZero();

        // when
        List<RecordedEvent> batch = subscription.poll(3, TIMEOUT);

        // then
        assertThat(batch).isNotEmpty().hasSizeLessThanOrEqualTo(3);
        assertThat(positions(batch)).isEqualTo(range(0, batch.size() - 1));
        assertThat(subscription.nextCursor()).isEqualTo(batch.size());
        List<RecordedEvent> rest = pollUntil(subscription, 10 - batch.size(), 3);
        assertThat(positions(rest)).isEqualTo(range(batch.size(), 9));
        assertThat(subscription.nextCursor()).isEqualTo(10);
        subscription.close();
    }

    @Test
    void returnsAnEmptyListWhenNothingArrivesBeforeTheTimeout() throws Exception {
        appendEvents(STREAMS.get(0), 1);
        Subscription subscription = store().subscribeToAll(1, ReadFilter.all());

        List<RecordedEvent> batch = subscription.poll(10, Duration.ofMillis(100));

        assertThat(batch).isEmpty();
        assertThat(subscription.nextCursor()).isEqualTo(1);
        subscription.close();
    }

    @Test
    void deliversEveryEventInOrderToManyConcurrentSubscribers() throws Exception {
        // given
        int subscribers = harness().concurrentSubscribers();
        writeBatches(100, 0);
        List<Subscription> subscriptions = new ArrayList<>();
        for (int i = 0; i < subscribers; i++) {
            subscriptions.add(store().subscribeToAll(0, ReadFilter.all()));
        }
        ExecutorService pollers = Executors.newFixedThreadPool(subscribers);
        try {
            // when
            List<Future<List<RecordedEvent>>> results = new ArrayList<>();
            for (Subscription subscription : subscriptions) {
                results.add(pollers.submit(() -> pollUntil(subscription, 300, 64)));
            }
            writeBatches(200, 100);

            // then
            List<Long> expected = range(0, 299);
            for (Future<List<RecordedEvent>> result : results) {
                assertThat(positions(result.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))).isEqualTo(expected);
            }
        } finally {
            pollers.shutdownNow();
            subscriptions.forEach(Subscription::close);
        }
    }

    @Test
    void aSubscriberThatNeverPollsSlowsNeitherTheWriterNorOtherSubscribers() throws Exception {
        // given: one subscriber that stalls and one that keeps up
        Subscription stalled = store().subscribeToAll(0, ReadFilter.all());
        Subscription active = store().subscribeToAll(0, ReadFilter.all());
        Background<List<RecordedEvent>> activeConsumer =
                Background.start("active", () -> pollUntil(active, 5_000, 500));

        // when: 5,000 events are appended
        long start = System.nanoTime();
        for (int i = 0; i < 50; i++) {
            appendEvents(STREAMS.get(i % STREAMS.size()), 100);
        }
        Duration writing = Duration.ofNanos(System.nanoTime() - start);

        // then: the writer never waited for the stalled subscriber, the active one got everything
        assertThat(writing).isLessThan(Duration.ofSeconds(20));
        assertThat(positions(await(activeConsumer.result()))).isEqualTo(range(0, 4_999));
        // and the stalled subscriber, once it polls, still gets every event in order
        assertThat(positions(pollUntil(stalled, 5_000, 1_000))).isEqualTo(range(0, 4_999));
        stalled.close();
        active.close();
    }

    @Test
    void closingTheStoreWakesABlockedPollWithStoreClosed() {
        // given: a poll blocked waiting for events that will never come
        Subscription subscription = store().subscribeToAll(0, ReadFilter.all());
        Background<List<RecordedEvent>> poller =
                Background.start("poller", () -> subscription.poll(10, Duration.ofSeconds(50)));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(poller::isWaiting);

        // when
        long start = System.nanoTime();
        harness().closeStore();

        // then
        assertFailsWith(poller.result(), StoreClosedException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void closingTheSubscriptionWakesABlockedPollAndLaterPollsFail() throws Exception {
        // given
        StreamName account = STREAMS.get(0);
        Subscription subscription = store().subscribeToStream(account, 0);
        Background<List<RecordedEvent>> poller =
                Background.start("poller", () -> subscription.poll(10, Duration.ofSeconds(50)));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(poller::isWaiting);

        // when
        long start = System.nanoTime();
        subscription.close();

        // then
        assertFailsWith(poller.result(), StoreClosedException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThatThrownBy(() -> subscription.poll(10, Duration.ofMillis(10))).isInstanceOf(StoreClosedException.class);
        // the store itself goes on
        assertThat(appendEvents(account, 1).lastVersion()).isZero();
    }

    @Test
    void aStreamSubscriptionFailsWithStreamDeletedOnceTheStreamIsHardDeleted() throws Exception {
        // given
        StreamName account = STREAMS.get(0);
        appendEvents(account, 3);
        Subscription subscription = store().subscribeToStream(account, 0);
        assertThat(versions(pollUntil(subscription, 3, 10))).containsExactly(0L, 1L, 2L);

        // when
        delete(account, true);

        // then: the next polls (once the delete is seen) throw
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Awaitility.await().atMost(TIMEOUT).until(() -> {
            failure.set(catchThrowable(() -> subscription.poll(10, Duration.ofMillis(100))));
            return failure.get() != null;
        });
        assertThat(failure.get()).isInstanceOf(StreamDeletedException.class);
        assertThat(((StreamDeletedException) failure.get()).stream()).isEqualTo(account);
        subscription.close();
    }
}
