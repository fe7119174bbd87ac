package io.tributary.server;

import static io.tributary.server.Http.assertError;
import static io.tributary.server.Http.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.store.Durability;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Black-box tests of every endpoint and error of HTTP-API.md ("Events", "Stream metadata",
 * "Delete", "List streams", "Operations") over real HTTP against a server on a real store.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpApiIT {
    private static final int MAX_EVENT = 4096;
    private static final int MAX_REQUEST = 16 * 1024;
    private static final Pattern TIMESTAMP = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");

    @TempDir
    static Path dir;
    TributaryServer server;
    Http http;

    @BeforeAll
    void start() {
        server = TributaryServer.start(ServerConfig.builder(dir).port(0).durability(Durability.none())
                .maxEventBytes(MAX_EVENT).maxRequestBytes(MAX_REQUEST).build());
        http = new Http(server.uri());
    }

    @AfterAll
    void stop() {
        server.close();
    }

    static String unique(String category) {
        return category + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static String event(String type, String data) {
        return "{\"type\":\"" + type + "\",\"data\":" + data + "}";
    }

    /** Asserts a rejected request wrote nothing: the head did not move and the stream does not exist. */
    void assertNothingWritten(long headBefore, String stream) {
        assertThat(http.head()).isEqualTo(headBefore);
        if (stream != null) {
            assertThat(http.get("/streams/" + stream).statusCode()).isEqualTo(404);
        }
    }

    @Nested
    class Append {
        @Test
        void returns201WithVersionsAndPositionOfTheLastEvent() {
            String s = unique("order");
            HttpResponse<String> r = http.post("/streams/" + s, "[" + event("A", "{}") + "," + event("B", "{}") + "]");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            JsonNode body = json(r);
            assertThat(body.get("stream").asText()).isEqualTo(s);
            assertThat(body.get("firstVersion").asLong()).isZero();
            assertThat(body.get("lastVersion").asLong()).isEqualTo(1);
            assertThat(body.get("position").asLong()).isEqualTo(http.head());
        }

        @Test
        void storesAnyJsonAsDataAndMetadataAndReadsItBackVerbatim() {
            String s = unique("shape");
            String id = UUID.randomUUID().toString();
            HttpResponse<String> r = http.post("/streams/" + s, "[{\"eventId\":\"" + id + "\",\"type\":\"Deposited\","
                    + "\"data\":{\"amount\":100.00,\"tags\":[1,\"x\",null]},\"metadata\":{\"correlationId\":\"c-1\"}},"
                    + "{\"type\":\"Scalar\",\"data\":42},{\"type\":\"Nothing\",\"data\":null}]");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);

            HttpResponse<String> raw = http.get("/streams/" + s);
            assertThat(raw.body()).contains("\"data\":{\"amount\":100.00,\"tags\":[1,\"x\",null]}");
            JsonNode read = json(raw);
            JsonNode first = read.get("events").get(0);
            assertThat(first.get("stream").asText()).isEqualTo(s);
            assertThat(first.get("version").asLong()).isZero();
            assertThat(first.get("eventId").asText()).isEqualTo(id);
            assertThat(first.get("type").asText()).isEqualTo("Deposited");
            assertThat(first.get("timestamp").asText()).matches(TIMESTAMP);
            assertThat(first.get("metadata").toString()).isEqualTo("{\"correlationId\":\"c-1\"}");
            assertThat(read.get("events").get(1).get("data").asInt()).isEqualTo(42);
            assertThat(read.get("events").get(1).get("metadata").toString()).isEqualTo("{}");
            assertThat(read.get("events").get(2).get("data").isNull()).isTrue();
            assertThat(first.get("position").asLong()).isEqualTo(json(r).get("position").asLong() - 2);
        }

        @Test
        void resendingTheSameEventsReturnsTheSame201AndWritesNothing() {
            String s = unique("retry");
            String body = "[{\"eventId\":\"" + UUID.randomUUID() + "\",\"type\":\"A\",\"data\":{}},"
                    + "{\"eventId\":\"" + UUID.randomUUID() + "\",\"type\":\"B\",\"data\":{}}]";
            HttpResponse<String> first = http.post("/streams/" + s + "?expectedVersion=no_stream", body);
            long head = http.head();
            HttpResponse<String> again = http.post("/streams/" + s + "?expectedVersion=no_stream", body);
            assertThat(again.statusCode()).isEqualTo(201);
            assertThat(json(again)).isEqualTo(json(first));
            assertThat(http.head()).isEqualTo(head);
        }

        @Test
        void checksEveryFormOfExpectedVersion() {
            String s = unique("occ");
            assertThat(http.post("/streams/" + s + "?expectedVersion=stream_exists", "[" + event("A", "1") + "]").statusCode())
                    .isEqualTo(409);
            assertThat(http.post("/streams/" + s + "?expectedVersion=no_stream", "[" + event("A", "1") + "]").statusCode())
                    .isEqualTo(201);
            assertThat(http.post("/streams/" + s + "?expectedVersion=0", "[" + event("A", "2") + "]").statusCode())
                    .isEqualTo(201);
            assertThat(http.post("/streams/" + s + "?expectedVersion=stream_exists", "[" + event("A", "3") + "]").statusCode())
                    .isEqualTo(201);
            assertThat(http.post("/streams/" + s + "?expectedVersion=any", "[" + event("A", "4") + "]").statusCode())
                    .isEqualTo(201);
        }

        @Test
        void staleWriterGets409WithExpectedAndActualAndNothingIsWritten() {
            String s = unique("stale");
            http.post("/streams/" + s, "[" + event("A", "{}") + "," + event("B", "{}") + "]");
            long head = http.head();
            JsonNode body = assertError(http.post("/streams/" + s + "?expectedVersion=0", "[" + event("C", "{}") + "]"),
                    409, "wrong_expected_version");
            assertThat(body.get("expected").asText()).isEqualTo("0");
            assertThat(body.get("actual").asLong()).isEqualTo(1);
            JsonNode noStream = assertError(http.post("/streams/" + s + "?expectedVersion=no_stream",
                    "[" + event("C", "{}") + "]"), 409, "wrong_expected_version");
            assertThat(noStream.get("expected").asText()).isEqualTo("no_stream");
            JsonNode missing = assertError(http.post("/streams/" + unique("none") + "?expectedVersion=3",
                    "[" + event("C", "{}") + "]"), 409, "wrong_expected_version");
            assertThat(missing.get("actual").asLong()).isEqualTo(-1);
            assertThat(http.head()).isEqualTo(head);
        }

        @ParameterizedTest(name = "[{index}] {0}")
        @ValueSource(strings = {
                "{not json",
                "[{\"type\":\"A\",\"data\":{}}] trailing",
                "{\"type\":\"A\",\"data\":{}}",
                "\"text\"",
                "[]",
                "[1]",
                "[{\"data\":{}}]",
                "[{\"type\":\"\",\"data\":{}}]",
                "[{\"type\":7,\"data\":{}}]",
                "[{\"type\":\"A\"}]",
                "[{\"type\":\"A\",\"data\":{},\"eventId\":\"not-a-uuid\"}]",
                "[{\"type\":\"A\",\"data\":{},\"eventId\":\"1-1-1-1-1\"}]",
                "[{\"type\":\"A\",\"data\":{},\"eventId\":42}]",
                "[{\"type\":\"A\",\"data\":{},\"colour\":\"red\"}]",
                "[{\"type\":\"A\",\"data\":{},\"type\":\"B\"}]",
                "[{\"type\":\"A\",\"data\":{}},{\"type\":\"\",\"data\":{}}]",
                ""})
        void rejectsMalformedBodiesWith400AndWritesNothing(String body) {
            String s = unique("bad");
            long head = http.head();
            assertError(http.post("/streams/" + s, body), 400, "bad_request");
            assertNothingWritten(head, s);
        }

        @Test
        void rejectsTheSameEventIdTwiceInOneRequest() {
            String s = unique("dup");
            String id = UUID.randomUUID().toString();
            long head = http.head();
            assertError(http.post("/streams/" + s, "[{\"eventId\":\"" + id + "\",\"type\":\"A\",\"data\":1},"
                    + "{\"eventId\":\"" + id + "\",\"type\":\"A\",\"data\":2}]"), 400, "bad_request");
            assertNothingWritten(head, s);
        }

        @ParameterizedTest(name = "[{index}] {0}")
        @ValueSource(strings = {"abc", "-1", "", "1.5", "NO_STREAM"})
        void rejectsABadExpectedVersion(String expected) {
            String s = unique("ev");
            long head = http.head();
            assertError(http.post("/streams/" + s + "?expectedVersion=" + expected, "[" + event("A", "{}") + "]"),
                    400, "bad_request");
            assertNothingWritten(head, s);
        }

        @ParameterizedTest(name = "[{index}] {0}")
        @ValueSource(strings = {"%24all", "%24system-1", "a%01b", "a%7Fb"})
        void rejectsInvalidStreamNames(String encodedName) {
            long head = http.head();
            assertError(http.post("/streams/" + encodedName, "[" + event("A", "{}") + "]"), 400, "bad_request");
            assertError(http.get("/streams/" + encodedName), 400, "bad_request");
            assertThat(http.head()).isEqualTo(head);
        }

        @Test
        void rejectsAStreamNameLongerThan255Bytes() {
            long head = http.head();
            String name = "ü".repeat(128);   // 256 bytes in UTF-8
            String encoded = java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8);
            assertError(http.post("/streams/" + encoded, "[" + event("A", "{}") + "]"), 400, "bad_request");
            assertThat(http.head()).isEqualTo(head);
            assertThat(http.post("/streams/" + "a".repeat(255), "[" + event("A", "{}") + "]").statusCode()).isEqualTo(201);
        }

        @Test
        void rejectsTooManyEvents() {
            String s = unique("many");
            List<String> events = new ArrayList<>();
            for (int i = 0; i < 10_001; i++) {
                events.add("{\"type\":\"A\",\"data\":0}");
            }
            long head = http.head();
            HttpResponse<String> r = http.post("/streams/" + s, "[" + String.join(",", events) + "]");
            assertThat(r.statusCode()).isIn(400, 413);
            assertNothingWritten(head, s);
        }

        @Test
        void rejectsAnEventOverTheEventLimitWith413() {
            String s = unique("big");
            long head = http.head();
            String data = "\"" + "x".repeat(MAX_EVENT) + "\"";
            assertError(http.post("/streams/" + s, "[" + event("A", "1") + "," + event("Big", data) + "]"),
                    413, "payload_too_large");
            assertNothingWritten(head, s);
        }

        @Test
        void rejectsARequestOverTheRequestLimitWith413() {
            String s = unique("huge");
            long head = http.head();
            List<String> events = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                events.add(event("Chunk", "\"" + "y".repeat(3000) + "\""));
            }
            assertError(http.post("/streams/" + s, "[" + String.join(",", events) + "]"), 413, "payload_too_large");
            assertNothingWritten(head, s);
        }
    }

    @Nested
    class MultiStreamAppend {
        @Test
        void appendsToSeveralStreamsAtomically() {
            String a = unique("acct");
            String b = unique("acct");
            HttpResponse<String> r = http.post("/streams", "{\"appends\":["
                    + "{\"stream\":\"" + a + "\",\"expectedVersion\":\"no_stream\",\"events\":[" + event("Out", "{}") + "]},"
                    + "{\"stream\":\"" + b + "\",\"events\":[" + event("In", "{}") + "," + event("In", "{}") + "]}]}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            JsonNode body = json(r);
            assertThat(body.get("results").get(0).get("stream").asText()).isEqualTo(a);
            assertThat(body.get("results").get(1).get("lastVersion").asLong()).isEqualTo(1);
            assertThat(body.get("position").asLong()).isEqualTo(http.head());
        }

        @Test
        void aFailedCheckNamesTheStreamAndWritesNothing() {
            String a = unique("acct");
            String b = unique("acct");
            http.post("/streams/" + b, "[" + event("X", "{}") + "]");
            long head = http.head();
            JsonNode body = assertError(http.post("/streams", "{\"appends\":["
                    + "{\"stream\":\"" + a + "\",\"events\":[" + event("Out", "{}") + "]},"
                    + "{\"stream\":\"" + b + "\",\"expectedVersion\":5,\"events\":[" + event("In", "{}") + "]}]}"),
                    409, "wrong_expected_version");
            assertThat(body.get("stream").asText()).isEqualTo(b);
            assertThat(body.get("actual").asLong()).isZero();
            assertNothingWritten(head, a);
        }

        @ParameterizedTest(name = "[{index}] {0}")
        @ValueSource(strings = {"[]", "{}", "{\"appends\":[]}", "{\"appends\":[{\"events\":[]}]}",
                "{\"appends\":[{\"stream\":\"$x\",\"events\":[{\"type\":\"A\",\"data\":1}]}]}",
                "{\"appends\":[{\"stream\":\"ok-1\",\"expectedVersion\":\"bad\",\"events\":[{\"type\":\"A\",\"data\":1}]}]}",
                "{\"appends\":[{\"stream\":\"ok-1\",\"events\":[{\"type\":\"A\",\"data\":1}]},"
                        + "{\"stream\":\"ok-1\",\"events\":[{\"type\":\"A\",\"data\":1}]}]}"})
        void rejectsMalformedRequests(String body) {
            long head = http.head();
            assertError(http.post("/streams", body), 400, "bad_request");
            assertThat(http.head()).isEqualTo(head);
        }
    }

    @Nested
    class ReadStream {
        @Test
        void pagesForwardAndBackward() {
            String s = unique("page");
            List<String> events = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                events.add(event("E", Integer.toString(i)));
            }
            http.post("/streams/" + s, "[" + String.join(",", events) + "]");

            JsonNode page = json(http.get("/streams/" + s + "?limit=2"));
            assertThat(page.get("stream").asText()).isEqualTo(s);
            assertThat(page.get("events")).hasSize(2);
            assertThat(page.get("lastVersion").asLong()).isEqualTo(4);
            assertThat(page.get("next").asLong()).isEqualTo(2);
            JsonNode rest = json(http.get("/streams/" + s + "?from=2&limit=100"));
            assertThat(rest.get("events")).hasSize(3);
            assertThat(rest.get("next").isNull()).isTrue();

            JsonNode back = json(http.get("/streams/" + s + "?direction=backward&limit=2"));
            assertThat(back.get("events").get(0).get("version").asLong()).isEqualTo(4);
            assertThat(back.get("events").get(1).get("version").asLong()).isEqualTo(3);
            assertThat(back.get("next").asLong()).isEqualTo(2);
        }

        @Test
        void aStreamThatNeverExistedIs404() {
            assertError(http.get("/streams/" + unique("ghost")), 404, "not_found");
        }

        @ParameterizedTest(name = "[{index}] {0}")
        @ValueSource(strings = {"limit=0", "limit=10001", "limit=x", "from=-1", "from=x", "direction=sideways"})
        void rejectsBadQueryParameters(String query) {
            String s = unique("q");
            http.post("/streams/" + s, "[" + event("E", "{}") + "]");
            assertError(http.get("/streams/" + s + "?" + query), 400, "bad_request");
            assertError(http.get("/all?" + query), 400, "bad_request");
        }
    }

    @Nested
    class Delete {
        @Test
        void softDeleteReadsAs404AndAnAppendRecreatesTheStream() {
            String s = unique("soft");
            http.post("/streams/" + s, "[" + event("A", "{}") + "," + event("B", "{}") + "]");
            assertThat(http.delete("/streams/" + s).statusCode()).isEqualTo(204);
            assertError(http.get("/streams/" + s), 404, "not_found");
            HttpResponse<String> again = http.post("/streams/" + s + "?expectedVersion=no_stream", "[" + event("C", "{}") + "]");
            assertThat(again.statusCode()).as(again.body()).isEqualTo(201);
            assertThat(json(again).get("firstVersion").asLong()).isEqualTo(2);
            assertThat(json(http.get("/streams/" + s)).get("events")).hasSize(1);
        }

        @Test
        void hardDeleteIs410ForeverAndWritesNothingAfter() {
            String s = unique("hard");
            http.post("/streams/" + s, "[" + event("A", "{}") + "]");
            assertThat(http.delete("/streams/" + s + "?hard=true").statusCode()).isEqualTo(204);
            assertError(http.get("/streams/" + s), 410, "stream_deleted");
            long head = http.head();
            assertError(http.post("/streams/" + s, "[" + event("B", "{}") + "]"), 410, "stream_deleted");
            assertError(http.post("/streams/" + s + "?expectedVersion=no_stream", "[" + event("B", "{}") + "]"),
                    410, "stream_deleted");
            assertThat(http.head()).isEqualTo(head);
        }

        @Test
        void rejectsABadHardFlag() {
            String s = unique("flag");
            http.post("/streams/" + s, "[" + event("A", "{}") + "]");
            assertError(http.delete("/streams/" + s + "?hard=yes"), 400, "bad_request");
            assertThat(http.get("/streams/" + s).statusCode()).isEqualTo(200);
        }
    }

    @Nested
    class Metadata {
        @Test
        void roundTripsAndLimitsReads() {
            String s = unique("meta");
            http.post("/streams/" + s, "[" + event("A", "0") + "," + event("A", "1") + "," + event("A", "2") + "]");
            assertThat(json(http.get("/streams/" + s + "/metadata")).size()).isZero();
            HttpResponse<String> put = http.put("/streams/" + s + "/metadata",
                    "{\"maxCount\":2,\"maxAgeSeconds\":3600,\"custom\":{\"owner\":\"ops\"}}");
            assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
            JsonNode got = json(http.get("/streams/" + s + "/metadata"));
            assertThat(got.get("maxCount").asLong()).isEqualTo(2);
            assertThat(got.get("maxAgeSeconds").asLong()).isEqualTo(3600);
            assertThat(got.get("custom").get("owner").asText()).isEqualTo("ops");
            assertThat(got.has("truncateBefore")).isFalse();
            assertThat(json(http.get("/streams/" + s)).get("events")).hasSize(2);
        }

        @ParameterizedTest(name = "[{index}] {0}")
        @ValueSource(strings = {"[]", "{\"maxCount\":0}", "{\"maxCount\":\"x\"}", "{\"maxAgeSeconds\":-1}",
                "{\"truncateBefore\":-1}", "{\"colour\":1}", "nope"})
        void rejectsInvalidMetadata(String body) {
            String s = unique("badmeta");
            http.post("/streams/" + s, "[" + event("A", "0") + "]");
            assertError(http.put("/streams/" + s + "/metadata", body), 400, "bad_request");
            assertThat(json(http.get("/streams/" + s + "/metadata")).size()).isZero();
        }
    }

    @Nested
    class GlobalLogAndListing {
        @Test
        void readsTheGlobalLogWithFilters() {
            String cat = "cat" + UUID.randomUUID().toString().substring(0, 6);
            http.post("/streams/" + cat + "-1", "[" + event("Opened", "{}") + "," + event("Closed", "{}") + "]");
            http.post("/streams/" + cat + "-2", "[" + event("Opened", "{}") + "]");
            http.post("/streams/other" + cat + "-1", "[" + event("Opened", "{}") + "]");

            JsonNode byCategory = json(http.get("/all?category=" + cat));
            assertThat(byCategory.get("events")).hasSize(3);
            assertThat(byCategory.get("headPosition").asLong()).isEqualTo(http.head());
            JsonNode byType = json(http.get("/all?category=" + cat + "&type=Opened"));
            assertThat(byType.get("events")).hasSize(2);
            JsonNode byPrefix = json(http.get("/all?streamPrefix=" + cat + "-2&streamPrefix=other" + cat));
            assertThat(byPrefix.get("events")).hasSize(2);
            JsonNode twoCategories = json(http.get("/all?category=" + cat + "&category=other" + cat + "&type=Opened"));
            assertThat(twoCategories.get("events")).hasSize(3);

            long head = http.head();
            JsonNode back = json(http.get("/all?direction=backward&limit=1"));
            assertThat(back.get("events").get(0).get("position").asLong()).isEqualTo(head);
            JsonNode page = json(http.get("/all?from=0&limit=1"));
            assertThat(page.get("next").asLong()).isEqualTo(page.get("events").get(0).get("position").asLong() + 1);
        }

        @Test
        void listsStreamsByCategoryPrefixAndPages() {
            String cat = "list" + UUID.randomUUID().toString().substring(0, 6);
            for (int i = 1; i <= 3; i++) {
                http.post("/streams/" + cat + "-" + i, "[" + event("A", "{}") + "]");
            }
            JsonNode first = json(http.get("/streams?category=" + cat + "&limit=2"));
            assertThat(first.get("streams")).hasSize(2);
            assertThat(first.get("streams").get(0).get("stream").asText()).isEqualTo(cat + "-1");
            assertThat(first.get("streams").get(0).get("lastVersion").asLong()).isZero();
            assertThat(first.get("streams").get(0).has("lastPosition")).isTrue();
            JsonNode second = json(http.get("/streams?category=" + cat + "&limit=2&after=" + first.get("next").asText()));
            assertThat(second.get("streams")).hasSize(1);
            assertThat(second.get("next").isNull()).isTrue();
            assertThat(json(http.get("/streams?prefix=" + cat + "-3")).get("streams")).hasSize(1);
            assertError(http.get("/streams?limit=0"), 400, "bad_request");
        }
    }

    @Nested
    class Operations {
        @Test
        void healthSaysUpWithTheHead() {
            JsonNode health = json(http.get("/health"));
            assertThat(health.get("status").asText()).isEqualTo("up");
            assertThat(health.has("headPosition")).isTrue();
        }

        @Test
        void metricsArePrometheusText() {
            http.post("/streams/" + unique("m"), "[" + event("A", "{}") + "]");
            HttpResponse<String> r = http.get("/metrics");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
            assertThat(r.body()).contains("# TYPE tributary_store_appends_total counter", "tributary_store_fsyncs_total",
                    "tributary_http_append_latency_seconds_count", "tributary_subscriptions", "jvm_memory_used_bytes",
                    "tributary_store_fsync_seconds_sum", "tributary_store_fsync_max_seconds");
        }

        @Test
        void projectionsCdcAndProcessorsAreEmptyListsForNow() {
            for (String path : new String[] {"/projections", "/cdc", "/processors"}) {
                HttpResponse<String> r = http.get(path);
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("[]");
            }
            assertError(http.get("/projections/orders"), 404, "not_found");
        }

        @Test
        void anUnknownEndpointIsAJson404() {
            assertError(http.get("/no/such/thing"), 404, "not_found");
            assertError(http.send(http.request("/streams/x").method("PATCH", java.net.http.HttpRequest.BodyPublishers.noBody())
                    .build()), 404, "not_found");
        }

        @Test
        void aRequestTheHttpLayerRefusesStillGetsAJsonError() {
            long head = http.head();
            assertError(http.post("/streams/a%00b", "[" + event("A", "{}") + "]"), 400, "bad_request");
            assertThat(http.head()).isEqualTo(head);
        }
    }
}
