package io.tributary.cqrs;

import static io.tributary.cqrs.OrderProjections.NAME;
import static io.tributary.cqrs.OrderProjections.append;
import static io.tributary.cqrs.OrderProjections.appendOther;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tributary.core.Direction;
import io.tributary.core.RecordedEvent;
import io.tributary.cqrs.internal.ProjectionWorker;
import io.tributary.store.EmbeddedEventStore;
import io.tributary.store.Tributary;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.SortedMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The behaviour every document store gives a projection runner, on the real embedded event store. */
abstract class ProjectionRunnerContract {
    static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    EmbeddedEventStore store;
    DocumentStore docs;

    /** Opens the document store under test. */
    abstract DocumentStore open(Path directory);

    /** Simulates a process restart: the same data as a new process sees it. */
    abstract DocumentStore restart(DocumentStore current, Path directory);

    @BeforeEach
    void setUp() {
        store = Tributary.open(dir.resolve("log"));
        docs = open(dir.resolve("docs"));
    }

    @AfterEach
    void tearDown() {
        docs.close();
        store.close();
    }

    ProjectionOptions options() {
        return ProjectionOptions.defaults().withPollTimeout(Duration.ofMillis(20));
    }

    SortedMap<String, String> cleanReplay(Projection<DocumentWriter> projection, long position) {
        try (DocumentStore scratch = DocumentStore.inMemory()) {
            TimeTravel.replayUpTo(store, projection, scratch, position, WAIT);
            return scratch.contents(projection.name());
        }
    }

    @Nested
    class CatchUpAndLive {
        @Test
        void refusesASecondRunnerOfTheSameProjectionOnTheSameStore() {
            long head = append(store, "1", "ada", 10);
            try (ProjectionRunner<DocumentWriter> runner = ProjectionRunner.start(store, OrderProjections.summary(), docs, options())) {
                assertThatThrownBy(() -> ProjectionRunner.start(store, OrderProjections.summary(), docs, options()))
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("'" + NAME + "' is already running on this read-model store");
                runner.awaitPosition(head, WAIT);
            }
            try (ProjectionRunner<DocumentWriter> again = ProjectionRunner.start(store, OrderProjections.summary(), docs, options())) {
                again.awaitPosition(head, WAIT);
                assertThat(docs.get(NAME, "orders", "1").orElseThrow().get("total").asLong())
                        .as("applied once, by one runner at a time").isEqualTo(10);
            }
        }

        @Test
        void appliesHistoryThenNewEvents() {
            append(store, "1", "ada", 10);
            append(store, "1", "ada", 5);
            try (ProjectionRunner<DocumentWriter> runner = ProjectionRunner.start(store, OrderProjections.summary(), docs, options())) {
                runner.awaitPosition(store.headPosition(), WAIT);
                assertThat(docs.get(NAME, "orders", "1").orElseThrow().get("total").asLong()).isEqualTo(15);

                long token = append(store, "2", "bob", 7);
                assertThat(runner.query(token, WAIT, () -> docs.get(NAME, "orders", "2")))
                        .hasValueSatisfying(d -> assertThat(d.get("customer").asText()).isEqualTo("bob"));
            }
        }

        @Test
        void resumesFromItsCheckpointAfterARestart() {
            append(store, "1", "ada", 10);
            try (ProjectionRunner<DocumentWriter> runner = ProjectionRunner.start(store, OrderProjections.summary(), docs, options())) {
                runner.awaitPosition(store.headPosition(), WAIT);
            }
            append(store, "1", "ada", 1);
            docs = restart(docs, dir.resolve("docs"));
            try (ProjectionRunner<DocumentWriter> runner = ProjectionRunner.start(store, OrderProjections.summary(), docs, options())) {
                runner.awaitPosition(store.headPosition(), WAIT);
                assertThat(docs.get(NAME, "orders", "1").orElseThrow().get("count").asInt()).isEqualTo(2);
            }
        }
    }

    @Nested
    class ReadYourWrites {
        @Test
        void waitsForAPositionTheFilterSkips() {
            append(store, "1", "ada", 10);
            long other = appendOther(store, "CustomerRenamed");
            try (ProjectionRunner<DocumentWriter> runner = ProjectionRunner.start(store, OrderProjections.summary(), docs, options())) {
                runner.awaitPosition(other, WAIT);
                assertThat(runner.status().position()).isGreaterThanOrEqualTo(other);
            }
        }

        @Test
        void timesOutWithAClearException() {
            try (ProjectionRunner<DocumentWriter> runner = ProjectionRunner.start(store, OrderProjections.summary(), docs, options())) {
                assertThatThrownBy(() -> runner.awaitPosition(1_000, Duration.ofMillis(100)))
                        .isInstanceOf(ProjectionTimeoutException.class)
                        .hasMessageContaining("'orders'")
                        .hasMessageContaining("timed out")
                        .satisfies(e -> assertThat(((ProjectionTimeoutException) e).wanted()).isEqualTo(1_000));
            }
        }
    }

    @Nested
    class Status {
        @Test
        void reportsPositionLagAndCounts() {
            for (int i = 0; i < 50; i++) {
                append(store, "o" + (i % 5), "c", 1);
            }
            try (ProjectionRunner<DocumentWriter> runner = ProjectionRunner.start(store, OrderProjections.summary(), docs,
                    options().withMaxBatchEvents(7))) {
                runner.awaitPosition(store.headPosition(), WAIT);
                ProjectionStatus s = runner.status();
                assertThat(s.name()).isEqualTo(NAME);
                assertThat(s.position()).isEqualTo(store.headPosition());
                assertThat(s.checkpoint()).isEqualTo(store.headPosition());
                assertThat(s.lagEvents()).isZero();
                assertThat(s.lagMs()).isZero();
                assertThat(s.eventsApplied()).isEqualTo(50);
                assertThat(s.eventsPerSecond()).isPositive();
                assertThat(s.lastError()).isEmpty();
                assertThat(s.state()).isIn(ProjectionStatus.State.LIVE, ProjectionStatus.State.CATCHING_UP);
            }
        }
    }

    @Nested
    class FailurePolicies {
        @Test
        void stopHaltsAtThePoisonAndSaysWhy() {
            append(store, "1", "ada", 10);
            long poison = store.append(io.tributary.core.StreamName.of("order-1"), io.tributary.core.ExpectedVersion.any(),
                    io.tributary.core.EventData.json("Poison", "{}")).join().position();
            long after = append(store, "1", "ada", 1);
            try (ProjectionRunner<DocumentWriter> runner = ProjectionRunner.start(store,
                    OrderProjections.summary(new AtomicInteger(-1)), docs, options().withMaxBatchEvents(1)
                            .withClock(Clock.offset(Clock.systemUTC(), Duration.ofHours(1))))) {
                assertThatThrownBy(() -> runner.awaitPosition(after, WAIT))
                        .isInstanceOf(ProjectionTimeoutException.class).hasMessageContaining("stopped");
                ProjectionStatus s = runner.status();
                assertThat(s.lagEvents()).isEqualTo(2);
                assertThat(s.lagMs()).isGreaterThanOrEqualTo(Duration.ofHours(1).toMillis());
                assertThat(s.failurePolicy()).isEqualTo(FailurePolicy.stop());
                assertThat(s.state()).isEqualTo(ProjectionStatus.State.STOPPED);
                assertThat(s.checkpoint()).isEqualTo(poison - 1);
                assertThat(s.lastError()).hasValueSatisfying(e -> assertThat(e).contains("Poison at position " + poison));
            }
            assertThat(docs.get(NAME, "orders", "1").orElseThrow().get("total").asLong()).isEqualTo(10);
        }

        @Test
        void deadLetterParksThePoisonAndGoesOn() {
            append(store, "1", "ada", 10);
            long poison = store.append(io.tributary.core.StreamName.of("order-1"), io.tributary.core.ExpectedVersion.any(),
                    io.tributary.core.EventData.json("Poison", "{}")).join().position();
            long after = append(store, "1", "ada", 1);
            try (ProjectionRunner<DocumentWriter> runner = ProjectionRunner.start(store,
                    OrderProjections.summary(new AtomicInteger(-1)), docs, options().withFailurePolicy(FailurePolicy.deadLetter()))) {
                runner.awaitPosition(after, WAIT);
                assertThat(runner.status().eventsParked()).isEqualTo(1);
                assertThat(runner.status().lastError()).isPresent();
            }
            assertThat(docs.get(NAME, "orders", "1").orElseThrow().get("total").asLong()).isEqualTo(11);
            List<RecordedEvent> parked = store.readStream(ProjectionWorker.parkedStream(NAME), 0, 10, Direction.FORWARD).events();
            assertThat(parked).singleElement().satisfies(e -> {
                assertThat(e.type()).isEqualTo("Poison");
                assertThat(e.metadataAsString()).contains("\"position\":" + poison).contains("cannot apply poison");
            });
        }

        @Test
        void retryRecoversFromATransientFailure() {
            store.append(io.tributary.core.StreamName.of("order-1"), io.tributary.core.ExpectedVersion.any(),
                    io.tributary.core.EventData.json("Poison", "{}")).join();
            long after = append(store, "1", "ada", 1);
            try (ProjectionRunner<DocumentWriter> runner = ProjectionRunner.start(store, OrderProjections.summary(new AtomicInteger(2)), docs,
                    options().withFailurePolicy(FailurePolicy.retry(3, Duration.ofMillis(1), Duration.ofMillis(5))))) {
                runner.awaitPosition(after, WAIT);
                assertThat(runner.status().lastError()).isPresent();
            }
            assertThat(docs.get(NAME, "orders", "1").orElseThrow().get("count").asInt()).isEqualTo(1);
        }

        @Test
        void retryGivesUpAfterItsBound() {
            store.append(io.tributary.core.StreamName.of("order-1"), io.tributary.core.ExpectedVersion.any(),
                    io.tributary.core.EventData.json("Poison", "{}")).join();
            long after = append(store, "1", "ada", 1);
            try (ProjectionRunner<DocumentWriter> runner = ProjectionRunner.start(store, OrderProjections.summary(new AtomicInteger(-1)), docs,
                    options().withFailurePolicy(FailurePolicy.retry(2, Duration.ofMillis(1), Duration.ofMillis(2))))) {
                assertThatThrownBy(() -> runner.awaitPosition(after, WAIT)).isInstanceOf(ProjectionTimeoutException.class);
                assertThat(runner.status().state()).isEqualTo(ProjectionStatus.State.STOPPED);
                assertThat(runner.status().lastError()).hasValueSatisfying(e -> assertThat(e).contains("gave up after 2 retries"));
            }
        }
    }

    @Nested
    class ExactlyOnce {
        @Test
        void aCrashAtAnyCommitNeitherSkipsNorRepeatsAnEffect() {
            for (int i = 0; i < 300; i++) {
                append(store, "o" + (i % 17), "c" + (i % 3), i);
                if (i % 10 == 0) {
                    appendOther(store, "Noise");
                }
            }
            long head = store.headPosition();
            SortedMap<String, String> expected = cleanReplay(OrderProjections.summary(), head);
            for (int failAt : new int[] {1, 2, 5, 13}) {
                for (FaultyReadModelStore.When when : FaultyReadModelStore.When.values()) {
                    String slot = NAME;
                    docs.reset(slot, w -> { });
                    FaultyReadModelStore<DocumentWriter> faulty = new FaultyReadModelStore<>(docs, failAt, when);
                    try (ProjectionRunner<DocumentWriter> crashing = ProjectionRunner.start(store, OrderProjections.summary(), faulty,
                            options().withMaxBatchEvents(11))) {
                        assertThatThrownBy(() -> crashing.awaitPosition(head, WAIT)).isInstanceOf(ProjectionTimeoutException.class);
                    }
                    docs = restart(docs, dir.resolve("docs"));
                    try (ProjectionRunner<DocumentWriter> restarted = ProjectionRunner.start(store, OrderProjections.summary(), docs,
                            options().withMaxBatchEvents(11))) {
                        restarted.awaitPosition(head, WAIT);
                    }
                    assertThat(docs.contents(slot)).as("crash at commit %d %s", failAt, when).isEqualTo(expected);
                }
            }
        }
    }

    @Nested
    class Rebuilds {
        @Test
        void resetReplaysToTheSameReadModel() {
            for (int i = 0; i < 40; i++) {
                append(store, "o" + (i % 4), "c", i);
            }
            try (ProjectionRunner<DocumentWriter> runner = ProjectionRunner.start(store, OrderProjections.summary(), docs, options())) {
                runner.awaitPosition(store.headPosition(), WAIT);
                SortedMap<String, String> before = docs.contents(NAME);
                runner.reset();
                runner.awaitPosition(store.headPosition(), WAIT);
                assertThat(docs.contents(NAME)).isEqualTo(before);
                assertThat(runner.status().eventsApplied()).isEqualTo(40);
            }
        }

        @Test
        void shadowRebuildSwapsInTheNewVersionWithADiff() {
            for (int i = 0; i < 40; i++) {
                append(store, "o" + (i % 4), "c", i);
            }
            try (ProjectionRunner<DocumentWriter> runner = ProjectionRunner.start(store, OrderProjections.summary(), docs, options())) {
                runner.awaitPosition(store.headPosition(), WAIT);
                RebuildReport report = runner.rebuildInShadow(OrderProjections.summaryV2(), WAIT);
                assertThat(report.changedCount()).isEqualTo(4);
                assertThat(report.changed()).contains("orders/o0");
                assertThat(report.addedCount()).isZero();
                assertThat(report.removedCount()).isZero();
                assertThat(report.newSlot()).isEqualTo("orders~1");
                assertThat(docs.activeSlot(NAME)).isEqualTo("orders~1");
                assertThat(docs.contents("orders")).isEmpty();
                assertThat(docs.get(NAME, "orders", "o1").orElseThrow().has("lastPosition")).isTrue();

                long token = append(store, "o9", "z", 1);
                assertThat(runner.query(token, WAIT, () -> docs.get(NAME, "orders", "o9"))).isPresent();
                assertThat(runner.status().slot()).isEqualTo("orders~1");

                RebuildReport same = runner.rebuildInShadow(WAIT);
                assertThat(same.identical()).isTrue();
                assertThat(same.newSlot()).isEqualTo("orders~2");
            }
        }
    }

    @Nested
    class TimeTravelling {
        @Test
        void readModelAsOfAPastPositionLeavesTheLiveOneAlone() {
            long first = append(store, "1", "ada", 10);
            append(store, "1", "ada", 5);
            try (ProjectionRunner<DocumentWriter> runner = ProjectionRunner.start(store, OrderProjections.summary(), docs, options())) {
                runner.awaitPosition(store.headPosition(), WAIT);
                try (DocumentStore past = TimeTravel.documentsAsOf(store, OrderProjections.summary(), first, WAIT)) {
                    assertThat(past.get(NAME, "orders", "1").orElseThrow().get("total").asLong()).isEqualTo(10);
                }
                assertThat(docs.get(NAME, "orders", "1").orElseThrow().get("total").asLong()).isEqualTo(15);
            }
        }
    }
}
