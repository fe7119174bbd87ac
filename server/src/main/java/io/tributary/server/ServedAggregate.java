package io.tributary.server;

import io.tributary.core.StreamName;
import io.tributary.eventsourcing.AggregateRepository;
import io.tributary.eventsourcing.EventCodec;
import java.util.Objects;

/**
 * An event-sourced aggregate (a decider with its repository) the server exposes read-only under
 * {@code /aggregates/{name}}: the state of one instance now, at a version or as of an instant
 * (time travel), and its audit trail (every event with the state right after it). Register it
 * with {@link TributaryServer#serve(ServedAggregate)}.
 *
 * <p>Instance {@code id} lives in the stream {@code <category>-<id>}. Events are shown as the
 * codec writes them (so exactly as stored, after upcasting) with the codec's type name; states are
 * written as JSON with Jackson (records and beans as objects of their properties, a value Jackson
 * cannot write as its {@code toString()} text), with the state's class name beside it — useful
 * when the state is a sealed family.
 *
 * @param name       the name in the URL ({@code orders}); letters, digits, {@code -} and {@code _}
 * @param category   the stream category of the instances ({@code order} for {@code order-<id>})
 * @param repository loads states and audit trails; called on HTTP request threads (repositories
 *                   are thread-safe)
 * @param codec      the codec of the aggregate's events, for their type names and JSON
 * @param <S>        the state type
 * @param <E>        the event type
 */
public record ServedAggregate<S, E>(String name, String category, AggregateRepository<?, S, E> repository,
                                    EventCodec<E> codec) {

    /**
     * Validates the parts.
     *
     * @throws IllegalArgumentException when the name is not a URL-safe word or the category is not a valid category
     */
    public ServedAggregate {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(category, "category");
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(codec, "codec");
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9_-]{0,99}")) {
            throw new IllegalArgumentException("an aggregate name is 1 to 100 letters, digits, '-' or '_' (starting with a"
                    + " letter or digit), got '" + name + "'");
        }
        if (category.isEmpty() || category.contains("-") || category.startsWith("$")) {
            throw new IllegalArgumentException("a category is not empty, has no '-' and does not start with '$', got '"
                    + category + "'");
        }
        String problem = StreamName.problem(category + "-x");
        if (problem != null) {
            throw new IllegalArgumentException("category '" + category + "' does not make valid stream names: " + problem);
        }
    }

    /** Serves the instances of {@code repository} in the streams {@code <category>-<id>} under {@code /aggregates/<name>}. */
    public static <S, E> ServedAggregate<S, E> of(String name, String category, AggregateRepository<?, S, E> repository,
                                                  EventCodec<E> codec) {
        return new ServedAggregate<>(name, category, repository, codec);
    }

    /** The stream of instance {@code id}. */
    public StreamName stream(String id) {
        return StreamName.of(category, id);
    }
}
