/**
 * CQRS on a Tributary {@link io.tributary.core.EventStore}: a write side of commands and
 * deciders, read sides of projections into read-model stores, and the consistency token that
 * connects them.
 *
 * <h2>Commands</h2>
 * A {@link io.tributary.cqrs.CommandBus} routes each command by its class to a decider behind
 * an {@code AggregateRepository} (or to a {@link io.tributary.cqrs.CommandHandler}). The
 * {@link io.tributary.cqrs.CommandOutcome} is {@code Accepted} with the global position of the
 * write — the consistency token — or {@code Rejected} with a reason: a value, never an exception.
 *
 * <h2>Projections</h2>
 * A {@link io.tributary.cqrs.Projection} names the events it reads (a
 * {@link io.tributary.core.ReadFilter}) and how each changes its read model. A
 * {@link io.tributary.cqrs.ProjectionRunner} subscribes from the projection's checkpoint (catch-up,
 * then live), applies events in batches and commits every batch <em>together with its
 * checkpoint</em> in one transaction of the {@link io.tributary.cqrs.ReadModelStore}: a crash
 * neither skips nor repeats an event's effect. The runner reports a
 * {@link io.tributary.cqrs.ProjectionStatus} (position, lag in events and milliseconds, events per
 * second, last error) and follows its {@link io.tributary.cqrs.FailurePolicy}: retry with
 * backoff, park the event in a dead-letter stream and go on, or stop.
 *
 * <h2>Read-model stores</h2>
 * <ul>
 * <li>{@link io.tributary.cqrs.DocumentStore#inMemory}: JSON documents in memory; a transaction is
 *     applied under one lock.</li>
 * <li>{@link io.tributary.cqrs.DocumentStore#rocksDb}: JSON documents by key in RocksDB, with
 *     secondary indexes on declared fields ({@link io.tributary.cqrs.IndexDefinition}) for
 *     equality queries; a transaction is one write batch.</li>
 * <li>{@link io.tributary.cqrs.JdbcReadModelStore#postgres}: tables in PostgreSQL; a transaction
 *     is a JDBC transaction with batched statements ({@link io.tributary.cqrs.SqlWriter}).</li>
 * </ul>
 *
 * <h2>Read-your-writes, rebuilds, time travel</h2>
 * {@link io.tributary.cqrs.ProjectionRunner#awaitPosition} waits until a projection has processed
 * a command's consistency token, or throws {@link io.tributary.cqrs.ProjectionTimeoutException}.
 * {@link io.tributary.cqrs.ProjectionRunner#reset()} replays a projection in place;
 * {@link io.tributary.cqrs.ProjectionRunner#rebuildInShadow} replays it beside the live one and
 * swaps it in atomically with a {@link io.tributary.cqrs.RebuildReport} of the differences.
 * {@link io.tributary.cqrs.TimeTravel} computes a read model as of a past position without
 * touching the live one.
 *
 * <pre>{@code
 * DocumentStore docs = DocumentStore.rocksDb(dir.resolve("read-models"), IndexDefinition.of("orders", "customerId"));
 * ProjectionRunner<DocumentWriter> orders = ProjectionRunner.start(store, orderSummary, docs);
 * CommandOutcome outcome = bus.dispatch(new PlaceOrder(...));
 * if (outcome instanceof CommandOutcome.Accepted a) {
 *     Optional<ObjectNode> order = orders.query(a.position(), Duration.ofSeconds(1),
 *             () -> docs.get("order-summary", "orders", orderId));
 * }
 * }</pre>
 *
 * <p>Implementation classes live in {@code io.tributary.cqrs.internal}; do not use them.
 */
package io.tributary.cqrs;
