package io.tributary.cqrs;

import io.tributary.core.ReadFilter;
import io.tributary.core.RecordedEvent;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * A read model's definition: which events it reads and how each one changes the read model.
 *
 * <p>{@link #apply} is called by a {@link ProjectionRunner} inside the read-model store's
 * transaction, on the runner's thread, once per event in log order; the writer {@code W} is the
 * store's view of that transaction (a {@link DocumentWriter} or a {@link SqlWriter}). An
 * exception from {@code apply} aborts the whole batch and the projection's
 * {@link FailurePolicy} decides what happens next, so {@code apply} must be deterministic and
 * must not have side effects outside the writer.
 *
 * @param <W> the writer type of the store the projection writes to
 */
public interface Projection<W> {

    /** The projection's name: 1 to 100 characters of letters, digits, {@code _ . -}; also its checkpoint's name. */
    String name();

    /** The events the projection reads. */
    ReadFilter filter();

    /** Changes the read model for {@code event}, through {@code writer}. */
    void apply(RecordedEvent event, W writer);

    /**
     * Removes everything the projection wrote, for a reset. Document stores clear a projection
     * by themselves and never call it; JDBC projections delete their rows here.
     */
    default void clear(W writer) {
    }

    /**
     * Creates the read model's structure in a fresh slot, before any event is applied: JDBC
     * projections create their tables here ({@code CREATE TABLE IF NOT EXISTS ...}; with
     * {@link JdbcReadModelStore#postgresSchemaPerProjection} unqualified names land in the slot's
     * own schema). Runs in a transaction of its own whenever the slot has no checkpoint yet — at
     * the first start, after a reset and for a shadow rebuild's new slot — so it must be
     * idempotent. Document stores need nothing here.
     */
    default void setup(W writer) {
    }

    /** This projection with {@code setup} as its {@link #setup} step. */
    default Projection<W> withSetup(java.util.function.Consumer<W> setup) {
        Objects.requireNonNull(setup, "setup");
        Projection<W> self = this;
        return new Projection<>() {
            @Override
            public String name() {
                return self.name();
            }

            @Override
            public ReadFilter filter() {
                return self.filter();
            }

            @Override
            public void apply(RecordedEvent event, W writer) {
                self.apply(event, writer);
            }

            @Override
            public void clear(W writer) {
                self.clear(writer);
            }

            @Override
            public void setup(W writer) {
                setup.accept(writer);
            }
        };
    }

    /** A projection made of a name, a filter and an apply function. */
    static <W> Projection<W> of(String name, ReadFilter filter, BiConsumer<RecordedEvent, W> apply) {
        return of(name, filter, apply, w -> { });
    }

    /** A projection made of a name, a filter, an apply function and a clear function. */
    static <W> Projection<W> of(String name, ReadFilter filter, BiConsumer<RecordedEvent, W> apply,
                                java.util.function.Consumer<W> clear) {
        validateName(name);
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(apply, "apply");
        Objects.requireNonNull(clear, "clear");
        return new Projection<>() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public ReadFilter filter() {
                return filter;
            }

            @Override
            public void apply(RecordedEvent event, W writer) {
                apply.accept(event, writer);
            }

            @Override
            public void clear(W writer) {
                clear.accept(writer);
            }
        };
    }

    /**
     * Checks a projection name.
     *
     * @throws IllegalArgumentException naming the problem
     */
    static void validateName(String name) {
        if (name == null || name.isEmpty() || name.length() > 100) {
            throw new IllegalArgumentException("a projection name must have 1 to 100 characters, got '" + name + "'");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(Character.isLetterOrDigit(c) && c < 128) && c != '_' && c != '.' && c != '-') {
                throw new IllegalArgumentException("projection name '" + name + "' has '" + c
                        + "' at index " + i + "; use letters, digits, '_', '.' and '-'");
            }
        }
    }
}
