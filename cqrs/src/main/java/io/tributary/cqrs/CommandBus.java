package io.tributary.cqrs;

import io.tributary.core.StreamName;
import io.tributary.eventsourcing.AggregateRepository;
import io.tributary.eventsourcing.CommandResult;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The write side's front door: sends each command to the handler registered for its class,
 * usually a decider behind an {@link AggregateRepository}, and returns a
 * {@link CommandOutcome} that carries the consistency token of the write.
 *
 * <p>A command is routed by its class, or else by the nearest registered superclass or
 * interface (register a sealed command family once). The bus is immutable and thread-safe;
 * {@link #dispatch} blocks until the write is durable. Store errors propagate as thrown by the
 * repository; a rejection is a value.
 *
 * <pre>{@code
 * CommandBus bus = CommandBus.builder()
 *         .route(OrderCommand.class, c -> StreamName.of("order", c.orderId()), orders)
 *         .build();
 * CommandOutcome outcome = bus.dispatch(new PlaceOrder(...));
 * }</pre>
 */
public final class CommandBus {
    private final Map<Class<?>, CommandHandler<Object>> handlers;
    private final Map<Class<?>, Optional<CommandHandler<Object>>> resolved = new ConcurrentHashMap<>();

    private CommandBus(Map<Class<?>, CommandHandler<Object>> handlers) {
        this.handlers = Map.copyOf(handlers);
    }

    /** Starts an empty bus. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Handles {@code command} with the handler registered for its class.
     *
     * @throws UnknownCommandException when no handler is registered for the class or its supertypes
     */
    public CommandOutcome dispatch(Object command) {
        Objects.requireNonNull(command, "command");
        CommandHandler<Object> handler = resolved.computeIfAbsent(command.getClass(), this::find)
                .orElseThrow(() -> new UnknownCommandException(command.getClass()));
        return handler.handle(command);
    }

    // Breadth-first over superclasses and interfaces, so the nearest registration wins.
    private Optional<CommandHandler<Object>> find(Class<?> type) {
        Deque<Class<?>> queue = new ArrayDeque<>(List.of(type));
        while (!queue.isEmpty()) {
            Class<?> c = queue.removeFirst();
            CommandHandler<Object> h = handlers.get(c);
            if (h != null) {
                return Optional.of(h);
            }
            if (c.getSuperclass() != null) {
                queue.addLast(c.getSuperclass());
            }
            queue.addAll(List.of(c.getInterfaces()));
        }
        return Optional.empty();
    }

    /** Collects routes; each command class may be registered once. */
    public static final class Builder {
        private final Map<Class<?>, CommandHandler<Object>> handlers = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * Routes commands of {@code type} (and its subtypes) to {@code repository}: the command is
         * decided on the state of the stream {@code streamOf} names and its events appended there.
         */
        public <C, S, E> Builder route(Class<C> type, Function<? super C, StreamName> streamOf,
                                       AggregateRepository<? super C, S, E> repository) {
            Objects.requireNonNull(streamOf, "streamOf");
            Objects.requireNonNull(repository, "repository");
            return handler(type, command -> {
                StreamName stream = Objects.requireNonNull(streamOf.apply(command), "streamOf returned null");
                CommandResult<S, E> result = repository.handle(stream, command);
                if (result instanceof CommandResult.Accepted<S, E> a) {
                    return new CommandOutcome.Accepted(a.stream(), a.version(), a.position(), List.copyOf(a.events()));
                }
                CommandResult.Rejected<S, E> r = (CommandResult.Rejected<S, E>) result;
                return new CommandOutcome.Rejected(r.stream(), r.reason());
            });
        }

        /** Handles commands of {@code type} (and its subtypes) with {@code handler}. */
        public <C> Builder handler(Class<C> type, CommandHandler<? super C> handler) {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(handler, "handler");
            if (handlers.containsKey(type)) {
                throw new IllegalArgumentException("a handler for " + type.getName() + " is already registered");
            }
            handlers.put(type, command -> handler.handle(type.cast(command)));
            return this;
        }

        /** Builds the bus. */
        public CommandBus build() {
            return new CommandBus(handlers);
        }
    }
}
