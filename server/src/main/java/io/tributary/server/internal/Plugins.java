package io.tributary.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.tributary.server.PluginContext;
import io.tributary.server.PluginSettings;
import io.tributary.server.ProcessorPlugin;
import io.tributary.server.ProjectionPlugin;
import io.tributary.server.TributaryServer;
import io.tributary.store.EmbeddedEventStore;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The projections and processors a configuration file asks for ({@code projections:} and
 * {@code processors:}, each a list of {@code {plugin, settings}}), found among the
 * {@link ProjectionPlugin}/{@link ProcessorPlugin} providers of a class loader
 * ({@link ServiceLoader}), checked before the server starts and started on it. Every problem is an
 * {@link ConfigFile.InvalidConfigException} that names the file and the key.
 */
final class Plugins implements AutoCloseable {
    /** One list entry of the file: where it is ({@code projections[0]}), the plugin's name and its settings. */
    record Entry(String key, String plugin, JsonNode settings) {
    }

    private final Path file;
    private final List<Entry> projections;
    private final List<Entry> processors;
    private final Map<String, ProjectionPlugin> projectionPlugins;
    private final Map<String, ProcessorPlugin> processorPlugins;
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private final Map<String, Integer> started = new java.util.HashMap<>();

    private Plugins(Path file, List<Entry> projections, List<Entry> processors, Map<String, ProjectionPlugin> projectionPlugins,
                    Map<String, ProcessorPlugin> processorPlugins) {
        this.file = file;
        this.projections = projections;
        this.processors = processors;
        this.projectionPlugins = projectionPlugins;
        this.processorPlugins = processorPlugins;
    }

    /**
     * The class loader plugins are loaded from: this module's, plus the JARs and directories of
     * {@code classpath} (entries separated by the platform's path separator), which must exist.
     */
    static ClassLoader classLoader(List<String> classpath) {
        List<URL> urls = new ArrayList<>();
        for (String list : classpath) {
            for (String entry : list.split(File.pathSeparator)) {
                if (entry.isBlank()) {
                    continue;
                }
                Path path = Path.of(entry);
                if (!Files.exists(path)) {
                    throw new ConfigFile.InvalidConfigException("class path entry " + entry + " does not exist");
                }
                try {
                    urls.add(path.toUri().toURL());
                } catch (MalformedURLException e) {
                    throw new ConfigFile.InvalidConfigException("class path entry " + entry + " is not a valid path: "
                            + e.getMessage());
                }
            }
        }
        ClassLoader parent = Plugins.class.getClassLoader();
        return urls.isEmpty() ? parent : new URLClassLoader(urls.toArray(URL[]::new), parent);
    }

    /** Reads and checks the file's {@code projections} and {@code processors} against the plugins {@code loader} finds. */
    static Plugins load(Path file, JsonNode root, ClassLoader loader) {
        Map<String, ProjectionPlugin> projectionPlugins = providers(ProjectionPlugin.class, loader, ProjectionPlugin::name);
        Map<String, ProcessorPlugin> processorPlugins = providers(ProcessorPlugin.class, loader, ProcessorPlugin::name);
        List<Entry> projections = entries(file, root, "projections");
        List<Entry> processors = entries(file, root, "processors");
        for (Entry e : projections) {
            ProjectionPlugin p = projectionPlugins.get(e.plugin());
            if (p == null) {
                throw unknown(file, e, "projection", projectionPlugins.keySet());
            }
            checkSettings(file, e, p.settings());
        }
        for (Entry e : processors) {
            ProcessorPlugin p = processorPlugins.get(e.plugin());
            if (p == null) {
                throw unknown(file, e, "processor", processorPlugins.keySet());
            }
            checkSettings(file, e, p.settings());
        }
        return new Plugins(file, projections, processors, projectionPlugins, processorPlugins);
    }

    /** True when the file asks for no plugin. */
    boolean isEmpty() {
        return projections.isEmpty() && processors.isEmpty();
    }

    /**
     * Starts every configured projection and processor on {@code server} and serves it. A setting
     * the plugin finds missing or wrong, or a name already served, is an
     * {@link ConfigFile.InvalidConfigException}; any other failure of a plugin is rethrown as it is.
     */
    void startOn(TributaryServer server, Path dataDirectory) {
        for (Entry e : projections) {
            Context context = context(server, dataDirectory, e);
            try {
                server.serve(projectionPlugins.get(e.plugin()).start(context));
            } catch (IllegalArgumentException ex) {
                throw new ConfigFile.InvalidConfigException(where(file, e) + " (projection plugin '" + e.plugin() + "'): "
                        + ex.getMessage());
            }
        }
        for (Entry e : processors) {
            Context context = context(server, dataDirectory, e);
            try {
                server.serve(processorPlugins.get(e.plugin()).start(context));
            } catch (IllegalArgumentException ex) {
                throw new ConfigFile.InvalidConfigException(where(file, e) + " (processor plugin '" + e.plugin() + "'): "
                        + ex.getMessage());
            }
        }
    }

    /** Closes what the plugins registered, newest first; call after the server closed. */
    @Override
    public void close() {
        RuntimeException failure = null;
        while (!resources.isEmpty()) {
            try {
                resources.pop().close();
            } catch (Exception e) {
                RuntimeException wrapped = e instanceof RuntimeException r ? r : new IllegalStateException(e);
                if (failure == null) {
                    failure = wrapped;
                } else {
                    failure.addSuppressed(wrapped);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private Context context(TributaryServer server, Path dataDirectory, Entry e) {
        // A plugin name listed more than once (with other settings, or as a projection and a processor)
        // gets a directory per listing: name, name-2, ...
        int n = started.merge(e.plugin(), 1, Integer::sum);
        Path directory = dataDirectory.resolve("plugins").resolve(n == 1 ? e.plugin() : e.plugin() + "-" + n);
        try {
            Files.createDirectories(directory);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot create the plugin directory " + directory, ex);
        }
        return new Context(server.store(), directory, new Settings(e.settings()), resources);
    }

    private static <T> Map<String, T> providers(Class<T> type, ClassLoader loader, java.util.function.Function<T, String> name) {
        Map<String, T> byName = new TreeMap<>();
        try {
            for (T plugin : ServiceLoader.load(type, loader)) {
                T previous = byName.putIfAbsent(name.apply(plugin), plugin);
                if (previous != null) {
                    throw new ConfigFile.InvalidConfigException("two " + type.getSimpleName() + "s are named '" + name.apply(plugin)
                            + "': " + previous.getClass().getName() + " and " + plugin.getClass().getName());
                }
            }
        } catch (ServiceConfigurationError e) {
            throw new ConfigFile.InvalidConfigException("cannot load a " + type.getSimpleName() + ": " + e.getMessage());
        }
        return byName;
    }

    private static List<Entry> entries(Path file, JsonNode root, String key) {
        if (root == null || !root.isObject() || !root.has(key)) {
            return List.of();
        }
        JsonNode list = root.get(key);
        String where = "configuration file " + file + ", key '" + key + "'";
        if (!list.isArray()) {
            throw new ConfigFile.InvalidConfigException(where + " must be a list of {plugin, settings}");
        }
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String at = key + "[" + i + "]";
            String here = "configuration file " + file + ", key '" + at + "'";
            JsonNode item = list.get(i);
            if (!item.isObject()) {
                throw new ConfigFile.InvalidConfigException(here + " must be a mapping with plugin and, optionally, settings");
            }
            for (String k : (Iterable<String>) item::fieldNames) {
                if (!k.equals("plugin") && !k.equals("settings")) {
                    throw new ConfigFile.InvalidConfigException(here + "." + k + " is not a known key; known keys: [plugin, settings]");
                }
            }
            JsonNode plugin = item.get("plugin");
            if (plugin == null || !plugin.isTextual() || plugin.asText().isBlank()) {
                throw new ConfigFile.InvalidConfigException(here + ".plugin is missing; give the name of a plugin");
            }
            JsonNode settings = item.get("settings");
            if (settings != null && !settings.isObject() && !settings.isNull()) {
                throw new ConfigFile.InvalidConfigException(here + ".settings must be a mapping of setting to value");
            }
            entries.add(new Entry(at, plugin.asText(), settings == null || settings.isNull()
                    ? ConfigFile.emptyObject() : settings));
        }
        return entries;
    }

    private static void checkSettings(Path file, Entry e, Map<String, String> known) {
        for (String k : (Iterable<String>) e.settings()::fieldNames) {
            if (!known.containsKey(k)) {
                throw new ConfigFile.InvalidConfigException(where(file, e) + ".settings." + k + " is not a setting of plugin '"
                        + e.plugin() + "'; its settings: " + (known.isEmpty() ? "none" : new TreeMap<>(known)));
            }
        }
    }

    private static ConfigFile.InvalidConfigException unknown(Path file, Entry e, String kind, java.util.Set<String> available) {
        return new ConfigFile.InvalidConfigException(where(file, e) + ".plugin: no " + kind + " plugin named '" + e.plugin()
                + "'; on the class path: " + (available.isEmpty() ? "none" : available)
                + " (add a JAR with --classpath or TRIBUTARY_CLASSPATH)");
    }

    private static String where(Path file, Entry e) {
        return "configuration file " + file + ", key '" + e.key() + "'";
    }

    private record Context(EmbeddedEventStore store, Path directory, PluginSettings settings,
                           Deque<AutoCloseable> resources) implements PluginContext {
        @Override
        public void closeWhenStopped(AutoCloseable resource) {
            resources.push(java.util.Objects.requireNonNull(resource, "resource"));
        }
    }

    /** Settings over the entry's YAML mapping; messages name the setting as {@code settings.<key>}. */
    private record Settings(JsonNode node) implements PluginSettings {
        @Override
        public String text(String key) {
            return optionalText(key).orElseThrow(() -> new IllegalArgumentException("settings." + key + " is missing"));
        }

        @Override
        public String text(String key, String defaultValue) {
            return optionalText(key).orElse(defaultValue);
        }

        @Override
        public Optional<String> optionalText(String key) {
            JsonNode v = node.get(key);
            if (v == null || v.isNull()) {
                return Optional.empty();
            }
            if (!v.isValueNode() || v.asText().isBlank()) {
                throw new IllegalArgumentException("settings." + key + " must be a non-empty text value, got " + v);
            }
            return Optional.of(v.asText());
        }

        @Override
        public long number(String key, long defaultValue, long min, long max) {
            JsonNode v = node.get(key);
            if (v == null || v.isNull()) {
                return defaultValue;
            }
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < min || v.longValue() > max) {
                throw new IllegalArgumentException("settings." + key + " must be a whole number between " + min + " and " + max
                        + ", got " + v);
            }
            return v.longValue();
        }

        @Override
        public boolean bool(String key, boolean defaultValue) {
            JsonNode v = node.get(key);
            if (v == null || v.isNull()) {
                return defaultValue;
            }
            if (!v.isBoolean()) {
                throw new IllegalArgumentException("settings." + key + " must be true or false, got " + v);
            }
            return v.booleanValue();
        }
    }
}
