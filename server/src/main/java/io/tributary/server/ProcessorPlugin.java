package io.tributary.server;

import java.util.Map;

/**
 * A stream processor that {@code tributary serve} starts because its configuration file names it
 * under {@code processors:}. Found with {@link java.util.ServiceLoader} like {@link ProjectionPlugin}
 * (file {@code META-INF/services/io.tributary.server.ProcessorPlugin}).
 *
 * <pre>{@code
 * processors:
 *   - plugin: sales-per-minute
 *     settings: {state: rocksdb}
 * }</pre>
 */
public interface ProcessorPlugin {

    /** The name the configuration file picks this plugin by; unique among the processor plugins on the class path. */
    String name();

    /** The settings this plugin reads, each with a line of documentation (see {@link ProjectionPlugin#settings()}). */
    default Map<String, String> settings() {
        return Map.of();
    }

    /**
     * Starts the processor on {@link PluginContext#store()} and returns it to be served; bad settings
     * throw {@link IllegalArgumentException} (see {@link ProjectionPlugin#start}).
     */
    ServedProcessor start(PluginContext context);
}
