/** The embedded event store: open one with {@link io.tributary.store.Tributary#open(java.nio.file.Path)}. */
package io.tributary.store;
