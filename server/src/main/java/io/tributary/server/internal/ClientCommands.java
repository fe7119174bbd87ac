package io.tributary.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.server.internal.ClientOptions.ClientException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The commands that talk to a running server over HTTP. */
public final class ClientCommands {
    private ClientCommands() {
    }

    /** Runs a client call: a server refusal or an unreachable server prints the reason and exits 1. */
    abstract static class ClientCommand implements Callable<Integer> {
        @Mixin
        ClientOptions server;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public final Integer call() throws IOException {
            try {
                run(spec.commandLine().getOut());
                spec.commandLine().getOut().flush();
                return 0;
            } catch (ClientException e) {
                spec.commandLine().getErr().println("error: " + e.getMessage());
                return 1;
            }
        }

        abstract void run(PrintWriter out) throws IOException;

        static String query(List<String> parts) {
            return parts.isEmpty() ? "" : "?" + String.join("&", parts);
        }
    }

    /** {@code tributary append}: appends one event. */
    @Command(name = "append", mixinStandardHelpOptions = true,
            description = {"Append one event to a stream on a running server.", "Prints the server's 201 body."})
    public static final class Append extends ClientCommand {
        @Parameters(index = "0", paramLabel = "STREAM", description = "the stream, for example account-42")
        private String stream;

        @Option(names = "--type", required = true, paramLabel = "TYPE", description = "the event type")
        private String type;

        @Option(names = "--data", paramLabel = "JSON", defaultValue = "{}", description = "the event data (default: {})")
        private String data;

        @Option(names = "--metadata", paramLabel = "JSON", description = "the event metadata (default: {})")
        private String metadata;

        @Option(names = "--event-id", paramLabel = "UUID", description = "the event id, for an idempotent retry")
        private String eventId;

        @Option(names = "--expected-version", paramLabel = "V", defaultValue = "any",
                description = "any (default), no_stream, stream_exists or a version")
        private String expectedVersion;

        @Override
        void run(PrintWriter out) {
            JsonNode dataNode = parse("--data", data);
            JsonNode metadataNode = metadata == null ? null : parse("--metadata", metadata);
            var event = Json.MAPPER.createObjectNode();
            if (eventId != null) {
                event.put("eventId", eventId);
            }
            event.put("type", type);
            event.set("data", dataNode);
            if (metadataNode != null) {
                event.set("metadata", metadataNode);
            }
            String body = new String(Json.bytes(Json.MAPPER.createArrayNode().add(event)), StandardCharsets.UTF_8);
            out.println(server.send(server.request("/streams/" + ClientOptions.encode(stream)
                    + "?expectedVersion=" + ClientOptions.encode(expectedVersion))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build()));
        }

        private JsonNode parse(String option, String json) {
            try {
                return Json.MAPPER.readTree(json);
            } catch (IOException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), option + " is not valid JSON: " + json);
            }
        }
    }

    /** {@code tributary read}: reads a stream or the global log. */
    @Command(name = "read", mixinStandardHelpOptions = true,
            description = {"Read a stream (or the global log without STREAM) from a running server.",
                    "Prints one event as JSON per line."})
    public static final class Read extends ClientCommand {
        @Parameters(index = "0", arity = "0..1", paramLabel = "STREAM", description = "the stream; none: the global log")
        private String stream;

        @Option(names = "--from", paramLabel = "N", description = "first version (stream) or position (global log)")
        private Long from;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "100", description = "most events (default: 100)")
        private int limit;

        @Option(names = "--backward", description = "read backward from the end")
        private boolean backward;

        @Override
        void run(PrintWriter out) {
            List<String> q = new ArrayList<>();
            if (from != null) {
                q.add("from=" + from);
            }
            q.add("limit=" + limit);
            if (backward) {
                q.add("direction=backward");
            }
            String path = stream == null ? "/all" : "/streams/" + ClientOptions.encode(stream);
            JsonNode page = Json.parse(server.send(server.request(path + query(q)).GET().build())
                    .getBytes(StandardCharsets.UTF_8));
            for (JsonNode e : page.get("events")) {
                out.println(e);
            }
        }
    }

    /** {@code tributary tail}: follows new events live. */
    @Command(name = "tail", mixinStandardHelpOptions = true,
            description = {"Follow a stream (or the global log) live over Server-Sent Events.",
                    "Prints one event as JSON per line until stopped (or --count events)."})
    public static final class Tail extends ClientCommand {
        @Parameters(index = "0", arity = "0..1", paramLabel = "STREAM", description = "the stream; none: the global log")
        private String stream;

        @Option(names = "--from", paramLabel = "N", description = "start at this version/position (default: only new events)")
        private Long from;

        @Option(names = "--category", paramLabel = "C", description = "only this category (global log)")
        private List<String> categories = new ArrayList<>();

        @Option(names = "--type", paramLabel = "T", description = "only this event type")
        private List<String> types = new ArrayList<>();

        @Option(names = "--count", paramLabel = "N", description = "stop after N events")
        private Long count;

        @Override
        void run(PrintWriter out) throws IOException {
            List<String> q = new ArrayList<>();
            if (from != null) {
                q.add("from=" + from);
            }
            categories.forEach(c -> q.add("category=" + ClientOptions.encode(c)));
            types.forEach(t -> q.add("type=" + ClientOptions.encode(t)));
            String path = stream == null ? "/subscribe/all" : "/subscribe/streams/" + ClientOptions.encode(stream);
            long seen = 0;
            try (BufferedReader in = new BufferedReader(new InputStreamReader(
                    server.stream(server.request(path + query(q)).header("Accept", "text/event-stream").GET().build()),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((count == null || seen < count) && (line = in.readLine()) != null) {
                    if (line.startsWith("data: ")) {
                        out.println(line.substring(6));
                        out.flush();
                        seen++;
                    }
                }
            }
        }
    }

    /** {@code tributary streams}: lists streams. */
    @Command(name = "streams", mixinStandardHelpOptions = true,
            description = {"List the streams of a running server in name order.",
                    "Prints 'name lastVersion lastPosition' per line."})
    public static final class Streams extends ClientCommand {
        @Option(names = "--category", paramLabel = "C", description = "only this category")
        private String category;

        @Option(names = "--prefix", paramLabel = "P", description = "only names starting with P")
        private String prefix;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "100", description = "most streams (default: 100)")
        private int limit;

        @Override
        void run(PrintWriter out) {
            List<String> q = new ArrayList<>();
            if (category != null) {
                q.add("category=" + ClientOptions.encode(category));
            }
            if (prefix != null) {
                q.add("prefix=" + ClientOptions.encode(prefix));
            }
            q.add("limit=" + limit);
            JsonNode page = Json.parse(server.send(server.request("/streams" + query(q)).GET().build())
                    .getBytes(StandardCharsets.UTF_8));
            for (JsonNode s : page.get("streams")) {
                out.println(s.get("stream").asText() + " " + s.get("lastVersion").asLong() + " " + s.get("lastPosition").asLong());
            }
        }
    }

    /** {@code tributary projections}: lists the server's projections, shows or resets one, looks up state. */
    @Command(name = "projections", mixinStandardHelpOptions = true,
            description = {"List the projections of a running server, or show, rebuild or query one.",
                    "With NAME: show it as JSON, rebuild it (--reset) or print the state of a key (--key,",
                    "with --at-least for read-your-writes).",
                    "The list prints 'name status position lag eventsPerSecond' per line."})
    public static final class Projections extends ClientCommand {
        @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "a projection")
        private String name;

        @Option(names = "--reset", description = "rebuild NAME from the start of the log")
        private boolean reset;

        @Option(names = "--key", paramLabel = "KEY", description = "print the read-model document of KEY in NAME")
        private String key;

        @Option(names = "--at-least", paramLabel = "POSITION",
                description = "with --key: wait until NAME has processed POSITION (a consistency token)")
        private Long atLeast;

        @Override
        void run(PrintWriter out) {
            if (name == null && (reset || key != null || atLeast != null)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--reset, --key and --at-least need a projection NAME");
            }
            if (reset && key != null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "give either --reset or --key, not both");
            }
            if (atLeast != null && key == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--at-least goes with --key");
            }
            if (name == null) {
                JsonNode list = Json.parse(server.send(server.request("/projections").GET().build()).getBytes(StandardCharsets.UTF_8));
                for (JsonNode p : list) {
                    out.println(p.get("name").asText() + " " + p.get("status").asText() + " " + p.get("position").asLong()
                            + " " + p.get("lag").asLong() + " " + p.get("eventsPerSecond").asDouble()
                            + (p.has("error") ? " error: " + p.get("error").asText() : ""));
                }
                return;
            }
            String path = "/projections/" + ClientOptions.encode(name);
            if (reset) {
                out.println(server.send(server.request(path + "/reset").POST(HttpRequest.BodyPublishers.noBody()).build()));
            } else if (key != null) {
                out.println(server.send(server.request(path + "/state/" + ClientOptions.encode(key)
                        + (atLeast == null ? "" : "?atLeast=" + atLeast)).GET().build()));
            } else {
                out.println(server.send(server.request(path).GET().build()));
            }
        }
    }

    /** {@code tributary processors}: lists the server's stream processors, shows one, looks up state. */
    @Command(name = "processors", mixinStandardHelpOptions = true,
            description = {"List the stream processors of a running server, or show or query one.",
                    "With NAME: show it as JSON, or print a state store entry (--store and --key, with",
                    "--at-least for read-your-writes).",
                    "The list prints 'name status inputPosition watermark lateEvents eventsPerSecond' per line."})
    public static final class Processors extends ClientCommand {
        @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "a stream processor")
        private String name;

        @Option(names = "--store", paramLabel = "STORE", description = "with --key: the state store of NAME to read")
        private String store;

        @Option(names = "--key", paramLabel = "KEY", description = "with --store: print the entry of KEY")
        private String key;

        @Option(names = "--at-least", paramLabel = "POSITION",
                description = "with --store and --key: wait until NAME has processed POSITION (a consistency token)")
        private Long atLeast;

        @Override
        void run(PrintWriter out) {
            if (name == null && (store != null || key != null || atLeast != null)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--store, --key and --at-least need a processor NAME");
            }
            if ((store == null) != (key == null)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--store and --key go together");
            }
            if (atLeast != null && key == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--at-least goes with --store and --key");
            }
            if (name == null) {
                JsonNode list = Json.parse(server.send(server.request("/processors").GET().build()).getBytes(StandardCharsets.UTF_8));
                for (JsonNode p : list) {
                    out.println(p.get("name").asText() + " " + p.get("status").asText() + " " + p.get("inputPosition").asLong()
                            + " " + (p.get("watermark").isNull() ? "-" : p.get("watermark").asText())
                            + " " + p.get("lateEvents").asLong() + " " + p.get("eventsPerSecond").asDouble()
                            + (p.has("error") ? " error: " + p.get("error").asText() : ""));
                }
                return;
            }
            String path = "/processors/" + ClientOptions.encode(name);
            if (key != null) {
                out.println(server.send(server.request(path + "/state/" + ClientOptions.encode(store) + "/"
                        + ClientOptions.encode(key) + (atLeast == null ? "" : "?atLeast=" + atLeast)).GET().build()));
            } else {
                out.println(server.send(server.request(path).GET().build()));
            }
        }
    }
}
