/**
 * Stream processing on the Tributary log: a typed DSL in the spirit of Kafka Streams
 * ({@link io.tributary.streams.StreamsBuilder}, {@link io.tributary.streams.KStream},
 * {@link io.tributary.streams.KTable}), event time with watermarks, windows, joins, state stores,
 * an exactly-once runtime ({@link io.tributary.streams.StreamProcessor}) and a test driver
 * ({@link io.tributary.streams.TopologyTestDriver}).
 */
package io.tributary.streams;
