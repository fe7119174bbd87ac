package io.tributary.server;

import static io.tributary.server.Http.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.store.Durability;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bearer-token authentication: everything but /health needs the token. */
class AuthIT {
    @Test
    void requiresTheTokenOnEveryEndpointButHealth(@TempDir Path dir) {
        try (TributaryServer server = TributaryServer.start(ServerConfig.builder(dir).port(0)
                .durability(Durability.none()).authToken("s3cret").build())) {
            Http anonymous = new Http(server.uri());
            Http wrong = new Http(server.uri(), "guess");
            Http authorized = new Http(server.uri(), "s3cret");

            assertThat(anonymous.get("/health").statusCode()).isEqualTo(200);
            assertError(anonymous.post("/streams/a-1", "[{\"type\":\"A\",\"data\":1}]"), 401, "unauthorized");
            assertError(anonymous.get("/streams/a-1"), 401, "unauthorized");
            assertError(anonymous.get("/all"), 401, "unauthorized");
            assertError(anonymous.get("/metrics"), 401, "unauthorized");
            assertError(anonymous.get("/subscribe/all"), 401, "unauthorized");
            assertError(wrong.get("/streams"), 401, "unauthorized");
            assertError(anonymous.get("/projections"), 401, "unauthorized");
            assertError(anonymous.get("/projections/p"), 401, "unauthorized");
            assertError(anonymous.post("/projections/p/reset", ""), 401, "unauthorized");
            assertError(anonymous.get("/projections/p/state/k?atLeast=0"), 401, "unauthorized");
            assertError(anonymous.get("/cdc"), 401, "unauthorized");
            assertError(anonymous.get("/processors"), 401, "unauthorized");
            assertError(anonymous.get("/processors/p"), 401, "unauthorized");
            assertError(anonymous.get("/processors/p/state/s/k"), 401, "unauthorized");
            assertError(anonymous.get("/stats"), 401, "unauthorized");
            assertThat(anonymous.head()).isEqualTo(-1);

            assertThat(authorized.post("/streams/a-1", "[{\"type\":\"A\",\"data\":1}]").statusCode()).isEqualTo(201);
            assertThat(authorized.get("/streams/a-1").statusCode()).isEqualTo(200);
            assertThat(authorized.get("/metrics").statusCode()).isEqualTo(200);
            assertThat(authorized.get("/projections").body()).isEqualTo("[]");
            assertThat(authorized.get("/stats").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void servesTheConsoleFilesWithoutTheTokenSinceTheyHoldNoData(@TempDir Path dir) {
        try (TributaryServer server = TributaryServer.start(ServerConfig.builder(dir).port(0)
                .durability(Durability.none()).authToken("s3cret").build())) {
            Http anonymous = new Http(server.uri());
            assertThat(anonymous.get("/").statusCode()).isEqualTo(200);
            assertThat(anonymous.get("/").headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
            assertThat(anonymous.get("/console/app.js").statusCode()).isEqualTo(200);
            assertError(anonymous.get("/console/nothing.js"), 404, "not_found");
            assertError(anonymous.get("/console/..%2Fpom.xml"), 404, "not_found");
        }
    }
}
