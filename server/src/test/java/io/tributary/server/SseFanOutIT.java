package io.tributary.server;

import static io.tributary.server.Http.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many SSE subscribers on one server: open connections hold no thread (non-blocking I/O), so a
 * thousand of them — four times Jetty's thread pool — all stream, all receive a newly appended
 * event, the server's thread count stays bounded, and closed connections are cleaned up.
 */
class SseFanOutIT {
    static final int SUBSCRIBERS = 1_000;

    /** A subscriber on a raw socket: the request is written by hand, the response read as bytes. */
    static final class RawSubscriber implements AutoCloseable {
        final Socket socket = new Socket();
        final InputStream in;
        final StringBuilder received = new StringBuilder();

        RawSubscriber(InetSocketAddress address, String path) throws IOException {
            this(address, path, 0);
        }

        /** With a small {@code receiveBufferBytes} (0: the system's), a subscriber that stops reading stalls early. */
        RawSubscriber(InetSocketAddress address, String path, int receiveBufferBytes) throws IOException {
            if (receiveBufferBytes > 0) {
                socket.setReceiveBufferSize(receiveBufferBytes);
            }
            socket.connect(address, 5_000);
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + address.getHostString() + ":" + address.getPort()
                    + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            in = socket.getInputStream();
        }

        /** Reads until {@code text} has arrived (or the 30 s socket timeout fails the test). */
        void awaitText(String text) throws IOException {
            byte[] buffer = new byte[8192];
            while (received.indexOf(text) < 0) {
                int n = in.read(buffer);
                if (n < 0) {
                    throw new IOException("the stream ended before '" + text + "' arrived; got: " + received);
                }
                received.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    static int threads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    @Test
    void aThousandSubscribersAllReceiveANewEventWhileTheThreadCountStaysBounded(@TempDir Path dir) throws Exception {
        try (TributaryServer server = SubscribeIT.start(dir, 200)) {
            Http http = new Http(server.uri());
            SubscribeIT.append(http, "fan-0", 1, "Warmup");
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.port());
            int threadsBefore = threads();
            List<RawSubscriber> subscribers = new ArrayList<>();
            try {
                for (int i = 0; i < SUBSCRIBERS; i++) {
                    // Half follow the whole log, half one stream: both kinds of subscription.
                    RawSubscriber s = new RawSubscriber(address, i % 2 == 0 ? "/subscribe/all" : "/subscribe/streams/fan-1");
                    subscribers.add(s);
                    s.awaitText(": subscribed");
                }
                assertThat(json(http.get("/stats")).get("subscriptions").asInt()).isEqualTo(SUBSCRIBERS);
                int threadsWhileOpen = threads();
                System.out.printf("%d SSE connections open: %d JVM threads before, %d now%n", SUBSCRIBERS, threadsBefore,
                        threadsWhileOpen);
                assertThat(threadsWhileOpen - threadsBefore).as("threads added for %d open SSE connections (%d before, %d now)",
                        SUBSCRIBERS, threadsBefore, threadsWhileOpen).isLessThan(50);

                long position = json(http.post("/streams/fan-1", "[{\"type\":\"Hello\",\"data\":{\"to\":\"everyone\"}}]"))
                        .get("position").asLong();
                for (RawSubscriber s : subscribers) {
                    s.awaitText("id: " + position + "\n");
                    assertThat(s.received.toString()).contains("\"type\":\"Hello\"").doesNotContain("Warmup");
                }
                assertThat(threads() - threadsBefore).isLessThan(50);
                assertThat(http.get("/health").statusCode()).isEqualTo(200);   // the server still answers
            } finally {
                for (RawSubscriber s : subscribers) {
                    s.close();
                }
            }
            // Gone clients are noticed at the next write (at the latest the next heartbeat) and cleaned up.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (json(http.get("/stats")).get("subscriptions").asInt() > 0) {
                assertThat(System.nanoTime()).as("subscriptions still open: %s", json(http.get("/stats")).get("subscriptions"))
                        .isLessThan(deadline);
                Thread.sleep(50);
            }
        }
    }

    @Test
    void aSubscriberThatStopsReadingHoldsUpNeitherTheWriterNorTheOthers(@TempDir Path dir) throws Exception {
        try (TributaryServer server = SubscribeIT.start(dir, 10_000)) {
            Http http = new Http(server.uri());
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.port());
            try (RawSubscriber stalled = new RawSubscriber(address, "/subscribe/all", 16 * 1024);
                 RawSubscriber reader = new RawSubscriber(address, "/subscribe/all")) {
                stalled.awaitText(": subscribed");
                reader.awaitText(": subscribed");
                // ~20 MiB of events: far more than the socket buffers hold for the subscriber that reads nothing more.
                String data = "\"" + "x".repeat(2_000) + "\"";
                StringBuilder batch = new StringBuilder("[");
                for (int i = 0; i < 100; i++) {
                    batch.append(i == 0 ? "" : ",").append("{\"type\":\"Big\",\"data\":").append(data).append('}');
                }
                String body = batch.append(']').toString();
                long last = -1;
                for (int i = 0; i < 100; i++) {
                    last = json(http.post("/streams/big-" + i, body)).get("position").asLong();
                }
                reader.awaitText("id: " + last + "\n");   // the reading subscriber gets everything
                JsonNode stats = json(http.get("/stats"));
                assertThat(stats.get("subscriptions").asInt()).isEqualTo(2);
                // The stalled one is behind (nothing was buffered for it beyond what the connection holds).
                String metrics = http.get("/metrics").body();
                assertThat(metrics).containsPattern("tributary_subscriptions_lag(\\{[^}]*\\})? [1-9]");
                // It resumes where it stopped once it reads again: every event arrives, in order.
                stalled.awaitText("id: " + last + "\n");
                assertThat(stalled.received.toString()).contains("id: 0\n", "id: 5000\n");
            }
        }
    }
}
