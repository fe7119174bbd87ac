/** Implementation of the event-sourcing module; not an API: use {@code io.tributary.eventsourcing}. */
package io.tributary.eventsourcing.internal;
