package io.tributary.server;

import io.tributary.store.EmbeddedEventStore;
import java.nio.file.Path;

/**
 * What a {@link ProjectionPlugin} or {@link ProcessorPlugin} gets when the server starts it.
 * Used on the starting thread only.
 */
public interface PluginContext {

    /** The server's store; the projection or processor must run on it. */
    EmbeddedEventStore store();

    /**
     * A directory of this plugin's own for state (read models, state stores), created:
     * {@code <data>/plugins/<name>}, or {@code <name>-2}, {@code <name>-3}... when the file lists the plugin again.
     */
    Path directory();

    /** The plugin's settings from the configuration file. */
    PluginSettings settings();

    /**
     * Closes {@code resource} when the server stops, after the served projections and processors
     * (a read model's {@code DocumentStore}, say). Resources close in reverse order of registration.
     */
    void closeWhenStopped(AutoCloseable resource);
}
