package io.tributary.streams;

import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;
import java.util.function.Function;

/**
 * An unbounded stream of keyed records with event times. Operations build a topology; nothing
 * runs until it is started ({@link StreamProcessor}) or driven ({@link TopologyTestDriver}).
 * Functions given to operations must be deterministic and free of side effects (except
 * {@link #peek}): exactly-once relies on a replay computing the same results.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface KStream<K, V> {

    /** A stream of the records that satisfy {@code predicate}. */
    KStream<K, V> filter(BiPredicate<? super K, ? super V> predicate);

    /** A stream of the records that do not satisfy {@code predicate}. */
    KStream<K, V> filterNot(BiPredicate<? super K, ? super V> predicate);

    /** A stream with each record replaced by {@code mapper(key, value)}: new key and value. */
    <K2, V2> KStream<K2, V2> map(BiFunction<? super K, ? super V, KeyValue<K2, V2>> mapper);

    /** A stream with each value replaced by {@code mapper(value)}; keys unchanged. */
    <V2> KStream<K, V2> mapValues(Function<? super V, ? extends V2> mapper);

    /** A stream with each record replaced by zero or more records. */
    <K2, V2> KStream<K2, V2> flatMap(BiFunction<? super K, ? super V, ? extends Iterable<KeyValue<K2, V2>>> mapper);

    /** A stream with each value replaced by zero or more values; keys unchanged. */
    <V2> KStream<K, V2> flatMapValues(Function<? super V, ? extends Iterable<? extends V2>> mapper);

    /** A stream with a new key {@code mapper(key, value)} for each record. */
    <K2> KStream<K2, V> selectKey(BiFunction<? super K, ? super V, ? extends K2> mapper);

    /** This stream, calling {@code action} for every record (for logging or metrics; replays call it again). */
    KStream<K, V> peek(BiConsumer<? super K, ? super V> action);

    /**
     * Splits the stream: record goes to the branch of the first predicate it satisfies, or to
     * none. Returns one stream per predicate, in order.
     */
    List<KStream<K, V>> branch(List<BiPredicate<? super K, ? super V>> predicates);

    /** A stream of the records of this stream and {@code other}, each in its own order. */
    KStream<K, V> merge(KStream<K, V> other);

    /** Groups by the current key, for aggregations. */
    KGroupedStream<K, V> groupByKey();

    /** Groups by the current key; {@code grouped} gives serdes for RocksDB state. */
    KGroupedStream<K, V> groupByKey(Grouped<K, V> grouped);

    /** Groups by a new key {@code selector(key, value)}. */
    <K2> KGroupedStream<K2, V> groupBy(BiFunction<? super K, ? super V, ? extends K2> selector);

    /** Groups by a new key; {@code grouped} gives serdes for RocksDB state. */
    <K2> KGroupedStream<K2, V> groupBy(BiFunction<? super K, ? super V, ? extends K2> selector, Grouped<K2, V> grouped);

    /** A table of the latest value per key. */
    KTable<K, V> toTable(Materialized<K, V> materialized);

    /** Appends every record to the log as an event (a sink). */
    void to(Produced<K, V> produced);

    /**
     * Joins records of this and {@code other} with the same key whose event times are within
     * {@code windows}. Emits {@code joiner(left, right)} for every pair, as soon as both are seen.
     * Records wait for partners in the processor's state until the watermark passes their range;
     * on RocksDB state use the overload with {@link StreamJoined} serdes.
     */
    <V2, R> KStream<K, R> join(KStream<K, V2> other, BiFunction<? super V, ? super V2, ? extends R> joiner, JoinWindows windows);

    /** Like {@link #join(KStream, BiFunction, JoinWindows)}, with the buffers' name and serdes (needed on RocksDB state). */
    <V2, R> KStream<K, R> join(KStream<K, V2> other, BiFunction<? super V, ? super V2, ? extends R> joiner, JoinWindows windows,
                               StreamJoined<K, V, V2> joined);

    /** Like {@link #join(KStream, BiFunction, JoinWindows)}, and a left record that found no partner by the time its window closes is emitted with an empty right side. */
    <V2, R> KStream<K, R> leftJoin(KStream<K, V2> other, BiFunction<? super V, Optional<V2>, ? extends R> joiner, JoinWindows windows);

    /** Like {@link #leftJoin(KStream, BiFunction, JoinWindows)}, with the buffers' name and serdes (needed on RocksDB state). */
    <V2, R> KStream<K, R> leftJoin(KStream<K, V2> other, BiFunction<? super V, Optional<V2>, ? extends R> joiner, JoinWindows windows,
                                   StreamJoined<K, V, V2> joined);

    /** Like {@link #leftJoin}, for unmatched records of both sides. */
    <V2, R> KStream<K, R> outerJoin(KStream<K, V2> other, BiFunction<Optional<V>, Optional<V2>, ? extends R> joiner, JoinWindows windows);

    /** Like {@link #outerJoin(KStream, BiFunction, JoinWindows)}, with the buffers' name and serdes (needed on RocksDB state). */
    <V2, R> KStream<K, R> outerJoin(KStream<K, V2> other, BiFunction<Optional<V>, Optional<V2>, ? extends R> joiner, JoinWindows windows,
                                    StreamJoined<K, V, V2> joined);

    /** Joins each record with the table's current value for its key; records without one are dropped. */
    <VT, R> KStream<K, R> join(KTable<K, VT> table, BiFunction<? super V, ? super VT, ? extends R> joiner);

    /** Joins each record with the table's current value for its key, if any. */
    <VT, R> KStream<K, R> leftJoin(KTable<K, VT> table, BiFunction<? super V, Optional<VT>, ? extends R> joiner);

    /**
     * Detects a sequence per key: emits the matched records when the steps of {@code pattern}
     * occur in order within its time window (complex event processing).
     */
    KStream<K, List<V>> detect(Pattern<V> pattern);

    /**
     * Like {@link #detect(Pattern)}, with the name and serdes of the store of partial matches (the
     * key's latest records that may begin a match; needed on RocksDB state).
     */
    KStream<K, List<V>> detect(Pattern<V> pattern, Materialized<K, V> materialized);
}
