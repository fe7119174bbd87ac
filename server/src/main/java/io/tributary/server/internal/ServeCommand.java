package io.tributary.server.internal;

import io.tributary.server.ServerConfig;
import io.tributary.server.TributaryServer;
import io.tributary.store.Durability;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tributary serve}: runs the server until the process is stopped (Ctrl-C or SIGTERM
 * stop it gracefully). Flags override the configuration file.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Run the HTTP server (HTTP-API.md) on an embedded store.",
                "Prints 'listening on http://<address>:<port>' once it accepts requests."})
public final class ServeCommand implements Callable<Integer> {
    @Option(names = "--data", paramLabel = "DIR", description = "the data directory (default: ./data, or 'data' in the config file)")
    private Path data;

    @Option(names = "--port", paramLabel = "N", description = "the TCP port; 0 picks a free one (default: 7070)")
    private Integer port;

    @Option(names = "--bind", paramLabel = "ADDRESS", description = "the address to listen on (default: 127.0.0.1)")
    private String bind;

    @Option(names = "--auth-token", paramLabel = "TOKEN",
            description = "require 'Authorization: Bearer TOKEN' on every endpoint but /health")
    private String authToken;

    @Option(names = "--durability", paramLabel = "MODE", description = "fsync (default), none or interval:<ms>")
    private String durability;

    @Option(names = "--config", paramLabel = "FILE", description = "a YAML configuration file; flags override it")
    private Path config;

    @Option(names = {"--classpath", "-cp"}, paramLabel = "PATHS",
            description = {"JARs or directories holding plugins (projections:, processors: in the config file), separated by '"
                    + "${sys:path.separator}'; also read from TRIBUTARY_CLASSPATH"})
    private List<String> classpath = new java.util.ArrayList<>();

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /** Starts the server and blocks until the JVM shuts down. */
    @Override
    public Integer call() throws InterruptedException {
        ServerConfig serverConfig = configuration();
        List<ConfigFile.CdcSourceConfig> sources = cdcSources();
        Plugins plugins = plugins();
        TributaryServer server = TributaryServer.start(serverConfig);
        try {
            plugins.startOn(server, serverConfig.dataDirectory());
        } catch (ConfigFile.InvalidConfigException e) {
            stop(server, plugins);
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        } catch (RuntimeException e) {
            stop(server, plugins);
            PrintWriter err = spec.commandLine().getErr();
            err.println("cannot start the plugins of configuration file " + config + ": " + e);
            err.flush();
            return 1;
        }
        for (ConfigFile.CdcSourceConfig source : sources) {
            try {
                server.serve(source.start(server.store()));
            } catch (RuntimeException e) {
                stop(server, plugins);
                PrintWriter err = spec.commandLine().getErr();
                err.println("cannot start CDC source '" + source.name() + "' (configuration file " + config + ", key 'cdc'): "
                        + e.getMessage());
                err.flush();
                return 1;
            }
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                stop(server, plugins);
            } finally {
                stopped.countDown();
            }
        }, "tributary-shutdown"));
        PrintWriter out = spec.commandLine().getOut();
        out.println("listening on http://" + serverConfig.bindAddress() + ":" + server.port());
        out.flush();
        stopped.await();
        return 0;
    }

    /** Stops the server (its projections and processors), then closes what the plugins registered. */
    private static void stop(TributaryServer server, Plugins plugins) {
        try {
            server.close();
        } finally {
            plugins.close();
        }
    }

    private Plugins plugins() {
        List<String> paths = new java.util.ArrayList<>(classpath);
        String env = System.getenv("TRIBUTARY_CLASSPATH");
        if (env != null && !env.isBlank()) {
            paths.add(env);
        }
        try {
            ClassLoader loader = Plugins.classLoader(paths);
            return config == null ? Plugins.load(null, null, loader) : ConfigFile.plugins(config, loader);
        } catch (ConfigFile.InvalidConfigException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private List<ConfigFile.CdcSourceConfig> cdcSources() {
        try {
            return config == null ? List.of() : ConfigFile.cdcSources(config, System::getenv);
        } catch (ConfigFile.InvalidConfigException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private ServerConfig configuration() {
        ServerConfig.Builder builder = ServerConfig.builder(Path.of("data"));
        try {
            if (config != null) {
                Path fromFile = ConfigFile.apply(config, builder);
                if (fromFile != null) {
                    builder.dataDirectory(fromFile);
                }
            }
            if (data != null) {
                builder.dataDirectory(data);
            }
            if (port != null) {
                builder.port(port);
            }
            if (bind != null) {
                builder.bindAddress(bind);
            }
            if (authToken != null) {
                builder.authToken(authToken);
            }
            if (durability != null) {
                builder.durability(Durability.parse(durability));
            }
            return builder.build();
        } catch (ConfigFile.InvalidConfigException | IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
