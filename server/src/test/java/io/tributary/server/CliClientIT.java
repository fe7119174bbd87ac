package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.core.ReadFilter;
import io.tributary.cqrs.DocumentStore;
import io.tributary.cqrs.DocumentWriter;
import io.tributary.cqrs.Projection;
import io.tributary.cqrs.ProjectionRunner;
import io.tributary.store.Durability;
import io.tributary.streams.ProcessorConfig;
import io.tributary.streams.StreamProcessor;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client commands (append, read, tail, streams, projections, processors) against a real server. */
class CliClientIT {
    @Test
    void appendsReadsTailsAndListsOverHttp(@TempDir Path dir) throws Exception {
        try (TributaryServer server = TributaryServer.start(ServerConfig.builder(dir).port(0)
                .durability(Durability.none()).authToken("t").build())) {
            String url = server.uri().toString();
            CliTest.Result appended = CliTest.run("append", "account-1", "--type", "Deposited", "--data", "{\"amount\":5}",
                    "--expected-version", "no_stream", "--url", url, "--auth-token", "t");
            assertThat(appended.code()).as(appended.err()).isZero();
            assertThat(appended.out()).contains("\"lastVersion\":0");

            CliTest.Result conflict = CliTest.run("append", "account-1", "--type", "Deposited",
                    "--expected-version", "no_stream", "--url", url, "--auth-token", "t");
            assertThat(conflict.code()).isEqualTo(1);
            assertThat(conflict.err()).contains("409 wrong_expected_version");

            CliTest.Result read = CliTest.run("read", "account-1", "--url", url, "--auth-token", "t");
            assertThat(read.code()).isZero();
            assertThat(read.out()).contains("\"type\":\"Deposited\"", "\"data\":{\"amount\":5}");
            assertThat(CliTest.run("read", "--url", url, "--auth-token", "t").out().lines()).hasSize(1);

            CliTest.Result streams = CliTest.run("streams", "--url", url, "--auth-token", "t");
            assertThat(streams.out().trim()).isEqualTo("account-1 0 0");

            CompletableFuture<CliTest.Result> tail = CompletableFuture.supplyAsync(() ->
                    CliTest.run("tail", "account-1", "--from", "0", "--count", "2", "--url", url, "--auth-token", "t"));
            CliTest.run("append", "account-1", "--type", "Withdrawn", "--url", url, "--auth-token", "t");
            CliTest.Result tailed = tail.get(20, TimeUnit.SECONDS);
            assertThat(tailed.code()).isZero();
            assertThat(tailed.out().lines()).hasSize(2);
            assertThat(tailed.out()).contains("Withdrawn");

            CliTest.Result unauthorized = CliTest.run("streams", "--url", url);
            assertThat(unauthorized.code()).isEqualTo(1);
            assertThat(unauthorized.err()).contains("401");
        }
    }

    @Test
    void listsShowsResetsAndLooksUpProjections(@TempDir Path dir) throws Exception {
        try (TributaryServer server = TributaryServer.start(ServerConfig.builder(dir.resolve("log")).port(0)
                .durability(Durability.none()).build());
             DocumentStore documents = DocumentStore.inMemory()) {
            ProjectionRunner<DocumentWriter> runner = ProjectionRunner.start(server.store(), Projection.of("last-type",
                    ReadFilter.all(), (e, w) -> w.put("streams", e.stream().value(),
                            Http.JSON.createObjectNode().put("type", e.type()))), documents);
            server.serve(ServedProjection.documents(runner, documents, "streams"));
            String url = server.uri().toString();
            CliTest.run("append", "account-1", "--type", "Deposited", "--url", url);

            CliTest.Result list = CliTest.run("projections", "--url", url);
            assertThat(list.code()).as(list.err()).isZero();
            assertThat(list.out()).startsWith("last-type ");
            CliTest.Result state = CliTest.run("projections", "last-type", "--key", "account-1", "--at-least", "0", "--url", url);
            assertThat(state.code()).as(state.err()).isZero();
            assertThat(state.out().trim()).isEqualTo("{\"type\":\"Deposited\"}");
            CliTest.Result one = CliTest.run("projections", "last-type", "--url", url);
            assertThat(one.out()).contains("\"name\":\"last-type\"");
            CliTest.Result reset = CliTest.run("projections", "last-type", "--reset", "--url", url);
            assertThat(reset.code()).as(reset.err()).isZero();

            CliTest.Result unknown = CliTest.run("projections", "nope", "--url", url);
            assertThat(unknown.code()).isEqualTo(1);
            assertThat(unknown.err()).contains("404 not_found");
            assertThat(CliTest.run("projections", "--reset", "--url", url).code()).isEqualTo(2);
            assertThat(CliTest.run("projections", "last-type", "--at-least", "3", "--url", url).code()).isEqualTo(2);
        }
    }

    @Test
    void listsShowsAndLooksUpStreamProcessors(@TempDir Path dir) throws Exception {
        try (TributaryServer server = TributaryServer.start(ServerConfig.builder(dir.resolve("log")).port(0)
                .durability(Durability.none()).authToken("t").build())) {
            StreamProcessor processor = StreamProcessor.start(server.store(), ProcessorsIT.clicks("click"),
                    ProcessorConfig.of("clicks"));
            server.serve(ServedProcessor.of(processor));
            String url = server.uri().toString();
            CliTest.Result appended = CliTest.run("append", "click-ada", "--type", "Clicked",
                    "--data", "{\"page\":\"/home\",\"atMs\":" + ProcessorsIT.BASE + "}", "--url", url, "--auth-token", "t");
            assertThat(appended.code()).as(appended.err()).isZero();
            long position = Http.JSON.readTree(appended.out()).get("position").asLong();

            CliTest.Result state = CliTest.run("processors", "clicks", "--store", "total", "--key", "ada",
                    "--at-least", Long.toString(position), "--url", url, "--auth-token", "t");
            assertThat(state.code()).as(state.err()).isZero();
            assertThat(state.out().trim()).isEqualTo("{\"processor\":\"clicks\",\"store\":\"total\",\"key\":\"ada\",\"value\":1}");
            CliTest.Result windows = CliTest.run("processors", "clicks", "--store", "per-minute", "--key", "ada",
                    "--url", url, "--auth-token", "t");
            assertThat(windows.out()).contains("\"windows\":[{\"start\":\"2026-01-01T00:00:00.000Z\"", "\"value\":1}");

            CliTest.Result list = CliTest.run("processors", "--url", url, "--auth-token", "t");
            assertThat(list.code()).as(list.err()).isZero();
            assertThat(list.out().trim()).isEqualTo("clicks running " + processor.status().inputPosition()
                    + " 2026-01-01T00:00:00.000Z 0 " + list.out().trim().split(" ")[5]);
            CliTest.Result one = CliTest.run("processors", "clicks", "--url", url, "--auth-token", "t");
            assertThat(one.out()).contains("\"name\":\"clicks\"", "\"stores\":[");

            CliTest.Result unknown = CliTest.run("processors", "nope", "--url", url, "--auth-token", "t");
            assertThat(unknown.code()).isEqualTo(1);
            assertThat(unknown.err()).contains("404 not_found");
            CliTest.Result noKey = CliTest.run("processors", "clicks", "--store", "total", "--key", "nobody", "--url", url,
                    "--auth-token", "t");
            assertThat(noKey.code()).isEqualTo(1);
            assertThat(noKey.err()).contains("404 not_found", "nobody");
            assertThat(CliTest.run("processors", "--url", url).err()).contains("401");
        }
    }

    @Test
    void wrongProcessorArgumentsAreUsageErrors() {
        String url = "http://127.0.0.1:1";
        CliTest.Result noName = CliTest.run("processors", "--store", "total", "--key", "ada", "--url", url);
        assertThat(noName.code()).isEqualTo(2);
        assertThat(noName.err()).contains("need a processor NAME");
        CliTest.Result keyWithoutStore = CliTest.run("processors", "clicks", "--key", "ada", "--url", url);
        assertThat(keyWithoutStore.code()).isEqualTo(2);
        assertThat(keyWithoutStore.err()).contains("--store and --key go together");
        assertThat(CliTest.run("processors", "clicks", "--store", "total", "--url", url).code()).isEqualTo(2);
        assertThat(CliTest.run("processors", "clicks", "--at-least", "3", "--url", url).code()).isEqualTo(2);
        assertThat(CliTest.run("processors", "clicks", "--store", "total", "--key", "a", "--at-least", "x", "--url", url).code())
                .isEqualTo(2);
        assertThat(CliTest.run("processors", "a", "b", "--url", url).code()).isEqualTo(2);
        assertThat(CliTest.run("processors", "--bogus").code()).isEqualTo(2);
    }

    @Test
    void anUnreachableServerFailsWithExitCodeOne() {
        CliTest.Result r = CliTest.run("streams", "--url", "http://127.0.0.1:1");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("cannot reach the server");
    }

    @Test
    void invalidDataJsonIsAUsageError() {
        CliTest.Result r = CliTest.run("append", "a-1", "--type", "A", "--data", "{nope", "--url", "http://127.0.0.1:1");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--data");
    }
}
