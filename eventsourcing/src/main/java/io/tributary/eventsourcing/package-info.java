/**
 * Event sourcing on a Tributary {@link io.tributary.core.EventStore}: events are the source of
 * truth and state is derived by replaying them.
 *
 * <h2>Deciders</h2>
 * An aggregate is a {@link io.tributary.eventsourcing.Decider}: {@code initialState()},
 * {@code decide(command, state)} returning a {@link io.tributary.eventsourcing.Decision} (events,
 * or a rejection with a reason — a value, never an exception) and {@code evolve(state, event)}.
 * Commands, states and events are records; event families are sealed interfaces. No base class,
 * no annotation.
 *
 * <h2>Codec</h2>
 * An {@link io.tributary.eventsourcing.EventCodec} maps each event class to the type name it is
 * stored under, through an explicit registry, and writes JSON with Jackson ({@code java.time} as
 * ISO-8601, {@code BigDecimal} exact). Each type has a schema version, recorded in the event
 * metadata as {@code {"schemaVersion":N}}; {@link io.tributary.eventsourcing.Upcaster}s turn older
 * shapes into the current one when events are read, in a chain. An event that cannot be decoded
 * raises {@link io.tributary.eventsourcing.EventDecodingException} naming stream, version and type.
 *
 * <h2>Repository</h2>
 * An {@link io.tributary.eventsourcing.AggregateRepository} loads a stream's state (from the
 * newest usable snapshot), handles a command (decide, append with {@code exact(version)}, retry
 * on a concurrent write up to a bound) and returns the new state, the events and the consistency
 * token; {@code handleAll} decides on several streams and appends them atomically (a transfer).
 * Time travel: {@code loadAtVersion}, {@code loadAsOf} and {@code auditTrail}.
 *
 * <h2>Snapshots</h2>
 * With {@link io.tributary.eventsourcing.SnapshotSettings}, a
 * {@link io.tributary.eventsourcing.SnapshotPolicy} (every N events, or when a replay took longer
 * than T) decides when the state of {@code s} is saved into the stream {@code snapshot-s}. A
 * snapshot of another state schema version is ignored, never misread; a load from a snapshot
 * equals a full replay.
 *
 * <pre>{@code
 * AggregateRepository<AccountCommand, Account, AccountEvent> accounts =
 *         AggregateRepository.builder(store, new BankAccount(), codec)
 *                 .snapshots(SnapshotSettings.of(Account.class, 1, SnapshotPolicy.everyEvents(100)))
 *                 .build();
 * CommandResult<Account, AccountEvent> r = accounts.handle(StreamName.of("account-42"), new Deposit(amount));
 * }</pre>
 *
 * <p>Implementation classes live in {@code io.tributary.eventsourcing.internal}; do not use them.
 */
package io.tributary.eventsourcing;
