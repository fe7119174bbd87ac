package io.tributary.server;

import static io.tributary.server.Http.assertError;
import static io.tributary.server.Http.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.core.RecordedEvent;
import io.tributary.store.Durability;
import io.tributary.streams.Consumed;
import io.tributary.streams.Materialized;
import io.tributary.streams.ProcessorConfig;
import io.tributary.streams.ProcessorStatus;
import io.tributary.streams.StreamProcessor;
import io.tributary.streams.StreamsBuilder;
import io.tributary.streams.Topology;
import io.tributary.streams.Windows;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Black-box tests of the processor endpoints ({@code GET /processors}, {@code /processors/{name}},
 * {@code /processors/{name}/state/{store}/{key}}) over real HTTP: a server with three stream
 * processors on its own store — {@code clicks} (per-minute windowed counts, a total count and the
 * last click per user, in event time taken from the data), {@code late-clicks} (the same topology
 * on another category, to count late events) and {@code fragile} (fails on a poisoned event).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProcessorsIT {
    /** 2026-01-01T00:00:00Z, a minute boundary. */
    static final long BASE = 1_767_225_600_000L;
    @TempDir
    static Path dir;
    TributaryServer server;
    Http http;
    final Map<String, StreamProcessor> processors = new HashMap<>();

    /** A click of a user (the stream id) on a page at an event time. */
    record Click(String page, long atMs) {
        static Click decode(RecordedEvent e) {
            try {
                JsonNode data = Http.JSON.readTree(e.data());
                if (e.type().equals("Poison")) {
                    throw new IllegalStateException("cannot digest " + e.type());
                }
                return new Click(data.path("page").asText(), data.path("atMs").asLong());
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }
    }

    static Topology clicks(String category) {
        StreamsBuilder b = new StreamsBuilder();
        b.stream(source(category)).groupByKey().windowedBy(Windows.tumbling(Duration.ofMinutes(1)))
                .count(Materialized.as("per-minute"));
        b.stream(source(category)).groupByKey().count(Materialized.as("total"));
        b.stream(source(category)).groupByKey().reduce((first, second) -> second, Materialized.as("last"));
        return b.build();
    }

    static Consumed<String, Click> source(String category) {
        return Consumed.category(category, Click::decode).withTimestamps((e, c) -> c.atMs());
    }

    @BeforeAll
    void start() {
        server = TributaryServer.start(ServerConfig.builder(dir).port(0).durability(Durability.none()).build());
        http = new Http(server.uri());
        processors.put("clicks", StreamProcessor.start(server.store(), clicks("click"), ProcessorConfig.of("clicks")));
        processors.put("late-clicks", StreamProcessor.start(server.store(), clicks("lateclick"), ProcessorConfig.of("late-clicks")));
        processors.put("fragile", StreamProcessor.start(server.store(), clicks("fragile"), ProcessorConfig.of("fragile")));
        server.serve(ServedProcessor.of(processors.get("clicks")))
                .serve(ServedProcessor.of(processors.get("late-clicks")))
                .serve(ServedProcessor.of(processors.get("fragile")));
    }

    @AfterAll
    void stop() {
        server.close();
    }

    static String user() {
        return "u" + UUID.randomUUID().toString().substring(0, 8);
    }

    long click(String stream, String page, long atMs) {
        return append(stream, "Clicked", "{\"page\":\"" + page + "\",\"atMs\":" + atMs + "}");
    }

    long append(String stream, String type, String data) {
        HttpResponse<String> r = http.post("/streams/" + stream, "[{\"type\":\"" + type + "\",\"data\":" + data + "}]");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return json(r).get("position").asLong();
    }

    void await(String processor, long position) throws InterruptedException {
        assertThat(processors.get(processor).awaitPosition(position, Duration.ofSeconds(10))).isTrue();
    }

    @Nested
    class Listing {
        @Test
        void listsEveryServedProcessorInNameOrderWithTheContractFields() throws Exception {
            await("clicks", click("click-" + user(), "/home", BASE));
            HttpResponse<String> r = http.get("/processors");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
            JsonNode list = json(r);
            assertThat(list.findValuesAsText("name")).containsExactly("clicks", "fragile", "late-clicks");
            for (JsonNode p : list) {
                assertThat(p.get("status").asText()).isIn("running", "failed", "stopped");
                assertThat(p.get("inputPosition").isIntegralNumber()).isTrue();
                assertThat(p.has("watermark")).isTrue();
                assertThat(p.get("lateEvents").isIntegralNumber()).isTrue();
                assertThat(p.get("eventsPerSecond").isNumber()).isTrue();
                assertThat(p.get("stores").isArray()).isTrue();
            }
            JsonNode clicks = list.get(0);
            assertThat(clicks.get("status").asText()).isEqualTo("running");
            assertThat(clicks.get("watermark").asText()).startsWith("2026-01-01T00:00:");
            assertThat(clicks.get("watermarkMs").asLong()).isBetween(BASE, BASE + 60_000);
            assertThat(clicks.get("stores")).extracting(JsonNode::asText).containsExactlyInAnyOrder("per-minute", "total", "last");
        }

        @Test
        void showsOneProcessorCaughtUpToTheHead() throws Exception {
            long position = click("click-" + user(), "/home", BASE);
            await("clicks", http.head());
            JsonNode p = json(http.get("/processors/clicks"));
            assertThat(p.get("name").asText()).isEqualTo("clicks");
            assertThat(p.get("inputPosition").asLong()).isGreaterThanOrEqualTo(position);
            assertThat(p.get("lag").asLong()).isEqualTo(Math.max(0, p.get("headPosition").asLong() - p.get("inputPosition").asLong()));
            assertThat(p.has("error")).isFalse();
        }

        @Test
        void anUnknownProcessorIsA404NamingIt() {
            JsonNode error = assertError(http.get("/processors/nope"), 404, "not_found");
            assertThat(error.get("processor").asText()).isEqualTo("nope");
            assertThat(error.get("message").asText()).contains("GET /processors");
        }

        @Test
        void aFailedProcessorShowsItsError() throws Exception {
            append("fragile-" + user(), "Poison", "{}");
            JsonNode p = DemoIT.awaitJson(http, "/processors/fragile", f -> f.get("status").asText().equals("failed"));
            assertThat(p.get("error").asText()).contains("cannot digest Poison");
        }

        @Test
        void countsLateEvents() throws Exception {
            String stream = "lateclick-" + user();
            click(stream, "/home", BASE + 10 * 60_000);
            await("late-clicks", click(stream, "/home", BASE));   // its window closed when the watermark passed it
            JsonNode p = json(http.get("/processors/late-clicks"));
            assertThat(p.get("lateEvents").asLong()).isGreaterThanOrEqualTo(1);
        }

        @Test
        void exportsPrometheusGaugesPerProcessor() throws Exception {
            await("clicks", click("click-" + user(), "/home", BASE));
            String metrics = http.get("/metrics").body();
            assertThat(metrics).contains("tributary_processor_input_position{processor=\"clicks\"}",
                    "tributary_processor_lag{processor=\"clicks\"}", "tributary_processor_watermark_seconds{processor=\"clicks\"}",
                    "tributary_processor_late_events{processor=\"late-clicks\"}",
                    "tributary_processor_events_per_second{processor=\"clicks\"}", "tributary_processor_failed{processor=\"fragile\"}");
        }
    }

    @Nested
    class State {
        @Test
        void aTableEntryIsItsValueAsJson() throws Exception {
            String user = user();
            click("click-" + user, "/home", BASE);
            await("clicks", click("click-" + user, "/cart", BASE + 500));
            JsonNode total = json(http.get("/processors/clicks/state/total/" + user));
            assertThat(total.get("processor").asText()).isEqualTo("clicks");
            assertThat(total.get("store").asText()).isEqualTo("total");
            assertThat(total.get("key").asText()).isEqualTo(user);
            assertThat(total.get("value").asLong()).isEqualTo(2);
            JsonNode last = json(http.get("/processors/clicks/state/last/" + user)).get("value");
            assertThat(last.get("page").asText()).isEqualTo("/cart");
            assertThat(last.get("atMs").asLong()).isEqualTo(BASE + 500);
        }

        @Test
        void aWindowedEntryListsTheOpenWindowsWithStartEndAndValue() throws Exception {
            String user = user();
            click("click-" + user, "/home", BASE + 100);
            await("clicks", click("click-" + user, "/home", BASE + 900));
            JsonNode entry = json(http.get("/processors/clicks/state/per-minute/" + user));
            assertThat(entry.has("value")).isFalse();
            JsonNode windows = entry.get("windows");
            assertThat(windows.size()).isEqualTo(1);
            assertThat(windows.get(0).get("start").asText()).isEqualTo("2026-01-01T00:00:00.000Z");
            assertThat(windows.get(0).get("end").asText()).isEqualTo("2026-01-01T00:01:00.000Z");
            assertThat(windows.get(0).get("startMs").asLong()).isEqualTo(BASE);
            assertThat(windows.get(0).get("endMs").asLong()).isEqualTo(BASE + 60_000);
            assertThat(windows.get(0).get("value").asLong()).isEqualTo(2);
        }

        @Test
        void waitsForAPositionWithAtLeast() {
            String user = user();
            long position = click("click-" + user, "/home", BASE);
            JsonNode total = json(http.get("/processors/clicks/state/total/" + user + "?atLeast=" + position));
            assertThat(total.get("value").asLong()).isEqualTo(1);
        }

        @Test
        void aPositionNotReachedInTimeIsA409WithThePositionReached() {
            JsonNode error = assertError(http.get("/processors/clicks/state/total/x?atLeast=" + (http.head() + 1_000) + "&timeoutMs=300"),
                    409, "not_caught_up");
            assertThat(error.get("position").isIntegralNumber()).isTrue();
        }

        @ParameterizedTest
        @ValueSource(strings = {"atLeast=-1", "atLeast=x", "timeoutMs=-5", "timeoutMs=600000", "atLeast=1&atLeast=2"})
        void badQueryParametersAre400(String query) {
            assertError(http.get("/processors/clicks/state/total/x?" + query), 400, "bad_request");
        }

        @Test
        void anUnknownProcessorStoreOrKeyIsA404SayingWhich() {
            assertThat(assertError(http.get("/processors/nope/state/total/x"), 404, "not_found").get("processor").asText())
                    .isEqualTo("nope");
            JsonNode store = assertError(http.get("/processors/clicks/state/nope/x"), 404, "not_found");
            assertThat(store.get("store").asText()).isEqualTo("nope");
            assertThat(store.get("stores")).extracting(JsonNode::asText).contains("total", "per-minute", "last");
            JsonNode key = assertError(http.get("/processors/clicks/state/total/nobody"), 404, "not_found");
            assertThat(key.get("key").asText()).isEqualTo("nobody");
            assertThat(key.get("message").asText()).contains("no entry for key 'nobody'");
        }
    }

    @Nested
    class Ownership {
        @Test
        void theServerClosesItsProcessorsAndRefusesADuplicateName(@TempDir Path own) {
            StreamProcessor p;
            try (TributaryServer s = TributaryServer.start(ServerConfig.builder(own).port(0).durability(Durability.none()).build())) {
                p = StreamProcessor.start(s.store(), clicks("click"), ProcessorConfig.of("twice"));
                s.serve(ServedProcessor.of(p));
                StreamProcessor other = StreamProcessor.start(s.store(), clicks("click"), ProcessorConfig.of("twice"));
                try {
                    assertThatThrownBy(() -> s.serve(ServedProcessor.of(other)))
                            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
                } finally {
                    other.close();
                }
            }
            assertThat(p.status().state()).isEqualTo(ProcessorStatus.State.STOPPED);
        }
    }
}
