/**
 * The seed's change data capture flow: an application's {@code users} table in PostgreSQL is
 * captured into the log ({@code UPDATE users SET email = ... WHERE id = 123} becomes a
 * {@code cdc.update} event on the stream {@code users-123}) and three independent consumers react,
 * each at its own pace with its own checkpoint: {@link io.tributary.examples.cdc.SearchIndexSync}
 * (an Apache Lucene index), {@link io.tributary.examples.cdc.CacheInvalidator} (a Caffeine
 * read-through cache, {@link io.tributary.examples.cdc.UserCache}) and the cdc module's
 * {@code JdbcSink} (a replica in a second PostgreSQL database).
 * {@link io.tributary.examples.cdc.CdcConsumersExample} runs the story.
 */
package io.tributary.examples.cdc;
