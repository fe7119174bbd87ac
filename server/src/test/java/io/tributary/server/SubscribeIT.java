package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.store.Durability;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Server-Sent-Events subscriptions over real HTTP. */
class SubscribeIT {

    /** One SSE frame as received. */
    record Frame(String id, String event, String data) {
    }

    /** A connected SSE client reading frames and comments line by line. */
    static final class SseClient implements AutoCloseable {
        final HttpResponse<InputStream> response;
        final BufferedReader reader;
        final List<String> comments = new ArrayList<>();

        SseClient(Http http, String path, String lastEventId) throws Exception {
            HttpRequest.Builder b = http.request(path).header("Accept", "text/event-stream");
            if (lastEventId != null) {
                b.header("Last-Event-ID", lastEventId);
            }
            response = http.client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
        }

        Frame next() throws IOException {
            String id = null;
            String event = null;
            StringBuilder data = null;
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isEmpty()) {
                    if (data != null) {
                        return new Frame(id, event, data.toString());
                    }
                } else if (line.startsWith(":")) {
                    comments.add(line);
                } else if (line.startsWith("id: ")) {
                    id = line.substring(4);
                } else if (line.startsWith("event: ")) {
                    event = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data = data == null ? new StringBuilder(line.substring(6)) : data.append('\n').append(line.substring(6));
                }
            }
            throw new IOException("stream ended");
        }

        List<Frame> take(int n) throws IOException {
            List<Frame> frames = new ArrayList<>();
            while (frames.size() < n) {
                frames.add(next());
            }
            return frames;
        }

        @Override
        public void close() throws IOException {
            response.body().close();
        }
    }

    static TributaryServer start(Path dir, long heartbeatMs) {
        return TributaryServer.start(ServerConfig.builder(dir).port(0).durability(Durability.none())
                .heartbeatIntervalMs(heartbeatMs).build());
    }

    static void append(Http http, String stream, int count, String type) {
        StringBuilder body = new StringBuilder("[");
        for (int i = 0; i < count; i++) {
            body.append(i == 0 ? "" : ",").append("{\"type\":\"").append(type).append("\",\"data\":{\"i\":").append(i).append("}}");
        }
        HttpResponse<String> r = http.post("/streams/" + stream, body.append(']').toString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    @Test
    void catchesUpThenGoesLiveWithoutGapOrDuplicateWhileAWriterRuns(@TempDir Path dir) throws Exception {
        try (TributaryServer server = start(dir, 10_000)) {
            Http http = new Http(server.uri());
            for (int i = 0; i < 20; i++) {
                append(http, "order-" + (i % 3), 10, "Placed");
            }
            AtomicReference<Throwable> writerFailure = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                try {
                    for (int i = 0; i < 60; i++) {
                        append(http, "order-" + (i % 4), 5, "Paid");
                    }
                } catch (Throwable t) {
                    writerFailure.set(t);
                }
            });
            try (SseClient sse = new SseClient(http, "/subscribe/all?from=0", null)) {
                assertThat(sse.response.statusCode()).isEqualTo(200);
                assertThat(sse.response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
                writer.start();
                List<Frame> frames = sse.take(200 + 300);
                writer.join();
                assertThat(writerFailure.get()).isNull();
                for (int i = 0; i < frames.size(); i++) {
                    Frame f = frames.get(i);
                    assertThat(f.id()).isEqualTo(Integer.toString(i));
                    assertThat(f.event()).isEqualTo("event");
                    assertThat(Http.JSON.readTree(f.data()).get("position").asLong()).isEqualTo(i);
                }
            }
        }
    }

    @Test
    void resumesAfterLastEventIdAndDefaultsToOnlyNewEvents(@TempDir Path dir) throws Exception {
        try (TributaryServer server = start(dir, 10_000)) {
            Http http = new Http(server.uri());
            append(http, "cart-1", 10, "Added");
            try (SseClient resumed = new SseClient(http, "/subscribe/all", "6");
                 SseClient onlyNew = new SseClient(http, "/subscribe/all", null)) {
                assertThat(resumed.take(3)).extracting(Frame::id).containsExactly("7", "8", "9");
                append(http, "cart-2", 1, "Added");
                assertThat(resumed.next().id()).isEqualTo("10");
                assertThat(onlyNew.next().id()).isEqualTo("10");
            }
        }
    }

    @Test
    void followsOneStreamWithFiltersAndResumesByPosition(@TempDir Path dir) throws Exception {
        try (TributaryServer server = start(dir, 10_000)) {
            Http http = new Http(server.uri());
            append(http, "acct-1", 2, "Deposited");
            append(http, "acct-2", 2, "Deposited");
            append(http, "acct-1", 1, "Withdrawn");
            try (SseClient sse = new SseClient(http, "/subscribe/streams/acct-1?from=0&type=Deposited", null)) {
                List<Frame> frames = sse.take(2);
                assertThat(frames).extracting(Frame::id).containsExactly("0", "1");
                append(http, "acct-1", 1, "Deposited");
                Frame live = sse.next();
                assertThat(live.id()).isEqualTo("5");
                assertThat(Http.JSON.readTree(live.data()).get("version").asLong()).isEqualTo(3);
            }
            try (SseClient resumed = new SseClient(http, "/subscribe/streams/acct-1", "1")) {
                assertThat(resumed.take(2)).extracting(Frame::id).containsExactly("4", "5");
            }
        }
    }

    @Test
    void sendsHeartbeatComments(@TempDir Path dir) throws Exception {
        try (TributaryServer server = start(dir, 100)) {
            Http http = new Http(server.uri());
            try (SseClient sse = new SseClient(http, "/subscribe/all", null)) {
                long deadline = System.nanoTime() + 5_000_000_000L;
                String line;
                while ((line = sse.reader.readLine()) != null && System.nanoTime() < deadline) {
                    if (line.equals(": heartbeat")) {
                        return;
                    }
                }
                throw new AssertionError("no heartbeat");
            }
        }
    }

    @Test
    void aTombstonedStreamIs410AndABadResumeIdIs400(@TempDir Path dir) throws Exception {
        try (TributaryServer server = start(dir, 10_000)) {
            Http http = new Http(server.uri());
            append(http, "gone-1", 1, "A");
            assertThat(http.delete("/streams/gone-1?hard=true").statusCode()).isEqualTo(204);
            Http.assertError(http.get("/subscribe/streams/gone-1"), 410, "stream_deleted");
            Http.assertError(http.send(http.request("/subscribe/all").header("Last-Event-ID", "x").build()),
                    400, "bad_request");
            Http.assertError(http.get("/subscribe/all?from=-3"), 400, "bad_request");
        }
    }
}
