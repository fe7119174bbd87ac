/**
 * The NEXMark benchmark (issue 6): a seeded generator of persons, auctions and bids, queries
 * q0–q8 on Tributary's {@code streams} DSL, Apache Flink and Kafka Streams, and the harness
 * ({@link io.tributary.benchmarks.nexmark.NexmarkBenchmarks}) that runs them on the same events,
 * checks their results are identical and reports events/s and peak memory side by side.
 */
package io.tributary.benchmarks.nexmark;
