package io.tributary.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code tributary cdc}: lists the CDC sources of a running server, or shows one. */
@Command(name = "cdc", mixinStandardHelpOptions = true,
        description = {"List the CDC sources a running server captures, or with NAME: show one as JSON.",
                "The list prints 'name kind status sourcePosition lagMs snapshotRows' per line",
                "(snapshotRows ends with '+' while the initial snapshot runs).",
                "Sources are configured under 'cdc' in the server's --config file."})
public final class CdcCommand extends ClientCommands.ClientCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "a CDC source")
    private String name;

    @Override
    void run(PrintWriter out) {
        if (name != null) {
            out.println(server.send(server.request("/cdc/" + ClientOptions.encode(name)).GET().build()));
            return;
        }
        JsonNode list = Json.parse(server.send(server.request("/cdc").GET().build()).getBytes(StandardCharsets.UTF_8));
        for (JsonNode c : list) {
            JsonNode snapshot = c.get("snapshot");
            out.println(c.get("name").asText() + " " + c.get("kind").asText() + " " + c.get("status").asText() + " "
                    + c.get("sourcePosition").asText() + " " + c.get("lagMs").asLong() + " "
                    + snapshot.get("rowsDone").asLong() + (snapshot.get("done").asBoolean() ? "" : "+")
                    + (c.has("error") ? " error: " + c.get("error").asText() : ""));
        }
    }
}
