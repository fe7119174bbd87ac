package io.tributary.server;

import static io.tributary.server.Http.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tributary serve --config} choosing projections and processors: the built-in shop plugins
 * and a plugin of the user's given with {@code --classpath}, in a child JVM; every bad
 * configuration stops the start with exit code 2 and a message naming the key.
 */
class PluginsIT {
    private static final Pattern LISTENING = Pattern.compile("listening on (http://127\\.0\\.0\\.1:(\\d+))");

    /** A directory that, on a class path, registers {@link CountingPlugin} (the class itself is on the test class path). */
    static Path pluginDirectory(Path dir) throws Exception {
        Path services = dir.resolve("plugin").resolve("META-INF").resolve("services");
        Files.createDirectories(services);
        Files.writeString(services.resolve(ProjectionPlugin.class.getName()), CountingPlugin.class.getName() + "\n");
        return dir.resolve("plugin");
    }

    @Test
    void servesTheProjectionsAndProcessorsTheConfigurationNames(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("tributary.yaml");
        Files.writeString(config, """
                port: 0
                durability: none
                projections:
                  - plugin: order-summary
                  - plugin: event-counts
                    settings: {category: order, projection: order-event-counts}
                processors:
                  - plugin: sales-per-minute
                    settings: {storage: memory}
                """);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                TributaryCli.class.getName(), "serve", "--data", dir.resolve("data").toString(), "--config", config.toString(),
                "--classpath", pluginDirectory(dir).toString()))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            Matcher m = LISTENING.matcher(String.valueOf(line));
            assertThat(m.matches()).as(line).isTrue();
            Http http = new Http(URI.create(m.group(1)));

            assertThat(json(http.get("/projections")).findValuesAsText("name")).containsExactly("order-event-counts", "order-summary");
            assertThat(json(http.get("/processors")).findValuesAsText("name")).containsExactly("sales-per-minute");
            long position = json(http.post("/streams/order-7", "[{\"type\":\"OrderPlaced\",\"data\":{\"orderId\":\"7\","
                    + "\"customerId\":\"ada\",\"lines\":[{\"productId\":\"kb\",\"quantity\":1,\"unitPrice\":10.00}],\"total\":10.00}},"
                    + "{\"type\":\"OrderPaid\",\"data\":{\"orderId\":\"7\",\"amount\":10.00}}]")).get("position").asLong();
            JsonNode counts = json(http.get("/projections/order-event-counts/state/7?atLeast=" + position));
            assertThat(counts.get("events").asLong()).isEqualTo(2);
            JsonNode summary = json(http.get("/projections/order-summary/state/7?atLeast=" + position));
            assertThat(summary.get("status").asText()).isEqualTo("PAID");
            assertThat(json(http.get("/processors/sales-per-minute/state/sales/shop?atLeast=" + position))
                    .get("windows").get(0).get("value").get("orders").asLong()).isEqualTo(1);

            process.destroy();   // SIGTERM: server, then the plugins' resources, close
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            process.destroyForcibly();
        }
        assertThat(dir.resolve("data").resolve("plugins").resolve("order-summary")).isDirectory();   // its RocksDB read model
        assertThat(CliTest.run("verify", "--data", dir.resolve("data").toString()).code()).isZero();
    }

    @Nested
    class RefusesABadConfiguration {
        CliTest.Result serve(Path dir, String yaml, String... extra) throws Exception {
            Path config = dir.resolve("tributary.yaml");
            Files.writeString(config, "port: 0\ndurability: none\n" + yaml);
            List<String> args = new java.util.ArrayList<>(List.of("serve", "--data", dir.resolve("data").toString(),
                    "--config", config.toString()));
            args.addAll(List.of(extra));
            return CliTest.run(args.toArray(String[]::new));
        }

        void refused(CliTest.Result r, String... parts) {
            assertThat(r.code()).as(r.err()).isEqualTo(2);
            assertThat(r.err()).contains(parts);
        }

        @Test
        void anUnknownPluginNameListsTheOnesThere(@TempDir Path dir) throws Exception {
            refused(serve(dir, "projections:\n  - plugin: order-sumary\n"), "'projections[0]'",
                    "no projection plugin named 'order-sumary'", "customer-orders", "order-summary");
            refused(serve(dir, "processors:\n  - plugin: event-counts\n", "--classpath", pluginDirectory(dir).toString()),
                    "'processors[0]'", "no processor plugin named 'event-counts'");
        }

        @Test
        void anUnknownSettingOrKeyIsNamed(@TempDir Path dir) throws Exception {
            refused(serve(dir, "projections:\n  - plugin: order-summary\n    settings: {storage: memory, colour: red}\n"),
                    "'projections[0]'.settings.colour is not a setting of plugin 'order-summary'", "storage");
            refused(serve(dir, "processors:\n  - plugin: sales-per-minute\n    setting: {storage: memory}\n"),
                    "'processors[0]'.setting is not a known key");
        }

        @Test
        void aMissingOrWrongSettingIsNamed(@TempDir Path dir) throws Exception {
            String plugin = pluginDirectory(dir).toString();
            refused(serve(dir, "projections:\n  - plugin: event-counts\n", "--classpath", plugin),
                    "'projections[0]'", "settings.category is missing");
            refused(serve(dir, "projections:\n  - plugin: event-counts\n    settings: {category: [a, b]}\n", "-cp", plugin),
                    "settings.category must be a non-empty text value");
            refused(serve(dir, "processors:\n  - plugin: sales-per-minute\n    settings: {storage: floppy}\n"),
                    "'processors[0]'", "settings.storage must be rocksdb or memory, got 'floppy'");
        }

        @Test
        void aBadShapeOrClassPathIsNamed(@TempDir Path dir) throws Exception {
            refused(serve(dir, "projections: order-summary\n"), "'projections' must be a list");
            refused(serve(dir, "projections:\n  - settings: {}\n"), "'projections[0]'.plugin is missing");
            refused(serve(dir, "projections:\n  - plugin: order-summary\n  - plugin: order-summary\n"),
                    "'projections[1]'", "already served");
            refused(serve(dir, "", "--classpath", dir.resolve("missing.jar") + File.pathSeparator + dir),
                    "missing.jar does not exist");
        }

        @Test
        void nothingIsLeftRunningAfterARefusal(@TempDir Path dir) throws Exception {
            refused(serve(dir, "projections:\n  - plugin: order-summary\n  - plugin: order-summary\n"), "already served");
            // The data directory is free again: the refused start closed its server and store.
            assertThat(CliTest.run("verify", "--data", dir.resolve("data").toString()).code()).isZero();
        }
    }
}
