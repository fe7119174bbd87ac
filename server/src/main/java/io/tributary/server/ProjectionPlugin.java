package io.tributary.server;

import java.util.Map;

/**
 * A projection that {@code tributary serve} starts because its configuration file names it under
 * {@code projections:} — the way to run your own read models in the server without writing a
 * {@code main}. Implementations are found with {@link java.util.ServiceLoader}: list the class in
 * {@code META-INF/services/io.tributary.server.ProjectionPlugin} of a JAR given to the server with
 * {@code --classpath} (or {@code TRIBUTARY_CLASSPATH}), and give it a public no-argument constructor.
 *
 * <pre>{@code
 * projections:
 *   - plugin: order-summary          # this plugin's name()
 *     settings: {collection: orders} # checked against settings()
 * }</pre>
 */
public interface ProjectionPlugin {

    /** The name the configuration file picks this plugin by; unique among the projection plugins on the class path. */
    String name();

    /**
     * The settings this plugin reads, each with a line of documentation; a key in the file that is not
     * listed here stops the start with a message naming it. Default: none.
     */
    default Map<String, String> settings() {
        return Map.of();
    }

    /**
     * Starts the projection on {@link PluginContext#store()} and returns it to be served. Settings
     * read through {@link PluginContext#settings()} that are missing or of the wrong kind throw
     * {@link IllegalArgumentException}, which stops the start with a message naming the key.
     */
    ServedProjection start(PluginContext context);
}
