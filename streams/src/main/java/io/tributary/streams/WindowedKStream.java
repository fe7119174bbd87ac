package io.tributary.streams;

import java.util.function.BinaryOperator;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * A grouped stream cut into event-time windows. Results are tables keyed by
 * {@link Windowed} key; with {@link Emit#ON_WINDOW_CLOSE} each window's result is emitted once,
 * when the watermark passes its end plus grace, and the window is then dropped from state.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface WindowedKStream<K, V> {

    /** These windows emitting per {@code emit} (default {@link Emit#ON_EVERY_UPDATE}). */
    WindowedKStream<K, V> emit(Emit emit);

    /** The number of records per key and window. */
    KTable<Windowed<K>, Long> count(Materialized<K, Long> materialized);

    /** The number of records per key and window, in a store with a generated name. */
    default KTable<Windowed<K>, Long> count() {
        return count(Materialized.defaults());
    }

    /** Combines the values of each key and window. */
    KTable<Windowed<K>, V> reduce(BinaryOperator<V> reducer, Materialized<K, V> materialized);

    /**
     * Folds the values of each key and window. For session windows the aggregates of sessions
     * that an event bridges are merged with {@code merger}; other windows never call it.
     */
    <A> KTable<Windowed<K>, A> aggregate(Supplier<A> initializer, Aggregator<? super K, ? super V, A> aggregator,
                                         Merger<? super K, A> merger, Materialized<K, A> materialized);

    /** The sum of {@code value(v)} per key and window. */
    KTable<Windowed<K>, Long> sum(ToLongFunction<? super V> value, Materialized<K, Long> materialized);

    /** The average of {@code value(v)} per key and window. */
    KTable<Windowed<K>, Double> average(ToDoubleFunction<? super V> value, Materialized<K, Double> materialized);

    /**
     * The records that arrived too late for every window they belong to (they are also counted in
     * the processor's {@code lateEvents}); by default they are dropped.
     */
    KStream<K, V> lateEvents();
}
