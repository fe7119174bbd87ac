/** Test fixtures and the {@code EventStore} contract suite every backend runs. */
package io.tributary.testkit;
