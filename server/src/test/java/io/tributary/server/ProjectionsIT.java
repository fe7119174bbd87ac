package io.tributary.server;

import static io.tributary.server.Http.assertError;
import static io.tributary.server.Http.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.core.ReadFilter;
import io.tributary.cqrs.DocumentStore;
import io.tributary.cqrs.DocumentWriter;
import io.tributary.cqrs.FailurePolicy;
import io.tributary.cqrs.Projection;
import io.tributary.cqrs.ProjectionOptions;
import io.tributary.cqrs.ProjectionRunner;
import io.tributary.store.Durability;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Black-box tests of HTTP-API.md's projection endpoints over real HTTP: a server with three
 * projections on its own store — {@code counts} (events per stream, in memory), {@code gated}
 * (blocks on a latch, to prove the read-your-writes wait and its 409) and {@code fragile} (stops
 * on a poisoned event).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProjectionsIT {
    @TempDir
    static Path dir;
    TributaryServer server;
    Http http;
    final DocumentStore documents = DocumentStore.inMemory();
    final CountDownLatch gate = new CountDownLatch(1);
    final Map<String, ProjectionRunner<?>> runners = new HashMap<>();

    @BeforeAll
    void start() {
        server = TributaryServer.start(ServerConfig.builder(dir).port(0).durability(Durability.none()).build());
        http = new Http(server.uri());
        Projection<DocumentWriter> counts = Projection.of("counts", ReadFilter.categories("count"), (e, w) -> {
            long n = w.get("streams", e.stream().value()).map(d -> d.get("events").asLong()).orElse(0L);
            w.put("streams", e.stream().value(), Http.JSON.createObjectNode().put("stream", e.stream().value()).put("events", n + 1));
        });
        Projection<DocumentWriter> gated = Projection.of("gated", ReadFilter.categories("gate"), (e, w) -> {
            try {
                gate.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
            w.put("seen", e.stream().value(), Http.JSON.createObjectNode().put("version", e.version()));
        });
        Projection<DocumentWriter> fragile = Projection.of("fragile", ReadFilter.categories("fragile"), (e, w) -> {
            if (e.type().equals("Poison")) {
                throw new IllegalStateException("cannot digest " + e.type());
            }
            w.put("seen", e.stream().value(), Http.JSON.createObjectNode().put("version", e.version()));
        });
        runners.put("counts", ProjectionRunner.start(server.store(), counts, documents));
        runners.put("gated", ProjectionRunner.start(server.store(), gated, documents));
        runners.put("fragile", ProjectionRunner.start(server.store(), fragile, documents,
                ProjectionOptions.defaults().withFailurePolicy(FailurePolicy.stop())));
        server.serve(ServedProjection.documents(runners.get("counts"), documents, "streams"))
                .serve(ServedProjection.documents(runners.get("gated"), documents, "seen"))
                .serve(ServedProjection.documents(runners.get("fragile"), documents, "seen"));
    }

    @AfterAll
    void stop() {
        gate.countDown();
        server.close();
        documents.close();
    }

    static String unique(String category) {
        return category + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    long append(String stream, String type) {
        HttpResponse<String> r = http.post("/streams/" + stream, "[{\"type\":\"" + type + "\",\"data\":{}}]");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return json(r).get("position").asLong();
    }

    @Nested
    class Listing {
        @Test
        void listsEveryServedProjectionInNameOrderWithTheContractFields() {
            HttpResponse<String> r = http.get("/projections");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
            JsonNode list = json(r);
            assertThat(list.isArray()).isTrue();
            assertThat(list.findValuesAsText("name")).containsExactly("counts", "fragile", "gated");
            for (JsonNode p : list) {
                assertThat(p.get("status").asText()).isIn("catching_up", "live", "retrying", "rebuilding", "stopped");
                assertThat(p.get("position").isIntegralNumber()).isTrue();
                assertThat(p.get("lag").isIntegralNumber()).isTrue();
                assertThat(p.get("eventsPerSecond").isNumber()).isTrue();
            }
        }
    }

    @Nested
    class One {
        @Test
        void showsTheStatusOfOneProjectionCaughtUpToTheHead() throws Exception {
            long position = append(unique("count"), "Counted");
            ProjectionRunner<?> runner = runner("counts");
            runner.awaitPosition(position, Duration.ofSeconds(10));
            JsonNode p = json(http.get("/projections/counts"));
            assertThat(p.get("name").asText()).isEqualTo("counts");
            assertThat(p.get("position").asLong()).isGreaterThanOrEqualTo(position);
            assertThat(p.get("lag").asLong()).isEqualTo(p.get("headPosition").asLong() - p.get("position").asLong());
            assertThat(p.has("error")).isFalse();
        }

        @Test
        void answers404ForAnUnknownProjection() {
            assertError(http.get("/projections/nope"), 404, "not_found");
            assertError(http.post("/projections/nope/reset", ""), 404, "not_found");
            assertError(http.get("/projections/nope/state/x"), 404, "not_found");
        }

        @Test
        void showsTheErrorOfAStoppedProjection() throws Exception {
            String s = unique("fragile");
            append(s, "Fine");
            append(s, "Poison");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            JsonNode p = json(http.get("/projections/fragile"));
            while (!p.get("status").asText().equals("stopped") && System.nanoTime() < deadline) {
                Thread.sleep(20);
                p = json(http.get("/projections/fragile"));
            }
            assertThat(p.get("status").asText()).isEqualTo("stopped");
            assertThat(p.get("error").asText()).contains("cannot digest Poison");
        }
    }

    @Nested
    class State {
        @Test
        void returnsTheDocumentAfterWaitingForTheConsistencyToken() {
            String s = unique("count");
            append(s, "Counted");
            long position = append(s, "Counted");
            HttpResponse<String> r = http.get("/projections/counts/state/" + s + "?atLeast=" + position + "&timeoutMs=10000");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(json(r).get("events").asLong()).isEqualTo(2);
            assertThat(json(r).get("stream").asText()).isEqualTo(s);
        }

        @Test
        void answers404ForAKeyWithoutState() {
            JsonNode body = assertError(http.get("/projections/counts/state/count-never"), 404, "not_found");
            assertThat(body.get("key").asText()).isEqualTo("count-never");
        }

        @Test
        void answers409NotCaughtUpWithTheProcessedPositionWhenTheWaitTimesOut() {
            String s = unique("gate");
            long position = append(s, "Held");
            long started = System.nanoTime();
            JsonNode body = assertError(http.get("/projections/gated/state/" + s + "?atLeast=" + position + "&timeoutMs=300"),
                    409, "not_caught_up");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isGreaterThanOrEqualTo(290);
            assertThat(body.get("position").asLong()).isLessThan(position);
            assertThat(body.get("position").asLong()).isEqualTo(runner("gated").status().position());
        }

        @Test
        void answersAtOnceWithTimeout0WhenAlreadyCaughtUp() {
            String s = unique("count");
            long position = append(s, "Counted");
            runner("counts").awaitPosition(position, Duration.ofSeconds(10));
            HttpResponse<String> r = http.get("/projections/counts/state/" + s + "?atLeast=" + position + "&timeoutMs=0");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }

        @ParameterizedTest
        @ValueSource(strings = {"atLeast=-1", "atLeast=x", "atLeast=1.5", "atLeast=1&atLeast=2", "atLeast=0&timeoutMs=-5",
                "atLeast=0&timeoutMs=soon", "atLeast=0&timeoutMs=60001", "timeoutMs="})
        void answers400ForBadQueryParameters(String query) {
            assertError(http.get("/projections/counts/state/count-1?" + query), 400, "bad_request");
        }
    }

    @Nested
    class Reset {
        @Test
        void rebuildsTheReadModelFromTheStartOfTheLog() throws Exception {
            String s = unique("count");
            append(s, "Counted");
            long position = append(s, "Counted");
            runner("counts").awaitPosition(position, Duration.ofSeconds(10));
            long appliedBefore = runner("counts").status().eventsApplied();

            HttpResponse<String> r = http.post("/projections/counts/reset", "");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
            assertThat(json(r).get("name").asText()).isEqualTo("counts");

            HttpResponse<String> after = http.get("/projections/counts/state/" + s + "?atLeast=" + position);
            assertThat(after.statusCode()).as(after.body()).isEqualTo(200);
            assertThat(json(after).get("events").asLong()).isEqualTo(2);   // replayed, not doubled
            assertThat(runner("counts").status().eventsApplied()).isLessThanOrEqualTo(appliedBefore + 2);
        }
    }

    @Nested
    class Metrics {
        @Test
        void exportsPositionLagAndRatePerProjection() {
            String text = http.get("/metrics").body();
            assertThat(text).contains("tributary_projection_lag{projection=\"counts\"}")
                    .contains("tributary_projection_lag_ms{projection=\"gated\"}")
                    .contains("tributary_projection_events_per_second{projection=\"fragile\"}")
                    .contains("tributary_projection_position{projection=\"counts\"}");
        }
    }

    @Test
    void refusesASecondProjectionOfTheSameName() {
        ProjectionRunner<DocumentWriter> twin = ProjectionRunner.start(server.store(),
                Projection.of("counts", ReadFilter.all(), (e, w) -> { }), DocumentStore.inMemory());
        try {
            assertThatThrownBy(() -> server.serve(ServedProjection.documents(twin, documents, "streams")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("counts");
        } finally {
            twin.close();
        }
    }

    ProjectionRunner<?> runner(String name) {
        return runners.get(name);
    }
}
