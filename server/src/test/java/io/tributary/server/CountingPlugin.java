package io.tributary.server;

import io.tributary.core.ReadFilter;
import io.tributary.cqrs.DocumentStore;
import io.tributary.cqrs.DocumentWriter;
import io.tributary.cqrs.Projection;
import io.tributary.cqrs.ProjectionRunner;
import java.util.Map;

/**
 * A projection plugin as a user would write one, for {@link PluginsIT}: counts the events of each
 * stream of a category. Not registered on the test class path: the tests give it to the server
 * through {@code --classpath} (a directory holding only its {@code META-INF/services} file).
 */
public final class CountingPlugin implements ProjectionPlugin {
    @Override
    public String name() {
        return "event-counts";
    }

    @Override
    public Map<String, String> settings() {
        return Map.of("category", "the category whose streams are counted (required)",
                "projection", "the projection's name (default event-counts)");
    }

    @Override
    public ServedProjection start(PluginContext context) {
        String category = context.settings().text("category");
        String name = context.settings().text("projection", "event-counts");
        DocumentStore documents = DocumentStore.inMemory();
        context.closeWhenStopped(documents);
        ProjectionRunner<DocumentWriter> runner = ProjectionRunner.start(context.store(),
                Projection.of(name, ReadFilter.categories(category), (e, w) -> {
                    long n = w.get("counts", e.stream().id()).map(d -> d.get("events").asLong()).orElse(0L);
                    w.put("counts", e.stream().id(), Http.JSON.createObjectNode().put("events", n + 1));
                }), documents);
        return ServedProjection.documents(runner, documents, "counts");
    }
}
