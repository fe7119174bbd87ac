package io.tributary.server.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * Where the client commands ({@code append}, {@code read}, {@code tail}, {@code streams}) find
 * the server, and the HTTP calls they share. A picocli mixin.
 */
public final class ClientOptions {
    @Option(names = "--url", paramLabel = "URL", defaultValue = "http://127.0.0.1:7070",
            description = "the server (default: ${DEFAULT-VALUE})")
    private String url;

    @Option(names = "--auth-token", paramLabel = "TOKEN", description = "sent as 'Authorization: Bearer TOKEN'")
    private String authToken;

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** A server-side refusal or an unreachable server, with a message for the user. */
    static final class ClientException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ClientException(String message) {
            super(message);
        }
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    HttpRequest.Builder request(String pathAndQuery) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url.replaceAll("/+$", "") + pathAndQuery));
        if (authToken != null) {
            b.header("Authorization", "Bearer " + authToken);
        }
        return b;
    }

    /** Sends a request; a non-2xx answer becomes a {@link ClientException} with the server's message. */
    String send(HttpRequest request) {
        HttpResponse<String> response = exchange(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new ClientException(describe(response.statusCode(), response.body()));
        }
        return response.body();
    }

    /** Opens a streaming response (SSE). */
    InputStream stream(HttpRequest request) throws IOException {
        HttpResponse<InputStream> response = exchange(request, HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() / 100 != 2) {
            String body;
            try (InputStream in = response.body()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            throw new ClientException(describe(response.statusCode(), body));
        }
        return response.body();
    }

    private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return client.send(request, handler);
        } catch (ConnectException e) {
            throw new ClientException("cannot reach the server at " + url + " (is 'tributary serve' running?)");
        } catch (IOException e) {
            throw new ClientException("request to " + url + " failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClientException("interrupted");
        }
    }

    private static String describe(int status, String body) {
        try {
            var node = Json.MAPPER.readTree(body);
            if (node != null && node.has("message")) {
                return status + " " + node.path("error").asText() + ": " + node.get("message").asText();
            }
        } catch (IOException e) {
            // not JSON: show it as it is
        }
        return status + ": " + body;
    }
}
