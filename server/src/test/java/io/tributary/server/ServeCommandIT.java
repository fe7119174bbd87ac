package io.tributary.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tributary serve} in a child JVM: the listening line, requests, graceful stop on SIGTERM. */
class ServeCommandIT {
    private static final Pattern LISTENING = Pattern.compile("listening on (http://127\\.0\\.0\\.1:(\\d+))");

    @Test
    void servesOnAFreePortPrintsTheListeningLineAndStopsGracefully(@TempDir Path dir) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                TributaryCli.class.getName(), "serve", "--data", dir.resolve("data").toString(), "--port", "0"))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            assertThat(line).isNotNull();
            Matcher m = LISTENING.matcher(line);
            assertThat(m.matches()).as(line).isTrue();
            assertThat(Integer.parseInt(m.group(2))).isPositive();

            Http http = new Http(URI.create(m.group(1)));
            assertThat(http.get("/health").statusCode()).isEqualTo(200);
            assertThat(http.post("/streams/a-1", "[{\"type\":\"A\",\"data\":1}]").statusCode()).isEqualTo(201);

            process.destroy();   // SIGTERM: the shutdown hook stops the server and closes the store
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            process.destroyForcibly();
        }
        assertThat(CliTest.run("verify", "--data", dir.resolve("data").toString()).code()).isZero();
    }
}
